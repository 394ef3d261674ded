// Concat without the copy: where every input of a Concat is a fresh value that only the Concat
// reads, each producer can write its output straight into its place in the Concat's output, and
// the Concat then has nothing left to move (SqueezeNet's fire modules, Inception's branches:
// onnxruntime copies them). The plan says, per placed input, which Concat output holds it and
// where; the runtime allocates that output when the first producer asks for memory and hands each
// producer a view of its slice, and the Concat kernel copies only what it does not find in place.
#pragma once
#include <cstdint>
#include <unordered_map>

#include "ir/graph.h"

namespace onyxrt::plan {

struct ConcatSlot {
  const ir::Value* concat_output = nullptr;
  DataType dtype = DataType::Undefined;
  Shape concat_shape;    // the Concat output's static shape
  Shape shape;           // this input's static shape
  int64_t offset = 0;    // elements of the Concat output before this input's slice
};

// Placed inputs of the graph's Concat nodes: a Concat qualifies when its output and every input
// have static shapes and one byte-sized element type, the dims before `axis` are all 1 (each
// input is then one contiguous slice), and every input is produced by a node of this graph (not a
// Concat), read by nothing else and only once, and is not a graph output.
std::unordered_map<const ir::Value*, ConcatSlot> place_concat_inputs(const ir::Graph& g);

}  // namespace onyxrt::plan
