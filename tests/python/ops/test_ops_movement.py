"""Identity, Constant, Shape, Squeeze/Unsqueeze, Reshape, Flatten, Transpose, Concat, Gather across
the opsets whose attributes or inputs differ, compared with onnxruntime."""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from single_node_models import assert_same, check, make_model, rand, run_onyxrt

DTYPES = [np.float32, np.float16, np.float64, np.int8, np.int64, np.uint16, np.bool_, object]


def data(shape, dtype, seed=0):
    if dtype is object:
        return np.array([f"s{i}" for i in range(int(np.prod(shape)))], dtype=object).reshape(shape)
    return rand(shape, dtype, seed=seed, lo=-50, hi=50)


def ids(v):
    return "string" if v is object else (np.dtype(v).name if isinstance(v, type) else str(v))


@pytest.mark.parametrize("dtype", DTYPES, ids=ids)
@pytest.mark.parametrize("opset", [1, 13, 16])
def test_identity(dtype, opset):
    check(helper.make_node("Identity", ["x"], ["y"]), {"x": data((2, 3), dtype)}, {"y": None}, opset)


@pytest.mark.parametrize("attrs", [
    dict(value_float=2.5), dict(value_floats=[1.0, -2.0]), dict(value_int=7), dict(value_ints=[3, 4, 5]),
    dict(value_string="hi"), dict(value_strings=["a", "bc"]),
    dict(value=numpy_helper.from_array(np.arange(6, dtype=np.int32).reshape(2, 3))),
    dict(value=numpy_helper.from_array(np.array([], np.float32).reshape(0, 2))),
    dict(sparse_value=helper.make_sparse_tensor(
        numpy_helper.from_array(np.array([1.5, -2.0], np.float32), "v"),
        numpy_helper.from_array(np.array([1, 4], np.int64), "i"), [2, 3])),
], ids=lambda a: next(iter(a)))
def test_constant(attrs):
    check(helper.make_node("Constant", [], ["y"], **attrs), {}, {"y": None}, opset=13)


@pytest.mark.parametrize("opset", [9, 11])
def test_constant_value_older_opsets(opset):
    t = numpy_helper.from_array(np.arange(4, dtype=np.float32))
    check(helper.make_node("Constant", [], ["y"], value=t), {}, {"y": None}, opset=opset)


@pytest.mark.parametrize("shape", [(), (0, 3), (2, 3, 4, 1, 5, 6)], ids=str)
@pytest.mark.parametrize("se", [{}, dict(start=1), dict(end=-1), dict(start=-2, end=10), dict(start=3, end=1)], ids=str)
def test_shape(shape, se):
    opset = 15 if se else 13
    check(helper.make_node("Shape", ["x"], ["y"], **se), {"x": data(shape, np.float32)}, {"y": None}, opset)


SQUEEZE_CASES = [((1, 3, 1, 2), [0]), ((1, 3, 1, 2), [-2, 0]), ((1, 3, 1, 2), None), ((1,), None), ((3, 1, 0), [1])]


@pytest.mark.parametrize("shape,axes", SQUEEZE_CASES, ids=str)
@pytest.mark.parametrize("opset", [1, 11, 13])
@pytest.mark.parametrize("dtype", [np.float32, object], ids=ids)
def test_squeeze(shape, axes, opset, dtype):
    x = data(shape, dtype)
    if opset < 13:
        node = helper.make_node("Squeeze", ["x"], ["y"], **({} if axes is None else dict(axes=axes)))
        inputs = {"x": x}
    else:
        node = helper.make_node("Squeeze", ["x"] + ([] if axes is None else ["axes"]), ["y"])
        inputs = {"x": x} if axes is None else {"x": x, "axes": np.array(axes, np.int64)}
    if opset == 1 and any(a < 0 for a in axes or []):
        pytest.skip("negative axes arrived in opset 11")
    check(node, inputs, {"y": None}, opset)


UNSQUEEZE_CASES = [((3, 2), [0]), ((3, 2), [-1, 1]), ((), [0, 1]), ((2, 0), [2]), ((2, 3, 1, 2), [0, 5])]


@pytest.mark.parametrize("shape,axes", UNSQUEEZE_CASES, ids=str)
@pytest.mark.parametrize("opset", [11, 13])
def test_unsqueeze(shape, axes, opset):
    x = data(shape, np.int64)
    if opset < 13:
        check(helper.make_node("Unsqueeze", ["x"], ["y"], axes=axes), {"x": x}, {"y": None}, opset)
    else:
        # axes as an initializer (constant at load) and as a fed input (known only at run time)
        init = numpy_helper.from_array(np.array(axes, np.int64), "axes")
        check(helper.make_node("Unsqueeze", ["x", "axes"], ["y"]), {"x": x}, {"y": None}, opset, initializers=[init])
        check(helper.make_node("Unsqueeze", ["x", "axes"], ["y"]), {"x": x, "axes": np.array(axes, np.int64)},
              {"y": None}, opset)


RESHAPE_CASES = [((2, 3, 4), [4, -1]), ((2, 3, 4), [0, -1]), ((2, 3, 4), [0, 0, 2, 2]), ((2, 3, 4), [-1]),
                 ((6,), [1, 2, 1, 3, 1, 1]), ((0, 3), [3, -1]), ((0, 3), [0, 3]), ((), [1]), ((1,), [])]


