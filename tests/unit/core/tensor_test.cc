#include "onyxrt/tensor.h"

#include <gtest/gtest.h>

#include "onyxrt/status.h"
#include "onyxrt/value.h"

namespace onyxrt {
namespace {

TEST(DataTypes, NamesRoundTripForEveryKnownType) {
  for (int32_t v = 1; v <= kMaxDataType; ++v) {
    auto t = static_cast<DataType>(v);
    EXPECT_EQ(dtype_from_name(dtype_name(t)), t) << v;
  }
  EXPECT_EQ(dtype_name(DataType::Float), "float");
  EXPECT_EQ(dtype_name(DataType::Float16), "float16");
  EXPECT_FALSE(is_known_dtype(0));
  EXPECT_FALSE(is_known_dtype(kMaxDataType + 1));
}

TEST(DataTypes, SubByteTypesPackIntoWholeBytes) {
  EXPECT_EQ(dtype_storage_bytes(DataType::Int4, 3), 2u);
  EXPECT_EQ(dtype_storage_bytes(DataType::UInt4, 4), 2u);
  EXPECT_EQ(dtype_storage_bytes(DataType::Float4E2M1, 1), 1u);
  EXPECT_EQ(dtype_storage_bytes(DataType::Int2, 5), 2u);
  EXPECT_EQ(dtype_storage_bytes(DataType::Complex128, 2), 32u);
  EXPECT_EQ(dtype_storage_bytes(DataType::BFloat16, 3), 6u);
}

TEST(Tensor, AllocateEveryTypeZeroed) {
  for (int32_t v = 1; v <= kMaxDataType; ++v) {
    auto t = static_cast<DataType>(v);
    Tensor x = Tensor::allocate(t, {2, 3});
    EXPECT_EQ(x.size(), 6);
    if (t == DataType::String) {
      EXPECT_EQ(x.data<std::string>()[5], "");
    } else {
      const auto* bytes = static_cast<const unsigned char*>(x.raw());
      for (size_t i = 0; i < x.nbytes(); ++i) ASSERT_EQ(bytes[i], 0) << v;
    }
  }
}

TEST(Tensor, ReshapeSharesStorageAndChecksCount) {
  Tensor x = Tensor::allocate(DataType::Int32, {2, 3});
  x.mutable_data<int32_t>()[4] = 7;
  Tensor y = x.reshaped({3, 2});
  EXPECT_EQ(y.raw(), x.raw());
  EXPECT_EQ(y.data<int32_t>()[4], 7);
  EXPECT_THROW(x.reshaped({4, 2}), Error);
}

TEST(Tensor, CloneIsDeep) {
  Tensor x = Tensor::allocate(DataType::String, {2});
  x.mutable_data<std::string>()[1] = "hello";
  Tensor y = x.clone();
  y.mutable_data<std::string>()[1] = "bye";
  EXPECT_EQ(x.data<std::string>()[1], "hello");
}

TEST(Tensor, NegativeAndOverflowingShapesAreRejected) {
  EXPECT_THROW(Tensor::allocate(DataType::Float, {-1}), Error);
  EXPECT_THROW(Tensor::allocate(DataType::Float, {int64_t{1} << 40, int64_t{1} << 40}), Error);
  EXPECT_EQ(Tensor::allocate(DataType::Float, {0, 5}).size(), 0);
}

TEST(Tensor, BorrowKeepsOwnerAlive) {
  auto owner = std::make_shared<std::vector<float>>(4, 1.5f);
  std::weak_ptr<std::vector<float>> watch = owner;
  Tensor t = Tensor::borrow(DataType::Float, {4}, owner->data(), owner);
  owner.reset();
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(t.data<float>()[3], 1.5f);
  t = Tensor();
  EXPECT_TRUE(watch.expired());
}

TEST(Value, SequencesOptionalsAndMapsAreValues) {
  Value seq = Value::sequence({Value(Tensor::allocate(DataType::Float, {1})), Value(Tensor::allocate(DataType::Float, {2}))},
                              DataType::Float);
  EXPECT_TRUE(seq.is_sequence());
  EXPECT_EQ(seq.sequence().size(), 2u);
  EXPECT_EQ(seq.sequence_elem_type(), DataType::Float);
  EXPECT_THROW(seq.tensor(), Error);
  Value none = Value::none();
  EXPECT_TRUE(none.is_none());
  Map m;
  m.keys = Tensor::allocate(DataType::Int64, {2});
  m.values = Tensor::allocate(DataType::Float, {2});
  EXPECT_EQ(Value::map(m).kind(), Value::Kind::Map);
}

}  // namespace
}  // namespace onyxrt
