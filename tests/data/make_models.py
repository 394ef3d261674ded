"""Generates the small ONNX files the C++ tests in tests/unit/onnx read.

Run from the repository root:  .venv/bin/python tests/data/make_models.py
The onnx package is the oracle: typed-field tensors come from onnx.helper.make_tensor and their
expected bytes from onnx.numpy_helper (to_array, then from_array's raw_data).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx")

# Values that exercise sign, rounding and the range of each type.
VALUES = {
    TensorProto.FLOAT: [1.5, -2.25, 0.0, 3e38, -1e-30, 7.0],
    TensorProto.DOUBLE: [1.5, -2.25, 0.0, 1e300, -1e-300, 7.0],
    TensorProto.FLOAT16: [1.5, -2.25, 0.0, 65504.0, -0.125, 7.0],
    TensorProto.BFLOAT16: [1.5, -2.25, 0.0, 3e38, -0.125, 7.0],
    TensorProto.FLOAT8E4M3FN: [1.5, -2.25, 0.0, 448.0, -0.125, 7.0],
    TensorProto.FLOAT8E4M3FNUZ: [1.5, -2.25, 0.0, 240.0, -0.125, 7.0],
    TensorProto.FLOAT8E5M2: [1.5, -2.5, 0.0, 57344.0, -0.125, 7.0],
    TensorProto.FLOAT8E5M2FNUZ: [1.5, -2.5, 0.0, 57344.0, -0.125, 7.0],
    TensorProto.FLOAT8E8M0: [1.0, 2.0, 0.5, 1024.0, 0.125, 8.0],
    TensorProto.FLOAT4E2M1: [1.5, -2.0, 0.0, 6.0, -0.5, 3.0, 1.0],
    TensorProto.INT8: [1, -2, 0, 127, -128, 7],
    TensorProto.UINT8: [1, 2, 0, 255, 128, 7],
    TensorProto.INT16: [1, -2, 0, 32767, -32768, 7],
    TensorProto.UINT16: [1, 2, 0, 65535, 32768, 7],
    TensorProto.INT32: [1, -2, 0, 2**31 - 1, -(2**31), 7],
    TensorProto.UINT32: [1, 2, 0, 2**32 - 1, 2**31, 7],
    TensorProto.INT64: [1, -2, 0, 2**63 - 1, -(2**63), 7],
    TensorProto.UINT64: [1, 2, 0, 2**64 - 1, 2**63, 7],
    TensorProto.BOOL: [True, False, False, True, True, False],
    TensorProto.INT4: [1, -2, 0, 7, -8, 3, -1],
    TensorProto.UINT4: [1, 2, 0, 15, 8, 3, 9],
    TensorProto.INT2: [1, -2, 0, -1, 1, 0, -2],
    TensorProto.UINT2: [1, 2, 0, 3, 1, 3, 2],
    TensorProto.COMPLEX64: [1 + 2j, -3.5 - 0.25j, 0j],
    TensorProto.COMPLEX128: [1 + 2j, -3.5 - 0.25j, 1e300j],
}


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def make_dtype_files():
    out = os.path.join(HERE, "dtypes")
    os.makedirs(out, exist_ok=True)
    for dtype, vals in VALUES.items():
        name = TensorProto.DataType.Name(dtype).lower()
        typed = helper.make_tensor(name, dtype, [len(vals)], vals)
        expected = numpy_helper.from_array(numpy_helper.to_array(typed)).raw_data
        raw = helper.make_tensor(name, dtype, [len(vals)], expected, raw=True)
        write(os.path.join(out, name + ".typed.pb"), typed.SerializeToString())
        write(os.path.join(out, name + ".raw.pb"), raw.SerializeToString())
        write(os.path.join(out, name + ".expected.bin"), expected)
    strings = [b"", b"abc", "h\u00e9llo".encode(), b"\x00\xff"]
    typed = helper.make_tensor("string", TensorProto.STRING, [2, 2], strings)
    write(os.path.join(out, "string.typed.pb"), typed.SerializeToString())
    write(os.path.join(out, "string.expected.bin"), b"".join(len(s).to_bytes(4, "little") + s for s in strings))


def make_small_model():
    """A model touching every message and attribute type of the schema (not meant to run)."""
    then_g = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y_then"])], "then",
        [], [helper.make_tensor_value_info("y_then", TensorProto.FLOAT, [2, "N"])])
    else_g = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["y_else"], domain="")], "else",
        [], [helper.make_tensor_value_info("y_else", TensorProto.FLOAT, [2, "N"])])
    sparse = helper.make_sparse_tensor(
        helper.make_tensor("sv", TensorProto.FLOAT, [2], [5.0, 6.0]),
        helper.make_tensor("si", TensorProto.INT64, [2], [1, 3]), [2, 2])
    attrs = helper.make_node(
        "Custom", ["x", "w"], ["z"], domain="test.domain", name="custom",
        f=0.5, i=-3, s="text", t=numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "t"),
        g=then_g, floats=[1.0, -2.0], ints=[0, -1, 2**40], strings=["a", ""],
        tensors=[helper.make_tensor("", TensorProto.INT32, [2], [1, 2])], graphs=[else_g],
        sparse_tensor=sparse, tp=helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.INT64, None)),
        type_protos=[helper.make_map_type_proto(TensorProto.STRING, helper.make_tensor_type_proto(TensorProto.FLOAT, [3]))])
    attrs.attribute.append(helper.make_attribute_ref("ref", onnx.AttributeProto.FLOAT))
    attrs.metadata_props.add(key="k", value="v")
    if_node = helper.make_node("If", ["cond"], ["y"], then_branch=then_g, else_branch=else_g, doc_string="branch")
    w = numpy_helper.from_array(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4), "w")
    ints = helper.make_tensor("ints", TensorProto.INT64, [3], [1, -1, 2**62])
    seg = helper.make_tensor("seg", TensorProto.FLOAT, [1], [1.0])
    seg.segment.begin = 0
    seg.segment.end = 1
    x_info = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, "N"])
    x_info.type.tensor_type.shape.dim[0].denotation = "DATA_BATCH"
    x_info.type.denotation = "TENSOR"
    graph = helper.make_graph(
        [attrs, if_node], "small", [x_info, helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None),
         helper.make_value_info("opt", helper.make_optional_type_proto(helper.make_tensor_type_proto(TensorProto.INT8, [1]))),
         helper.make_value_info("sp", helper.make_sparse_tensor_type_proto(TensorProto.FLOAT, [2, 2]))],
        initializer=[w, ints, seg], sparse_initializer=[sparse], doc_string="a graph")
    graph.quantization_annotation.add(tensor_name="w").quant_parameter_tensor_names.add(key="SCALE_TENSOR", value="s")
    fn = helper.make_function("test.domain", "Fn", ["a"], ["b"], [helper.make_node("Relu", ["a"], ["b"])],
                              [helper.make_opsetid("", 21)], attributes=["alpha"])
    model = helper.make_model(graph, producer_name="make_models.py", opset_imports=[
        helper.make_opsetid("", 21), helper.make_opsetid("test.domain", 1)], functions=[fn], doc_string="doc")
    model.model_version = 3
    helper.set_model_props(model, {"author": "onyxrt", "purpose": "tests"})
    write(os.path.join(HERE, "small_model.onnx"), model.SerializeToString())


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    make_dtype_files()
    make_small_model()