@pytest.mark.parametrize("shape,target", RESHAPE_CASES, ids=str)
@pytest.mark.parametrize("opset", [5, 13, 14])
def test_reshape(shape, target, opset):
    x = data(shape, np.float32)
    init = numpy_helper.from_array(np.array(target, np.int64), "shape")
    check(helper.make_node("Reshape", ["x", "shape"], ["y"]), {"x": x}, {"y": None}, opset, initializers=[init])
    check(helper.make_node("Reshape", ["x", "shape"], ["y"]), {"x": x, "shape": np.array(target, np.int64)},
          {"y": None}, opset)


@pytest.mark.parametrize("shape,target", [((0, 3), [3, 0]), ((2, 0), [0, 4, 0])], ids=str)
def test_reshape_allowzero(shape, target):
    x = data(shape, np.float32)
    check(helper.make_node("Reshape", ["x", "s"], ["y"], allowzero=1), {"x": x, "s": np.array(target, np.int64)},
          {"y": None}, opset=14)


@pytest.mark.parametrize("axis", [-4, -1, 0, 1, 3, 4])
@pytest.mark.parametrize("opset", [9, 11, 13])
def test_flatten(axis, opset):
    if opset < 11 and axis < 0:
        pytest.skip("negative axis arrived in opset 11")
    check(helper.make_node("Flatten", ["x"], ["y"], axis=axis), {"x": data((2, 3, 0, 5), np.float32)}, {"y": None},
          opset)
    check(helper.make_node("Flatten", ["x"], ["y"], axis=axis), {"x": data((2, 3, 4, 5), np.int8)}, {"y": None},
          opset)


TRANSPOSE_CASES = [((2, 3), None), ((2, 3, 4), [1, 0, 2]), ((2, 3, 4, 5), [0, 2, 3, 1]), ((1, 3, 1, 4), [3, 1, 2, 0]),
                   ((2, 1, 3, 2, 2, 3), [5, 3, 0, 4, 1, 2]), ((), None), ((4, 0, 3), [2, 0, 1]), ((7,), [0])]


@pytest.mark.parametrize("shape,perm", TRANSPOSE_CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=ids)
def test_transpose(shape, perm, dtype):
    node = helper.make_node("Transpose", ["x"], ["y"], **({} if perm is None else dict(perm=perm)))
    check(node, {"x": data(shape, dtype)}, {"y": None}, opset=13)


def test_transpose_large_parallel():
    check(helper.make_node("Transpose", ["x"], ["y"], perm=[2, 0, 1]), {"x": data((64, 130, 70), np.float32)},
          {"y": None}, opset=13)


CONCAT_CASES = [([(2, 3), (2, 1), (2, 4)], 1), ([(2, 3), (1, 3)], 0), ([(2, 3, 2), (2, 0, 2), (2, 1, 2)], -2),
                ([(3,), (0,), (2,)], 0), ([(1, 2, 1, 2, 1, 2)] * 3, -1), ([(0, 2), (0, 2)], 1)]


@pytest.mark.parametrize("shapes,axis", CONCAT_CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=ids)
def test_concat(shapes, axis, dtype):
    inputs = {f"x{i}": data(s, dtype, seed=i) for i, s in enumerate(shapes)}
    check(helper.make_node("Concat", list(inputs), ["y"], axis=axis), inputs, {"y": None}, opset=13)


@pytest.mark.parametrize("opset", [4, 11])
def test_concat_older_opsets(opset):
    inputs = {"a": data((2, 3), np.float32), "b": data((2, 2), np.float32, 1)}
    axis = -1 if opset >= 11 else 1
    check(helper.make_node("Concat", ["a", "b"], ["y"], axis=axis), inputs, {"y": None}, opset)


GATHER_CASES = [((5, 4), [0, -1, 2], 0), ((3, 4, 5), [[1, -4], [3, 0]], 1), ((3, 4, 5), -2, -1),
                ((6,), [[-6, 5, 0]], 0), ((2, 3), np.zeros((0,), np.int64), 1), ((2, 0, 3), [1, 0], 0),
                ((2, 3, 1, 2, 3, 2), [[0], [1]], 4)]


@pytest.mark.parametrize("shape,indices,axis", GATHER_CASES, ids=str)
@pytest.mark.parametrize("itype", [np.int32, np.int64], ids=ids)
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_, object], ids=ids)
def test_gather(shape, indices, axis, itype, dtype):
    inputs = {"x": data(shape, dtype), "i": np.array(indices, itype)}
    node = helper.make_node("Gather", ["x", "i"], ["y"], axis=axis)
    if dtype is object:
        # onnxruntime 1.2x returns empty strings for all but the first element of each gathered
        # row of a string tensor; the ONNX reference evaluator is the oracle here.
        from onnx.reference import ReferenceEvaluator

        model = make_model(node, inputs, {"y": None}, 13)
        assert_same(run_onyxrt(model, inputs), ReferenceEvaluator(model).run(None, inputs))
        return
    check(node, inputs, {"y": None}, opset=13)


@pytest.mark.parametrize("opset", [1, 11])
def test_gather_older_opsets(opset):
    idx = [2, 0] if opset < 11 else [-1, 0]
    inputs = {"x": data((3, 4), np.float32), "i": np.array(idx, np.int64)}
    check(helper.make_node("Gather", ["x", "i"], ["y"], axis=1), inputs, {"y": None}, opset)
