#include "onnx/wire_reader.h"

#include <algorithm>
#include <cstring>

#include "onyxrt/status.h"

namespace onyxrt::onnx {

namespace {
// A varint encodes at most 64 bits in 7-bit groups: 10 bytes.
constexpr int kMaxVarintBytes = 10;
// Nested groups are deprecated and unused by ONNX; a bound keeps skipping them from recursing deeply.
constexpr int kMaxGroupDepth = 32;

const char* wire_type_name(WireType w) {
  switch (w) {
    case WireType::Varint: return "varint";
    case WireType::Fixed64: return "fixed64";
    case WireType::Len: return "length-delimited";
    case WireType::StartGroup: return "start-group";
    case WireType::EndGroup: return "end-group";
    case WireType::Fixed32: return "fixed32";
  }
  return "?";
}
}  // namespace

void WireReader::fail(const std::string& what) const {
  throw_error(ErrorCode::InvalidProtobuf,
              std::string("invalid protobuf in ") + message_ + " at byte " + std::to_string(offset()) + ": " + what);
}

uint64_t WireReader::raw_varint() {
  uint64_t value = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (p_ == end_) fail("truncated varint");
    uint8_t b = *p_++;
    // The 10th byte may only carry the 64th bit.
    if (i == kMaxVarintBytes - 1 && b > 1) fail("varint overflows 64 bits");
    value |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return value;
  }
  fail("varint longer than 10 bytes");
}

uint32_t WireReader::raw_fixed32() {
  if (remaining() < 4) fail("truncated fixed32");
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p_[i]) << (8 * i);
  p_ += 4;
  return v;
}

uint64_t WireReader::raw_fixed64() {
  if (remaining() < 8) fail("truncated fixed64");
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
  p_ += 8;
  return v;
}

void WireReader::next_field(uint32_t& field, WireType& wire) {
  uint64_t tag = raw_varint();
  uint64_t w = tag & 7;
  uint64_t f = tag >> 3;
  if (w == 6 || w == 7) fail("invalid wire type " + std::to_string(w) + " for field " + std::to_string(f));
  // Field numbers are 29-bit; 0 is reserved.
  if (f == 0 || f > 0x1fffffff) fail("invalid field number " + std::to_string(f));
  field = static_cast<uint32_t>(f);
  wire = static_cast<WireType>(w);
}

void WireReader::expect_wire(WireType got, WireType want, const char* field_name) const {
  if (got != want)
    fail(std::string("field ") + field_name + " has wire type " + wire_type_name(got) + ", expected " +
         wire_type_name(want));
}

uint64_t WireReader::read_varint_field(WireType wire, const char* field_name) {
  expect_wire(wire, WireType::Varint, field_name);
  return raw_varint();
}

float WireReader::read_float(WireType wire, const char* field_name) {
  expect_wire(wire, WireType::Fixed32, field_name);
  uint32_t bits = raw_fixed32();
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::string_view WireReader::read_bytes(WireType wire, const char* field_name) {
  expect_wire(wire, WireType::Len, field_name);
  uint64_t len = raw_varint();
  if (len > remaining())
    fail(std::string("field ") + field_name + " claims " + std::to_string(len) + " bytes but only " +
         std::to_string(remaining()) + " remain");
  std::string_view v(reinterpret_cast<const char*>(p_), static_cast<size_t>(len));
  p_ += len;
  return v;
}

WireReader WireReader::read_message(WireType wire, const char* field_name, const char* sub_message) {
  std::string_view bytes = read_bytes(wire, field_name);
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  return WireReader(b, b + bytes.size(), origin_, sub_message);
}

template <typename T>
void WireReader::read_packed_varints(const char* field_name, std::vector<T>& out) {
  std::string_view bytes = read_bytes(WireType::Len, field_name);
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  WireReader sub(b, b + bytes.size(), origin_, message_);
  // Every varint takes at least one byte, so the byte count bounds the element count.
  // Growing geometrically keeps many small packed chunks of one field linear overall.
  size_t need = out.size() + bytes.size();
  if (need > out.capacity()) out.reserve(std::max(need, 2 * out.capacity()));
  while (!sub.at_end()) out.push_back(static_cast<T>(sub.raw_varint()));
}

void WireReader::read_repeated_varint(WireType wire, const char* field_name, std::vector<int64_t>& out) {
  if (wire == WireType::Len) return read_packed_varints(field_name, out);
  out.push_back(static_cast<int64_t>(read_varint_field(wire, field_name)));
}

void WireReader::read_repeated_varint(WireType wire, const char* field_name, std::vector<int32_t>& out) {
  if (wire == WireType::Len) return read_packed_varints(field_name, out);
  out.push_back(static_cast<int32_t>(static_cast<uint32_t>(read_varint_field(wire, field_name))));
}

void WireReader::read_repeated_varint(WireType wire, const char* field_name, std::vector<uint64_t>& out) {
  if (wire == WireType::Len) return read_packed_varints(field_name, out);
  out.push_back(read_varint_field(wire, field_name));
}

void WireReader::read_repeated_float(WireType wire, const char* field_name, std::vector<float>& out) {
  if (wire != WireType::Len) {
    out.push_back(read_float(wire, field_name));
    return;
  }
  std::string_view bytes = read_bytes(wire, field_name);
  if (bytes.size() % 4 != 0)
    fail(std::string("packed field ") + field_name + " has " + std::to_string(bytes.size()) +
         " bytes, not a multiple of 4");
  size_t n = bytes.size() / 4;
  size_t old = out.size();
  out.resize(old + n);
  // Wire order is little-endian, as is every host onyxrt builds for.
  std::memcpy(out.data() + old, bytes.data(), bytes.size());
}

void WireReader::read_repeated_double(WireType wire, const char* field_name, std::vector<double>& out) {
  if (wire != WireType::Len) {
    expect_wire(wire, WireType::Fixed64, field_name);
    uint64_t bits = raw_fixed64();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    out.push_back(d);
    return;
  }
  std::string_view bytes = read_bytes(wire, field_name);
  if (bytes.size() % 8 != 0)
    fail(std::string("packed field ") + field_name + " has " + std::to_string(bytes.size()) +
         " bytes, not a multiple of 8");
  size_t n = bytes.size() / 8;
  size_t old = out.size();
  out.resize(old + n);
  std::memcpy(out.data() + old, bytes.data(), bytes.size());
}

void WireReader::skip_group(uint32_t field, int depth) {
  if (depth > kMaxGroupDepth) fail("groups nested too deeply");
  while (true) {
    if (at_end()) fail("unterminated group for field " + std::to_string(field));
    uint32_t f;
    WireType w;
    next_field(f, w);
    if (w == WireType::EndGroup) {
      if (f != field) fail("mismatched end-group for field " + std::to_string(f));
      return;
    }
    if (w == WireType::StartGroup) {
      skip_group(f, depth + 1);
    } else {
      skip_field(f, w);
    }
  }
}

void WireReader::skip_field(uint32_t field, WireType wire) {
  switch (wire) {
    case WireType::Varint: raw_varint(); return;
    case WireType::Fixed64: raw_fixed64(); return;
    case WireType::Fixed32: raw_fixed32(); return;
    case WireType::Len: read_bytes(wire, "<unknown>"); return;
    case WireType::StartGroup: skip_group(field, 1); return;
    case WireType::EndGroup: fail("unexpected end-group for field " + std::to_string(field));
  }
}

}  // namespace onyxrt::onnx
