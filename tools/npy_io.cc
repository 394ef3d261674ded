#include "npy_io.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include "onyxrt/status.h"

namespace onyxrt::npy {
namespace {

// The format is specified in numpy/lib/format.py: a magic string, a version, a little-endian
// header length, then a Python dict literal padded with spaces to a 64-byte boundary.
constexpr std::string_view kMagic = "\x93NUMPY";

struct DescrEntry {
  DataType dtype;
  const char* descr;
};
constexpr DescrEntry kDescrs[] = {
    {DataType::Float, "<f4"},     {DataType::Double, "<f8"},     {DataType::Float16, "<f2"},
    {DataType::Int8, "|i1"},      {DataType::Int16, "<i2"},      {DataType::Int32, "<i4"},
    {DataType::Int64, "<i8"},     {DataType::UInt8, "|u1"},      {DataType::UInt16, "<u2"},
    {DataType::UInt32, "<u4"},    {DataType::UInt64, "<u8"},     {DataType::Bool, "|b1"},
    {DataType::Complex64, "<c8"}, {DataType::Complex128, "<c16"},
};

[[noreturn]] void bad(const std::string& what, const std::string& why) {
  throw_error(ErrorCode::InvalidArgument, what + ": not a supported .npy file: " + why);
}

DataType dtype_from_descr(std::string descr, const std::string& what) {
  if (descr.size() < 3) bad(what, "dtype '" + descr + "' is not a simple numeric type");
  char order = descr[0];
  std::string body = descr.substr(1);
  bool single_byte = body == "i1" || body == "u1" || body == "b1";
  if (order == '>' && !single_byte) bad(what, "big-endian dtype '" + descr + "'; convert with arr.astype(arr.dtype.newbyteorder('<'))");
  if (order != '<' && order != '|' && order != '=' && order != '>') bad(what, "unknown byte order in dtype '" + descr + "'");
  for (const auto& e : kDescrs)
    if (std::string_view(e.descr).substr(1) == body) return e.dtype;
  bad(what, "dtype '" + descr + "' is not supported (numeric and bool types only)");
}

// Returns the text after `'key':` with leading spaces skipped.
std::string_view value_after_key(std::string_view header, std::string_view key, const std::string& what) {
  // Built piecewise: g++ 12 reports a false -Wrestrict on "'" + std::string(...).
  std::string quoted(1, '\'');
  quoted.append(key).push_back('\'');
  size_t k = header.find(quoted);
  if (k == std::string_view::npos) bad(what, "header has no '" + std::string(key) + "' entry");
  size_t colon = header.find(':', k + quoted.size());
  if (colon == std::string_view::npos) bad(what, "header entry '" + std::string(key) + "' has no value");
  size_t v = header.find_first_not_of(' ', colon + 1);
  if (v == std::string_view::npos) bad(what, "header entry '" + std::string(key) + "' has no value");
  return header.substr(v);
}

std::string parse_descr(std::string_view header, const std::string& what) {
  std::string_view v = value_after_key(header, "descr", what);
  if (v.empty() || (v[0] != '\'' && v[0] != '"')) bad(what, "structured dtypes are not supported");
  size_t end = v.find(v[0], 1);
  if (end == std::string_view::npos) bad(what, "unterminated dtype string in header");
  return std::string(v.substr(1, end - 1));
}

bool parse_fortran_order(std::string_view header, const std::string& what) {
  std::string_view v = value_after_key(header, "fortran_order", what);
  if (v.substr(0, 4) == "True") return true;
  if (v.substr(0, 5) == "False") return false;
  bad(what, "fortran_order is neither True nor False");
}

Shape parse_shape(std::string_view header, const std::string& what) {
  std::string_view v = value_after_key(header, "shape", what);
  if (v.empty() || v[0] != '(') bad(what, "shape is not a tuple");
  size_t close = v.find(')');
  if (close == std::string_view::npos) bad(what, "shape tuple is not closed");
  Shape shape;
  std::string_view body = v.substr(1, close - 1);
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && (body[i] == ' ' || body[i] == ',')) ++i;
    if (i >= body.size()) break;
    int64_t d = 0;
    size_t digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') {
      if (d > (INT64_MAX - 9) / 10) bad(what, "dimension too large in shape");
      d = d * 10 + (body[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0) bad(what, "shape contains '" + std::string(body) + "', expected non-negative integers");
    shape.push_back(d);
  }
  return shape;
}

}  // namespace

