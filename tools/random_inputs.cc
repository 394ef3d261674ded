#include "random_inputs.h"

#include "onyxrt/status.h"

namespace onyxrt::cli {
namespace {

template <typename T, typename Dist>
void fill(Tensor& t, Dist dist, std::mt19937_64& rng) {
  T* p = t.mutable_data<T>();
  for (int64_t i = 0; i < t.size(); ++i) p[i] = static_cast<T>(dist(rng));
}

}  // namespace

Shape concrete_shape(const IoInfo& info, const std::map<std::string, int64_t>& dim_values) {
  Shape shape;
  for (const DimInfo& d : info.shape) {
    if (d.value >= 0 && d.symbol.empty()) {
      shape.push_back(d.value);
      continue;
    }
    auto it = dim_values.find(d.symbol);
    shape.push_back(it != dim_values.end() ? it->second : 1);
  }
  return shape;
}

Tensor random_tensor(const IoInfo& info, const Shape& shape, std::mt19937_64& rng) {
  if (info.type.rfind("tensor(", 0) != 0)
    throw_error(ErrorCode::NotImplemented, "--random-inputs cannot make a value of type " + info.type +
                                               " for input '" + info.name + "'; pass it with --input");
  Tensor t = Tensor::allocate(info.elem_type, shape);
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int> small(0, 9);
  switch (info.elem_type) {
    case DataType::Float: fill<float>(t, real, rng); break;
    case DataType::Double: fill<double>(t, real, rng); break;
    case DataType::Int8: fill<int8_t>(t, small, rng); break;
    case DataType::Int16: fill<int16_t>(t, small, rng); break;
    case DataType::Int32: fill<int32_t>(t, small, rng); break;
    case DataType::Int64: fill<int64_t>(t, small, rng); break;
    case DataType::UInt8: fill<uint8_t>(t, small, rng); break;
    case DataType::UInt16: fill<uint16_t>(t, small, rng); break;
    case DataType::UInt32: fill<uint32_t>(t, small, rng); break;
    case DataType::UInt64: fill<uint64_t>(t, small, rng); break;
    case DataType::Bool: fill<uint8_t>(t, std::uniform_int_distribution<int>(0, 1), rng); break;
    default:
      throw_error(ErrorCode::NotImplemented, "--random-inputs cannot fill element type " +
                                                 std::string(dtype_name(info.elem_type)) + " of input '" +
                                                 info.name + "'; pass it with --input NAME=FILE.npy");
  }
  return t;
}

}  // namespace onyxrt::cli
