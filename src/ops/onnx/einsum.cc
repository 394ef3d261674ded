// Einsum (ONNX opset 12 onward): a general Einstein-summation evaluator. The equation is parsed
// once at session creation into per-operand label lists ("..." becomes as many broadcast labels as
// the operand has leftover dims, aligned from the right); repeated labels in one term read a
// diagonal. The output is implicit (ellipsis dims, then labels seen exactly once, sorted by ASCII)
// or explicit after "->". Evaluation is one loop over the output labels times the summed labels,
// which handles every equation the spec allows; operands are small in the models that use it.
// float16 and bfloat16 (bfloat16 from opset 28) accumulate in double and round once on store.
#include <algorithm>
#include <map>
#include <memory>
#include <type_traits>
#include <string>
#include <vector>

#include "kernels/ref/real_cast.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

constexpr int kEllipsis = -1;  // placeholder in a parsed term for "..."

struct ParsedEquation {
  std::vector<std::vector<int>> inputs;  // per term: label chars, kEllipsis for "..."
  std::vector<int> output;
  bool explicit_output = false;
};

std::vector<int> parse_term(const std::string& term, const ir::Node& node) {
  std::vector<int> labels;
  bool seen_ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    const char c = term[i];
    if (c == '.') {
      if (term.compare(i, 3, "...") != 0 || seen_ellipsis)
        throw_error(ErrorCode::InvalidGraph, node.describe() + ": malformed ellipsis in einsum term '" + term + "'");
      labels.push_back(kEllipsis);
      seen_ellipsis = true;
      i += 2;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      labels.push_back(c);
    } else {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": einsum equation has unexpected character '" + std::string(1, c) + "'");
    }
  }
  return labels;
}

ParsedEquation parse_equation(const ir::Node& node) {
  std::string eq;
  for (char c : node.required("equation").s)
    if (c != ' ') eq += c;
  ParsedEquation p;
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    p.inputs.push_back(parse_term(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start), node));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (arrow != std::string::npos) {
    p.explicit_output = true;
    p.output = parse_term(eq.substr(arrow + 2), node);
  }
  return p;
}

// The equation resolved against concrete input ranks: labels are small ints, ellipsis dims get
// their own labels 256 + position (right-aligned across operands).
struct ResolvedEquation {
  std::vector<std::vector<int>> inputs;
  std::vector<int> output;
};

ResolvedEquation resolve(const ParsedEquation& p, const std::vector<size_t>& ranks, const ir::Node& node) {
  if (ranks.size() != p.inputs.size())
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": einsum equation has " + std::to_string(p.inputs.size()) +
                                                " terms but the node has " + std::to_string(ranks.size()) + " inputs");
  ResolvedEquation r;
  size_t ell_rank = 0;
  std::vector<size_t> term_ell(ranks.size(), 0);
  for (size_t i = 0; i < ranks.size(); ++i) {
    const auto& t = p.inputs[i];
    const bool has_ell = std::count(t.begin(), t.end(), kEllipsis) > 0;
    const size_t letters = t.size() - (has_ell ? 1 : 0);
    if (ranks[i] < letters || (!has_ell && ranks[i] != letters))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": einsum term " + std::to_string(i) + " names " +
                                                  std::to_string(letters) + " dims but input " + std::to_string(i) + " has rank " +
                                                  std::to_string(ranks[i]));
    term_ell[i] = ranks[i] - letters;
    ell_rank = std::max(ell_rank, term_ell[i]);
  }
  auto expand = [&](const std::vector<int>& t, size_t e) {
    std::vector<int> out;
    for (int l : t) {
      if (l != kEllipsis) out.push_back(l);
      else
        for (size_t k = 0; k < e; ++k) out.push_back(256 + static_cast<int>(ell_rank - e + k));
    }
    return out;
  };
  std::map<int, int> count;
  for (size_t i = 0; i < ranks.size(); ++i) {
    r.inputs.push_back(expand(p.inputs[i], term_ell[i]));
    for (int l : r.inputs.back()) ++count[l];
  }
  if (p.explicit_output) {
    r.output = expand(p.output, ell_rank);
    for (int l : r.output) {
      if (count.count(l) == 0)
        throw_error(ErrorCode::InvalidGraph, node.describe() + ": einsum output label '" + std::string(1, static_cast<char>(l)) + "' is not in any input");
      if (std::count(r.output.begin(), r.output.end(), l) > 1)
        throw_error(ErrorCode::InvalidGraph, node.describe() + ": einsum output repeats a label");
    }
  } else {
    for (size_t k = 0; k < ell_rank; ++k) r.output.push_back(256 + static_cast<int>(k));
    for (const auto& [l, n] : count)  // std::map orders 'A' < 'Z' < 'a' < 'z', as ASCII does
      if (l < 256 && n == 1) r.output.push_back(l);
  }
  return r;
}

template <typename T>
using Acc = std::conditional_t<std::is_integral_v<T>, T, double>;

template <typename T>
Acc<T> load_acc(T v) {
  if constexpr (std::is_integral_v<T>)
    return v;
  else
    return kernels::to_double(v);
}
template <typename T>
T store_acc(Acc<T> v) {
  if constexpr (std::is_integral_v<T>)
    return v;
  else
    return kernels::from_double<T>(v);
}

bool einsum_type_ok(DataType t) {
  return t == DataType::Float || t == DataType::Double || t == DataType::Int32 || t == DataType::Int64 ||
         t == DataType::Float16 || t == DataType::BFloat16;
}

