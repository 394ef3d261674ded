// Low-level protobuf wire-format encoding. Two sinks share one interface: SizeSink only counts,
// so an embedded message's length prefix is computed by a counting pass instead of serializing the
// message into a temporary buffer (which would copy large raw_data once per nesting level).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "onnx/wire_reader.h"

namespace onyxrt::onnx {

inline size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

class SizeSink {
 public:
  void bytes(const void*, size_t n) { size_ += n; }
  void varint(uint64_t v) { size_ += varint_size(v); }
  size_t size() const { return size_; }

 private:
  size_t size_ = 0;
};

class StringSink {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  void bytes(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  void varint(uint64_t v) {
    char buf[10];
    size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, n);
  }

 private:
  std::string& out_;
};

// Field encoders on top of a sink. Every repeated numeric field is written packed.
template <typename Sink>
class WireWriter {
 public:
  explicit WireWriter(Sink& sink) : s_(sink) {}
  Sink& sink() { return s_; }

  void tag(uint32_t field, WireType w) { s_.varint((uint64_t{field} << 3) | static_cast<uint64_t>(w)); }
  // int32/enum values are sign-extended to 64 bits on the wire, as protobuf does.
  void int64_field(uint32_t field, int64_t v) {
    tag(field, WireType::Varint);
    s_.varint(static_cast<uint64_t>(v));
  }
  void int32_field(uint32_t field, int32_t v) { int64_field(field, v); }
  void float_field(uint32_t field, float v) {
    tag(field, WireType::Fixed32);
    s_.bytes(&v, 4);  // little-endian hosts only, like the reader
  }
  void bytes_field(uint32_t field, std::string_view v) {
    tag(field, WireType::Len);
    s_.varint(v.size());
    s_.bytes(v.data(), v.size());
  }
  void bytes_field(uint32_t field, const uint8_t* data, size_t size) {
    tag(field, WireType::Len);
    s_.varint(size);
    s_.bytes(data, size);
  }
  // Proto2 optional string fields: written when non-empty (no presence bit is kept in proto.h).
  void string_if_set(uint32_t field, const std::string& v) {
    if (!v.empty()) bytes_field(field, v);
  }
  void strings(uint32_t field, const std::vector<std::string>& v) {
    for (const auto& s : v) bytes_field(field, s);
  }

  template <typename T>
  void packed_varints(uint32_t field, const std::vector<T>& v) {
    if (v.empty()) return;
    size_t n = 0;
    for (T x : v) n += varint_size(to_wire(x));
    tag(field, WireType::Len);
    s_.varint(n);
    for (T x : v) s_.varint(to_wire(x));
  }
  template <typename T>
  void packed_fixed(uint32_t field, const std::vector<T>& v) {
    if (v.empty()) return;
    tag(field, WireType::Len);
    s_.varint(v.size() * sizeof(T));
    s_.bytes(v.data(), v.size() * sizeof(T));
  }

  // An embedded message: `encode(WireWriter<S>&)` is called once with a counting sink for the
  // length prefix and, when writing bytes, once more with this writer's sink. A counting writer
  // never encodes twice, so the total work is O(bytes x nesting depth), not exponential.
  template <typename Encode>
  void message(uint32_t field, Encode&& encode) {
    SizeSink counter;
    WireWriter<SizeSink> cw(counter);
    encode(cw);
    tag(field, WireType::Len);
    s_.varint(counter.size());
    if constexpr (std::is_same_v<Sink, SizeSink>) {
      s_.bytes(nullptr, counter.size());
    } else {
      encode(*this);
    }
  }

 private:
  static uint64_t to_wire(int64_t x) { return static_cast<uint64_t>(x); }
  static uint64_t to_wire(int32_t x) { return static_cast<uint64_t>(static_cast<int64_t>(x)); }
  static uint64_t to_wire(uint64_t x) { return x; }

  Sink& s_;
};

}  // namespace onyxrt::onnx
