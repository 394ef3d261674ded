// Low-level protobuf wire-format decoding over a byte range, with every length checked against the
// bytes that remain. Errors name the message being decoded and the absolute byte offset in the
// input so that a corrupt model can be located with a hex dump.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onyxrt::onnx {

// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure).
enum class WireType : uint8_t { Varint = 0, Fixed64 = 1, Len = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 };

class WireReader {
 public:
  // `origin` is the first byte of the whole input, used only to report offsets.
  WireReader(const uint8_t* begin, const uint8_t* end, const uint8_t* origin, const char* message)
      : p_(begin), end_(end), origin_(origin), message_(message) {}

  bool at_end() const { return p_ == end_; }
  size_t offset() const { return static_cast<size_t>(p_ - origin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const char* message() const { return message_; }

  // Reads the next tag. Field number 0 and wire types 6/7 are rejected.
  void next_field(uint32_t& field, WireType& wire);

  // Value readers for a field whose tag has just been read. Each checks the wire type against
  // what the schema declares, naming `field_name` on mismatch.
  uint64_t read_varint_field(WireType wire, const char* field_name);
  int64_t read_int64(WireType wire, const char* field_name) {
    return static_cast<int64_t>(read_varint_field(wire, field_name));
  }
  // Protobuf encodes int32/enum as sign-extended 64-bit varints; the low 32 bits are the value.
  int32_t read_int32(WireType wire, const char* field_name) {
    return static_cast<int32_t>(static_cast<uint32_t>(read_varint_field(wire, field_name)));
  }
  float read_float(WireType wire, const char* field_name);
  // A length-delimited field: string, bytes or an embedded message. The view points into the input.
  std::string_view read_bytes(WireType wire, const char* field_name);
  // An embedded message: a reader over its bytes, positioned after it in this reader.
  WireReader read_message(WireType wire, const char* field_name, const char* sub_message);

  // Repeated numeric fields accept both packed (one Len field) and unpacked (one value per tag)
  // encodings, as protobuf parsers must.
  void read_repeated_varint(WireType wire, const char* field_name, std::vector<int64_t>& out);
  void read_repeated_varint(WireType wire, const char* field_name, std::vector<int32_t>& out);
  void read_repeated_varint(WireType wire, const char* field_name, std::vector<uint64_t>& out);
  void read_repeated_float(WireType wire, const char* field_name, std::vector<float>& out);
  void read_repeated_double(WireType wire, const char* field_name, std::vector<double>& out);

  // Skips a field this reader does not know (forward compatibility).
  void skip_field(uint32_t field, WireType wire);

  [[noreturn]] void fail(const std::string& what) const;

 private:
  uint64_t raw_varint();
  uint32_t raw_fixed32();
  uint64_t raw_fixed64();
  void expect_wire(WireType got, WireType want, const char* field_name) const;
  void skip_group(uint32_t field, int depth);
  template <typename T>
  void read_packed_varints(const char* field_name, std::vector<T>& out);

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* origin_;
  const char* message_;
};

}  // namespace onyxrt::onnx