class EinsumKernel final : public OpKernel {
 public:
  explicit EinsumKernel(const ir::Node& node) : eq_(parse_equation(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& A = ctx.required_input(0);
    switch (A.dtype()) {
      case DataType::Float: return run<float>(ctx);
      case DataType::Double: return run<double>(ctx);
      case DataType::Int32: return run<int32_t>(ctx);
      case DataType::Int64: return run<int64_t>(ctx);
      case DataType::Float16: return run<kernels::Float16>(ctx);
      case DataType::BFloat16: return run<kernels::BFloat16>(ctx);
      default: unsupported_type(ctx.node(), 0, A.dtype());
    }
  }

 private:
  template <typename T>
  void run(KernelContext& ctx) const {
    const ir::Node& node = ctx.node();
    std::vector<const Tensor*> ins;
    std::vector<size_t> ranks;
    for (int i = 0; i < ctx.input_count(); ++i) {
      ins.push_back(&ctx.required_input(i));
      if (ins.back()->dtype() != ins[0]->dtype())
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": einsum inputs must share one element type");
      ranks.push_back(ins.back()->rank());
    }
    const ResolvedEquation r = resolve(eq_, ranks, node);
    std::map<int, int64_t> size;
    for (size_t i = 0; i < ins.size(); ++i)
      for (size_t d = 0; d < ranks[i]; ++d) {
        const int l = r.inputs[i][d];
        const int64_t s = ins[i]->shape()[d];
        auto it = size.find(l);
        if (it == size.end() || it->second == 1) size[l] = s;
        else if (s != 1 && s != it->second)
          throw_error(ErrorCode::InvalidArgument, node.describe() + ": einsum dim of input " + std::to_string(i) + " has size " +
                                                      std::to_string(s) + " but the same label elsewhere has " + std::to_string(it->second));
      }
    // loop labels: output labels, then summed ones
    std::vector<int> loop = r.output;
    for (const auto& [l, s] : size)
      if (std::find(loop.begin(), loop.end(), l) == loop.end()) loop.push_back(l);
    const size_t n_out = r.output.size();
    std::vector<int64_t> extent;
    for (int l : loop) extent.push_back(size.at(l));
    // stride of each loop label in each operand (summed over repeats: a diagonal); broadcast dims 0
    std::vector<std::vector<int64_t>> strides(ins.size(), std::vector<int64_t>(loop.size(), 0));
    for (size_t i = 0; i < ins.size(); ++i) {
      int64_t s = 1;
      for (size_t d = ranks[i]; d-- > 0;) {
        const int64_t dim = ins[i]->shape()[d];
        const size_t li = std::find(loop.begin(), loop.end(), r.inputs[i][d]) - loop.begin();
        if (dim != 1 || extent[li] == 1) strides[i][li] += s;
        s *= dim;
      }
    }
    Shape out_shape(extent.begin(), extent.begin() + static_cast<long>(n_out));
    Tensor& Y = ctx.allocate_output(0, ins[0]->dtype(), out_shape);
    const int64_t out_count = Y.size();
    int64_t sum_count = 1;
    for (size_t k = n_out; k < loop.size(); ++k) sum_count *= extent[k];
    T* y = Y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), out_count, 16, [&](int64_t b, int64_t e) {
      std::vector<int64_t> idx(loop.size()), base(ins.size());
      for (int64_t o = b; o < e; ++o) {
        int64_t rem = o;
        for (size_t k = n_out; k-- > 0;) {
          idx[k] = rem % extent[k];
          rem /= extent[k];
        }
        for (size_t i = 0; i < ins.size(); ++i) {
          base[i] = 0;
          for (size_t k = 0; k < n_out; ++k) base[i] += idx[k] * strides[i][k];
        }
        Acc<T> acc = 0;
        for (int64_t s = 0; s < sum_count; ++s) {
          int64_t rem2 = s;
          Acc<T> prod = 1;
          for (size_t i = 0; i < ins.size(); ++i) {
            int64_t off = base[i];
            rem2 = s;
            for (size_t k = loop.size(); k-- > n_out;) {
              off += (rem2 % extent[k]) * strides[i][k];
              rem2 /= extent[k];
            }
            prod *= load_acc(ins[i]->data<T>()[off]);
          }
          acc += prod;
        }
        y[o] = store_acc<T>(acc);
      }
    });
  }

  ParsedEquation eq_;
};

std::unique_ptr<OpKernel> make_einsum(const ir::Node& node) {
  for (int i = 0; i < node.input_count(); ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !einsum_type_ok(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<EinsumKernel>(node);
}

void infer_einsum(ir::InferenceContext& ctx) {
  const DataType elem = ctx.input_type(0).elem;
  std::vector<size_t> ranks;
  for (int i = 0; i < ctx.input_count(); ++i) {
    const ir::TypeInfo& t = ctx.input_type(i);
    if (!t.has_shape) {
      ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
      return;
    }
    ranks.push_back(t.shape.size());
  }
  const ResolvedEquation r = resolve(parse_equation(ctx.node()), ranks, ctx.node());
  std::map<int, ir::Dim> dim;
  for (int i = 0; i < ctx.input_count(); ++i)
    for (size_t d = 0; d < ranks[i]; ++d) {
      const ir::Dim& s = ctx.input_type(i).shape[d];
      auto it = dim.find(r.inputs[i][d]);
      if (it == dim.end() || (it->second.known() && it->second.value == 1)) dim[r.inputs[i][d]] = s;
    }
  ir::SymShape out;
  for (int l : r.output) out.push_back(dim[l]);
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Einsum", 12, 27, make_einsum, infer_einsum});
ONYXRT_REGISTER_OP({"", "Einsum", 28, kMaxOpset, make_einsum, infer_einsum});  // adds bfloat16 only

}  // namespace onyxrt::ops
