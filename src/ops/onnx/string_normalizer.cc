// StringNormalizer (ONNX opset 10): drops the elements of a [C] or [1, C] string tensor that equal
// one of `stopwords` (compared case-insensitively unless is_case_sensitive), then applies
// case_change_action (LOWER, UPPER, NONE). As in onnxruntime, when every element is dropped the
// output is a single "" ([1] or [1, 1]). Case mapping works on Unicode code points through the
// C.UTF-8 locale's ctype facet (ASCII-only when that locale is missing); `locale` is accepted as
// long as it is empty or an English one, since only that mapping is implemented.
#include <locale>
#include <memory>
#include <unordered_set>

#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class CaseChange { None, Lower, Upper };

std::u32string decode_utf8(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string encode_utf8(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

std::locale unicode_locale() {
  try {
    return std::locale("C.UTF-8");
  } catch (const std::runtime_error&) {
    return std::locale::classic();
  }
}

class StringNormalizerKernel final : public OpKernel {
 public:
  StringNormalizerKernel(CaseChange action, bool case_sensitive, const std::vector<std::string>& stopwords)
      : action_(action), case_sensitive_(case_sensitive), locale_(unicode_locale()) {
    for (const std::string& w : stopwords) stopwords_.insert(case_sensitive_ ? w : lower(w));
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (x.dtype() != DataType::String) unsupported_type(ctx.node(), 0, x.dtype());
    const bool matrix = x.rank() == 2;
    if (!(x.rank() == 1 || (matrix && x.shape()[0] == 1))) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input " + shape_to_string(x.shape()) +
                                                  " must be [C] or [1, C]");
    }
    std::vector<std::string> kept;
    for (int64_t i = 0; i < x.size(); ++i) {
      const std::string& s = x.data<std::string>()[i];
      if (!stopwords_.empty() && stopwords_.count(case_sensitive_ ? s : lower(s))) continue;
      kept.push_back(action_ == CaseChange::None ? s : map_case(s, action_ == CaseChange::Upper));
    }
    if (kept.empty()) kept.emplace_back();
    const int64_t n = static_cast<int64_t>(kept.size());
    Tensor& y = ctx.allocate_output(0, DataType::String, matrix ? Shape{1, n} : Shape{n});
    std::move(kept.begin(), kept.end(), y.mutable_data<std::string>());
  }

 private:
  std::string lower(const std::string& s) const { return map_case(s, false); }
  std::string map_case(const std::string& s, bool upper) const {
    const auto& ct = std::use_facet<std::ctype<wchar_t>>(locale_);
    std::u32string u = decode_utf8(s);
    for (char32_t& c : u) {
      const auto w = static_cast<wchar_t>(c);
      c = static_cast<char32_t>(upper ? ct.toupper(w) : ct.tolower(w));
    }
    return encode_utf8(u);
  }

  CaseChange action_;
  bool case_sensitive_;
  std::locale locale_;
  std::unordered_set<std::string> stopwords_;
};

std::unique_ptr<OpKernel> make_string_normalizer(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::String) unsupported_type(node, 0, t);
  const std::string action = node.get_string("case_change_action", "NONE");
  CaseChange c;
  if (action == "NONE") c = CaseChange::None;
  else if (action == "LOWER") c = CaseChange::Lower;
  else if (action == "UPPER") c = CaseChange::Upper;
  else throw_error(ErrorCode::InvalidGraph, node.describe() + ": case_change_action '" + action + "' must be LOWER, UPPER or NONE");
  const std::string locale = node.get_string("locale", "");
  if (!locale.empty() && locale.rfind("en", 0) != 0 && locale != "C") {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": locale '" + locale + "' is not implemented (English only)");
  }
  return std::make_unique<StringNormalizerKernel>(c, node.get_int("is_case_sensitive", 0) != 0, node.get_strings("stopwords"));
}

void infer_string_normalizer(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  if (x.has_shape && (x.shape.size() == 1 || x.shape.size() == 2)) {
    ir::SymShape s = x.shape;
    s.back() = ir::Dim{};  // stopword removal changes the length
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::String, std::move(s)));
  } else {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::String));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "StringNormalizer", 10, kMaxOpset, make_string_normalizer, infer_string_normalizer});

}  // namespace onyxrt::ops
