"""Element-wise binary ops and data movement on their fast paths (SIMD float runs for every
broadcast shape, Pow with constant exponents, row-copy Gather, blocked Transpose, run-copying Where,
Slice, Expand, Concat, Split) against onnxruntime, on 1 and 2 threads, including NaN/Inf, empty
dims, rank 0 and rank 6 broadcasts."""

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

import onyxrt

RNG = np.random.default_rng(23)


def _model(nodes, inputs, initializers=(), opset=17, n_outputs=1, out_elem=TensorProto.FLOAT):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(n, t, None) for n, t in inputs],
        [helper.make_tensor_value_info(f"y{i}" if n_outputs > 1 else "y", out_elem, None)
         for i in range(n_outputs)], list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model.SerializeToString()


def _run(mod, model, feeds, threads):
    so = mod.SessionOptions()
    so.intra_op_num_threads = threads
    if mod is onnxruntime:
        so.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return mod.InferenceSession(model, so, providers=["CPUExecutionProvider"]).run(None, feeds)


def _f32(shape, specials=True):
    x = RNG.standard_normal(shape).astype(np.float32)
    if specials and x.size:
        flat = x.reshape(-1)
        picks = RNG.integers(0, flat.size, size=max(1, flat.size // 20))
        flat[picks] = RNG.choice(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], np.float32), size=picks.size)
    return x


def _same(a, b):
    np.testing.assert_array_equal(a, b)  # NaN == NaN here; every op below is exact or one IEEE op


FLOAT = TensorProto.FLOAT
BROADCAST_CASES = [
    ((3, 70), (3, 70)),             # same shape, ragged vector tail
    ((1, 128, 768), (768,)),        # bias add: per-row vector
    ((2, 16, 9, 7), (1, 16, 1, 1)),  # per-channel: a scalar per run
    ((4, 33, 1), (4, 33, 20)),      # column vector on the left
    ((), (5, 6)),                   # rank 0 on either side
    ((5, 6), ()),
    ((2, 1, 3, 1, 4, 5), (1, 3, 1, 2, 1, 5)),  # rank 6, both sides broadcast
    ((2, 0, 3), (1, 3)),            # empty
    ((200, 300), (200, 1)),         # large enough to split across threads
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div"])
@pytest.mark.parametrize("case", range(len(BROADCAST_CASES)))
def test_float_binary_matches_onnxruntime(case, op, threads):
    sa, sb = BROADCAST_CASES[case]
    model = _model([helper.make_node(op, ["a", "b"], ["y"])], [("a", FLOAT), ("b", FLOAT)])
    feeds = {"a": _f32(sa), "b": _f32(sb)}
    _same(_run(onyxrt, model, feeds, threads)[0], _run(onnxruntime, model, feeds, 1)[0])


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("exponent", [2.0, 3.0, 0.5, 1.0, 1.7, -2.0])
def test_pow_constant_exponent_matches_onnxruntime(exponent, threads):
    e = numpy_helper.from_array(np.array(exponent, np.float32), "e")
    model = _model([helper.make_node("Pow", ["x", "e"], ["y"])], [("x", FLOAT)], [e])
    x = _f32((300, 257))
    x.reshape(-1)[:4] = [-0.0, -np.inf, -8.0, -1e30]
    feeds = {"x": x}
    got, want = _run(onyxrt, model, feeds, threads)[0], _run(onnxruntime, model, feeds, 1)[0]
    if exponent in (2.0, 3.0, 1.0):
        _same(got, want)
    else:  # std::pow and sqrt are correctly rounded or within an ulp of it
        np.testing.assert_allclose(got, want, rtol=2e-7, atol=0)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("axis,data_shape,idx", [
    (0, (1000, 64), RNG.integers(-1000, 1000, size=(2, 128))),  # embedding lookup, negative indices
    (1, (3, 50, 7), RNG.integers(-50, 50, size=(9,))),
    (2, (2, 3, 40), np.array(5)),                                # scalar index drops the axis
    (0, (10, 0), np.array([1, 2])),                              # empty rows
])
def test_gather_matches_onnxruntime(axis, data_shape, idx, threads):
    model = _model([helper.make_node("Gather", ["d", "i"], ["y"], axis=axis)], [("d", FLOAT), ("i", TensorProto.INT64)])
    feeds = {"d": _f32(data_shape), "i": idx.astype(np.int64)}
    _same(_run(onyxrt, model, feeds, threads)[0], _run(onnxruntime, model, feeds, 1)[0])


def test_gather_out_of_range_names_the_node():
    model = _model([helper.make_node("Gather", ["d", "i"], ["y"], name="emb")], [("d", FLOAT), ("i", TensorProto.INT64)])
    with pytest.raises(Exception, match="emb"):
        _run(onyxrt, model, {"d": _f32((4, 3)), "i": np.array([0, 4], np.int64)}, 1)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape,perm,dtype", [
    ((1, 128, 12, 64), (0, 2, 1, 3), np.float32),  # attention heads: last dim kept
    ((1, 12, 128, 64), (0, 1, 3, 2), np.float32),  # K transposed: innermost swap
    ((2, 16, 9, 7), (0, 2, 3, 1), np.float32),     # NCHW -> NHWC
    ((3, 4, 5, 6, 7, 2), (5, 3, 1, 0, 4, 2), np.int64),
    ((37, 53), (1, 0), np.uint8),
    ((5, 0, 3), (2, 0, 1), np.float32),
])
def test_transpose_matches_onnxruntime(shape, perm, dtype, threads):
    elem = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    model = _model([helper.make_node("Transpose", ["x"], ["y"], perm=list(perm))], [("x", elem)], out_elem=elem)
    feeds = {"x": (RNG.standard_normal(shape) * 100).astype(dtype)}
    _same(_run(onyxrt, model, feeds, threads)[0], _run(onnxruntime, model, feeds, 1)[0])


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("cs,xs,ys", [((200, 300), (200, 300), (200, 300)), ((1, 1, 128, 128), (2, 12, 128, 128), ()),
                                      ((4, 1), (4, 50), (1, 50)), ((), (3, 2), (3, 2))])
