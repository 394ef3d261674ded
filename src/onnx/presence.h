// Presence of proto2 optional strings whose explicit empty value is common in real models.
//
// onnx.proto is proto2, so `domain: ""` and an absent domain are different messages to protobuf's
// equality, and the onnx backend suite has both (node.domain, opset_import.domain and the name of
// attribute tensors). proto.h may declare `bool has_domain` / `bool has_name` on those structs;
// when it does, the reader records presence and the writer honours it; when it does not, the
// writer falls back to "write when non-empty" (or "always" for opset domains, which
// onnx.helper.make_opsetid always sets). The checks are templates so this file compiles against
// either form of proto.h.
#pragma once

namespace onyxrt::onnx {

template <typename T>
void mark_domain_present(T& msg) {
  if constexpr (requires { msg.has_domain; }) msg.has_domain = true;
}
template <typename T>
bool domain_present(const T& msg, bool fallback) {
  if constexpr (requires { msg.has_domain; }) return msg.has_domain || !msg.domain.empty();
  else return fallback;
}

template <typename T>
void mark_name_present(T& msg) {
  if constexpr (requires { msg.has_name; }) msg.has_name = true;
}
template <typename T>
bool name_present(const T& msg, bool fallback) {
  if constexpr (requires { msg.has_name; }) return msg.has_name || !msg.name.empty();
  else return fallback;
}

}  // namespace onyxrt::onnx
