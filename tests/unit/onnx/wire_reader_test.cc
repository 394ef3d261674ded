// Wire-level decoding: varint limits, truncation, wire-type validation and unknown-field skipping.
#include "onnx/wire_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onnx/wire_writer.h"
#include "onyxrt/status.h"

namespace onyxrt::onnx {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}

WireReader reader(const std::vector<uint8_t>& b) { return WireReader(b.data(), b.data() + b.size(), b.data(), "Test"); }

uint64_t read_one_varint(const std::vector<uint8_t>& b) {
  WireReader r = reader(b);
  return r.read_varint_field(WireType::Varint, "v");
}

ErrorCode error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Fail;  // no error: never the code a test expects
}

TEST(WireReader, VarintRoundTripsEdgeValues) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}, uint64_t{1} << 63,
                     ~uint64_t{0}, uint64_t{0xffffffff}}) {
    std::string s;
    StringSink sink(s);
    sink.varint(v);
    EXPECT_EQ(s.size(), varint_size(v));
    std::vector<uint8_t> b(s.begin(), s.end());
    EXPECT_EQ(read_one_varint(b), v);
  }
}

TEST(WireReader, MaximumVarintIsTenBytes) {
  EXPECT_EQ(read_one_varint(bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})), ~uint64_t{0});
  // An 11-byte varint and a 10th byte carrying more than the 64th bit are refused.
  EXPECT_EQ(error_code_of([] { read_one_varint(bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x01})); }),
            ErrorCode::InvalidProtobuf);
  EXPECT_EQ(error_code_of([] { read_one_varint(bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02})); }),
            ErrorCode::InvalidProtobuf);
}

TEST(WireReader, TruncatedVarintIsAnError) {
  EXPECT_EQ(error_code_of([] { read_one_varint(bytes({0x80, 0x80})); }), ErrorCode::InvalidProtobuf);
  EXPECT_EQ(error_code_of([] { read_one_varint(bytes({})); }), ErrorCode::InvalidProtobuf);
}

TEST(WireReader, NegativeInt32IsSignExtendedTenBytes) {
  std::string s;
  StringSink sink(s);
  WireWriter<StringSink> w(sink);
  w.int32_field(1, -5);
  EXPECT_EQ(s.size(), 11u);  // tag + 10-byte varint, as protobuf encodes negative int32
  std::vector<uint8_t> b(s.begin(), s.end());
  WireReader r = reader(b);
  uint32_t f;
  WireType wt;
  r.next_field(f, wt);
  EXPECT_EQ(r.read_int32(wt, "x"), -5);
}

TEST(WireReader, LengthBeyondBufferIsAnError) {
  auto b = bytes({0x0a, 0x05, 'a', 'b'});  // field 1, len 5, only 2 bytes
  WireReader r = reader(b);
  uint32_t f;
  WireType w;
  r.next_field(f, w);
  try {
    r.read_bytes(w, "name");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidProtobuf);
    EXPECT_NE(std::string(e.what()).find("name"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("byte 2"), std::string::npos) << e.what();
  }
}

TEST(WireReader, HugeClaimedLengthIsAnError) {
  auto b = bytes({0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f});
  EXPECT_EQ(error_code_of([&] {
              WireReader r = reader(b);
              uint32_t f;
              WireType w;
              r.next_field(f, w);
              r.read_bytes(w, "x");
            }),
            ErrorCode::InvalidProtobuf);
}

TEST(WireReader, InvalidWireTypesAndFieldZeroAreErrors) {
  for (auto b : {bytes({0x0e}), bytes({0x0f}), bytes({0x00}), bytes({0x02})}) {
    EXPECT_EQ(error_code_of([&] {
                WireReader r = reader(b);
                uint32_t f;
                WireType w;
                r.next_field(f, w);
              }),
              ErrorCode::InvalidProtobuf);
  }
}

TEST(WireReader, WrongWireTypeForKnownFieldIsAnError) {
  auto b = bytes({0x0d, 0, 0, 0, 0});  // fixed32 where a varint is declared
  WireReader r = reader(b);
  uint32_t f;
  WireType w;
  r.next_field(f, w);
  EXPECT_EQ(error_code_of([&] { r.read_int64(w, "ir_version"); }), ErrorCode::InvalidProtobuf);
}

TEST(WireReader, SkipsEveryWireTypeOfUnknownFields) {
  // varint, fixed64, len, fixed32, group{varint}, then a known field 1 varint 7.
  auto b = bytes({0x50, 0x96, 0x01, 0x59, 1, 2, 3, 4, 5, 6, 7, 8, 0x62, 0x02, 'h', 'i', 0x6d, 1, 2, 3, 4,
                  0x73, 0x08, 0x01, 0x74, 0x08, 0x07});
  WireReader r = reader(b);
  uint32_t f;
  WireType w;
  int64_t value = -1;
  while (!r.at_end()) {
    r.next_field(f, w);
    if (f == 1) value = r.read_int64(w, "x");
    else r.skip_field(f, w);
  }
  EXPECT_EQ(value, 7);
}

TEST(WireReader, UnterminatedOrMismatchedGroupIsAnError) {
  for (auto b : {bytes({0x73, 0x08, 0x01}), bytes({0x73, 0x7c})}) {
    EXPECT_EQ(error_code_of([&] {
                WireReader r = reader(b);
                uint32_t f;
                WireType w;
                r.next_field(f, w);
                r.skip_field(f, w);
              }),
              ErrorCode::InvalidProtobuf);
  }
}

TEST(WireReader, PackedAndUnpackedRepeatedFieldsBothDecode) {
  // field 1 packed [1, 300], then field 1 unpacked 5.
  auto b = bytes({0x0a, 0x03, 0x01, 0xac, 0x02, 0x08, 0x05});
  WireReader r = reader(b);
  std::vector<int64_t> out;
  uint32_t f;
  WireType w;
  while (!r.at_end()) {
    r.next_field(f, w);
    r.read_repeated_varint(w, "ints", out);
  }
  EXPECT_EQ(out, (std::vector<int64_t>{1, 300, 5}));
}

TEST(WireReader, PackedFloatsMustBeWholeElements) {
  auto b = bytes({0x0a, 0x03, 0, 0, 0});
  std::vector<float> out;
  EXPECT_EQ(error_code_of([&] {
              WireReader r = reader(b);
              uint32_t f;
              WireType w;
              r.next_field(f, w);
              r.read_repeated_float(w, "floats", out);
            }),
            ErrorCode::InvalidProtobuf);
}

}  // namespace
}  // namespace onyxrt::onnx
