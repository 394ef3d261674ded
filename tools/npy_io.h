// Reading and writing NumPy .npy files (format versions 1.0, 2.0 and 3.0) as onyxrt Tensors, so
// that the CLI and the C++ example exchange inputs and outputs with Python without a converter.
// Only little-endian, C-ordered arrays of numeric or bool element types are supported; anything
// else is refused with an error naming the file and what was found.
#pragma once
#include <string>

#include "onyxrt/tensor.h"

namespace onyxrt::npy {

// Throws NoSuchFile when the file cannot be opened and InvalidArgument when it is not a .npy file
// this reader supports (bad magic, truncated header or data, big-endian, Fortran order, strings).
Tensor read_npy(const std::string& path);
// Parses .npy bytes already in memory; `what` names their origin in error messages.
Tensor parse_npy(const std::string& bytes, const std::string& what);

// Writes `tensor` as a version 1.0 .npy file (2.0 when the header needs it). Throws
// NotImplemented for element types NumPy cannot represent natively (bfloat16, float8, int4...).
void write_npy(const Tensor& tensor, const std::string& path);
std::string serialize_npy(const Tensor& tensor);

// NumPy's dtype string for an onyxrt type ("<f4", "|b1"); empty when NumPy has none.
std::string npy_descr(DataType dtype);

}  // namespace onyxrt::npy