std::string npy_descr(DataType dtype) {
  for (const auto& e : kDescrs)
    if (e.dtype == dtype) return e.descr;
  return {};
}

Tensor parse_npy(const std::string& bytes, const std::string& what) {
  if (bytes.size() < kMagic.size() + 2 || std::string_view(bytes).substr(0, kMagic.size()) != kMagic)
    bad(what, "missing the \\x93NUMPY magic");
  auto major = static_cast<uint8_t>(bytes[6]);
  size_t len_bytes = major == 1 ? 2 : (major == 2 || major == 3) ? 4 : 0;
  if (len_bytes == 0) bad(what, "format version " + std::to_string(major) + " (1, 2 and 3 are supported)");
  size_t header_start = 8 + len_bytes;
  if (bytes.size() < header_start) bad(what, "truncated before the header length");
  size_t header_len = 0;
  for (size_t i = 0; i < len_bytes; ++i) header_len |= size_t(static_cast<uint8_t>(bytes[8 + i])) << (8 * i);
  if (bytes.size() - header_start < header_len) bad(what, "truncated inside the header");
  std::string_view header(bytes.data() + header_start, header_len);

  DataType dtype = dtype_from_descr(parse_descr(header, what), what);
  if (parse_fortran_order(header, what)) bad(what, "Fortran-ordered arrays are not supported; save np.ascontiguousarray(arr)");
  Shape shape = parse_shape(header, what);

  Tensor t = Tensor::allocate(dtype, shape);
  size_t data_start = header_start + header_len;
  size_t available = bytes.size() - data_start;
  if (available != t.nbytes())
    bad(what, "data holds " + std::to_string(available) + " bytes, shape " + shape_to_string(shape) + " of " +
                  npy_descr(dtype) + " needs " + std::to_string(t.nbytes()));
  if (t.nbytes() > 0) std::memcpy(t.mutable_raw(), bytes.data() + data_start, t.nbytes());
  if (dtype == DataType::Bool) {
    // onyxrt's bool storage is one byte holding 0 or 1; NumPy writes the same, but a hand-made file
    // may not.
    const auto* b = t.data<uint8_t>();
    for (int64_t i = 0; i < t.size(); ++i)
      if (b[i] > 1) bad(what, "bool element " + std::to_string(i) + " holds " + std::to_string(b[i]) + ", expected 0 or 1");
  }
  return t;
}

Tensor read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_error(ErrorCode::NoSuchFile, path + ": cannot open .npy file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_npy(ss.str(), path);
}

std::string serialize_npy(const Tensor& tensor) {
  std::string descr = npy_descr(tensor.dtype());
  if (descr.empty())
    throw_error(ErrorCode::NotImplemented, "cannot write a tensor of type " + std::string(dtype_name(tensor.dtype())) +
                                               " as .npy: NumPy has no native dtype for it");
  // A Python tuple: "()", "(4,)", "(2, 3)".
  std::string dims;
  for (size_t i = 0; i < tensor.shape().size(); ++i) {
    if (i) dims += ", ";
    dims += std::to_string(tensor.shape()[i]);
  }
  if (tensor.shape().size() == 1) dims += ',';
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces and end with '\n' so that the data starts on a 64-byte boundary.
  size_t prefix = kMagic.size() + 2 + 2;
  bool v2 = prefix + header.size() + 1 > 65535;
  if (v2) prefix += 2;
  size_t total = prefix + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::string out(kMagic);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  size_t len = header.size();
  for (size_t i = 0; i < (v2 ? 4u : 2u); ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  out += header;
  out.append(static_cast<const char*>(tensor.raw()), tensor.nbytes());
  return out;
}

void write_npy(const Tensor& tensor, const std::string& path) {
  std::string bytes = serialize_npy(tensor);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw_error(ErrorCode::NoSuchFile, path + ": cannot create .npy file");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw_error(ErrorCode::Fail, path + ": write failed");
}

}  // namespace onyxrt::npy