def test_where_matches_onnxruntime(cs, xs, ys, threads):
    model = _model([helper.make_node("Where", ["c", "x", "z"], ["y"])],
                   [("c", TensorProto.BOOL), ("x", FLOAT), ("z", FLOAT)])
    feeds = {"c": np.asarray(RNG.random(cs) < 0.5), "x": _f32(xs), "z": _f32(ys)}
    _same(_run(onyxrt, model, feeds, threads)[0], _run(onnxruntime, model, feeds, 1)[0])


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("starts,ends,axes,steps", [
    ([0, 5], [100, -5], [0, 2], [1, 1]),
    ([-1], [-1000], [1], [-2]),
    ([2, 0, 1], [3, 64, 40], [0, 1, 2], [1, 3, 7]),
])
def test_slice_matches_onnxruntime(starts, ends, axes, steps, threads):
    inits = [numpy_helper.from_array(np.array(v, np.int64), n)
             for n, v in (("s", starts), ("e", ends), ("a", axes), ("p", steps))]
    model = _model([helper.make_node("Slice", ["x", "s", "e", "a", "p"], ["y"])], [("x", FLOAT)], inits)
    feeds = {"x": _f32((6, 64, 50))}
    _same(_run(onyxrt, model, feeds, threads)[0], _run(onnxruntime, model, feeds, 1)[0])


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("xs,shape", [((1, 1, 1, 128), (2, 12, 128, 1)), ((3, 1), (2, 3, 500)), ((), (4, 5)),
                                      ((7,), (0, 7))])
def test_expand_matches_onnxruntime(xs, shape, threads):
    model = _model([helper.make_node("Expand", ["x", "s"], ["y"])], [("x", FLOAT)],
                   [numpy_helper.from_array(np.array(shape, np.int64), "s")])
    feeds = {"x": _f32(xs)}
    _same(_run(onyxrt, model, feeds, threads)[0], _run(onnxruntime, model, feeds, 1)[0])


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("shapes", [[(1, 40, 33, 37), (1, 3, 33, 37), (1, 64, 33, 37)],  # blocks over 32K: pieces
                                    [(2, 30, 40, 40), (2, 1, 40, 40)],                  # two rows, uneven inputs
                                    [(1, 0, 5, 5), (1, 2, 5, 5)]], ids=str)            # an empty input
def test_channel_concat_of_few_rows_is_split_across_threads(shapes, threads):
    # DenseNet's channel concat at batch 1 is one output row: its copy is cut into pieces.
    names = "abc"[:len(shapes)]
    cat = _model([helper.make_node("Concat", list(names), ["y"], axis=1)], [(n, FLOAT) for n in names])
    feeds = {n: _f32(s) for n, s in zip(names, shapes)}
    _same(_run(onyxrt, cat, feeds, threads)[0], _run(onnxruntime, cat, feeds, 1)[0])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat_and_split_match_onnxruntime(axis):
    shapes = [(4, 5, 6), (4, 5, 6), (4, 5, 6)]
    cat = _model([helper.make_node("Concat", ["a", "b", "c"], ["y"], axis=axis)], [(n, FLOAT) for n in "abc"])
    feeds = {n: _f32(s) for n, s in zip("abc", shapes)}
    _same(_run(onyxrt, cat, feeds, 2)[0], _run(onnxruntime, cat, feeds, 1)[0])
    split = _model([helper.make_node("Split", ["x"], ["y0", "y1"], axis=axis, num_outputs=2)], [("x", FLOAT)],
                   opset=18, n_outputs=2)
    feeds = {"x": _f32((4, 6, 8))}
    for got, want in zip(_run(onyxrt, split, feeds, 2), _run(onnxruntime, split, feeds, 1)):
        _same(got, want)
