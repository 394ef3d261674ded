"""GridSample, AffineGrid, NonMaxSuppression, RoiAlign, MaxRoiPool, LpPool, MaxUnpool, DeformConv,
Einsum, Attention and RotaryEmbedding on single-node models: onyxrt against onnxruntime, or
against onnx's reference evaluator where onnxruntime lacks the opset or type (oracle="reference")."""
import numpy as np
import pytest

from nn_extra_models import build, check, compare, rand, run_onyxrt, run_reference


# --- GridSample ------------------------------------------------------------------------------
@pytest.mark.parametrize("opset,mode", [(16, "bilinear"), (16, "nearest"), (16, "bicubic"), (20, "linear"),
                                        (20, "nearest"), (20, "cubic")])
@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [0, 1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grid_sample_2d(opset, mode, padding, align, dtype):
    x = rand((2, 3, 5, 6), dtype)
    grid = (rand((2, 4, 7, 2), dtype, 1) * 1.4).astype(dtype)  # some points outside [-1, 1]
    if opset == 16:  # the reference evaluator knows only the opset 20 names: run it on the same op renamed
        renamed = {"bilinear": "linear", "bicubic": "cubic"}.get(mode, mode)
        want = run_reference(build("GridSample", [("x", x), ("g", grid)], ["y"], 20, mode=renamed,
                                   padding_mode=padding, align_corners=align), {"x": x, "g": grid})
        got = run_onyxrt(build("GridSample", [("x", x), ("g", grid)], ["y"], 16, mode=mode, padding_mode=padding,
                               align_corners=align), {"x": x, "g": grid})
        compare(got, want, 1e-4, 1e-5)
        return
    check("GridSample", [("x", x), ("g", grid)], ["y"], opset, oracle="reference",
          mode=mode, padding_mode=padding, align_corners=align)


@pytest.mark.parametrize("mode", ["linear", "nearest"])
@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
def test_grid_sample_3d_opset20(mode, padding):
    x = rand((1, 2, 3, 4, 5))
    grid = rand((1, 2, 3, 4, 3), seed=1) * 1.3
    check("GridSample", [("x", x), ("g", grid.astype(np.float32))], ["y"], 20, oracle="reference", mode=mode,
          padding_mode=padding, align_corners=0)


# --- AffineGrid ------------------------------------------------------------------------------
@pytest.mark.parametrize("align", [0, 1])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 3, 2, 4, 5)])
def test_affine_grid(align, size):
    r = len(size) - 2
    theta = rand((size[0], r, r + 1), seed=4)
    check("AffineGrid", [("t", theta), ("s", np.array(size, np.int64))], ["g"], 20, constants=("s",),
          oracle="reference", align_corners=align)


# --- NonMaxSuppression -----------------------------------------------------------------------
@pytest.mark.parametrize("center", [0, 1])
@pytest.mark.parametrize("opset", [10, 11])
def test_nms(center, opset):
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 10, (2, 12, 2)).astype(np.float32)
    wh = rng.uniform(1, 5, (2, 12, 2)).astype(np.float32)
    boxes = np.concatenate([xy, wh], -1) if center else np.concatenate([xy, xy + wh], -1)
    scores = rng.uniform(0, 1, (2, 3, 12)).astype(np.float32)
    check("NonMaxSuppression", [("b", boxes), ("s", scores), ("m", np.array([4], np.int64)),
                                ("i", np.array([0.3], np.float32)), ("t", np.array([0.2], np.float32))],
          ["sel"], opset, center_point_box=center)


# --- RoiAlign / MaxRoiPool -------------------------------------------------------------------
@pytest.mark.parametrize("opset,ctm", [(10, None), (16, "half_pixel"), (16, "output_half_pixel")])
@pytest.mark.parametrize("mode", ["avg", "max"])
@pytest.mark.parametrize("ratio", [0, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_roi_align(opset, ctm, mode, ratio, dtype):
    x = rand((2, 3, 10, 12), dtype)
    rois = np.array([[0, 0, 9, 9], [1.5, 2.2, 8.3, 6.1], [-2, -1, 4, 12]], dtype)
    idx = np.array([0, 1, 1], np.int64)
    attrs = dict(mode=mode, output_height=3, output_width=4, sampling_ratio=ratio, spatial_scale=0.8)
    if ctm:
        attrs["coordinate_transformation_mode"] = ctm
    check("RoiAlign", [("x", x), ("r", rois), ("i", idx)], ["y"], opset, **attrs)


def test_max_roi_pool():
    x = rand((2, 3, 8, 9))
    rois = np.array([[0, 0, 0, 7, 7], [1, 2.4, 1.6, 6.2, 5.1], [1, 3, 3, 3, 3]], np.float32)
    check("MaxRoiPool", [("x", x), ("r", rois)], ["y"], 1, pooled_shape=[2, 3], spatial_scale=0.9)


# --- LpPool / MaxUnpool ----------------------------------------------------------------------
@pytest.mark.parametrize("p", [1, 2, 3])
@pytest.mark.parametrize("opset", [11, 18])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lp_pool(p, opset, dtype):
    x = rand((1, 2, 7, 8), dtype)
    attrs = dict(kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1], p=p)
    if opset >= 18:
        attrs.update(dilations=[1, 2], ceil_mode=1)
    check("LpPool", [("x", x)], ["y"], opset, oracle="reference", **attrs)


def test_lp_pool_same_upper_1d():
    check("LpPool", [("x", rand((2, 3, 9)))], ["y"], 11, kernel_shape=[4], auto_pad="SAME_UPPER", p=2)


@pytest.mark.parametrize("opset", [9, 11])
def test_max_unpool_after_max_pool(opset):
    x = rand((2, 3, 4, 6))
    from onnx.reference import ReferenceEvaluator
    from onnx import helper
    pool = helper.make_model(helper.make_graph(
        [helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 2], strides=[2, 2])], "g",
        [helper.make_tensor_value_info("x", 1, x.shape)], [helper.make_tensor_value_info("y", 1, None),
                                                           helper.make_tensor_value_info("i", 7, None)]),
        opset_imports=[helper.make_opsetid("", 12)])
    y, i = ReferenceEvaluator(pool).run(None, {"x": x})
    check("MaxUnpool", [("y", y), ("i", i)], ["z"], opset, kernel_shape=[2, 2], strides=[2, 2])
    check("MaxUnpool", [("y", y), ("i", i), ("s", np.array([2, 3, 5, 7], np.int64))], ["z"], opset,
          constants=("s",), kernel_shape=[2, 2], strides=[2, 2])


# --- DeformConv ------------------------------------------------------------------------------
@pytest.mark.parametrize("with_mask", [False, True])
@pytest.mark.parametrize("group,offset_group", [(1, 1), (2, 2), (1, 2)])
def test_deform_conv(with_mask, group, offset_group):
    x = rand((1, 4, 5, 6))
    w = rand((4, 4 // group, 2, 3), seed=1)
    off = rand((1, offset_group * 6 * 2, 5, 4), seed=2) * 1.5
    mask = rand((1, offset_group * 6, 5, 4), seed=3) if with_mask else None
    check("DeformConv", [("x", x), ("w", w), ("o", off.astype(np.float32)), ("b", rand((4,), seed=4)), ("m", mask)],
          ["y"], 19, oracle="reference", group=group, offset_group=offset_group, pads=[1, 0, 0, 0])


# --- Einsum ----------------------------------------------------------------------------------
@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->ji", [(3, 4)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("ij,kj", [(3, 4), (5, 4)]),
    ("...ij,...jk->...ik", [(2, 3, 3, 4), (2, 3, 4, 2)]),
    ("i,i", [(5,), (5,)]),
    ("bii->bi", [(2, 3, 3)]),
    ("ijk->", [(2, 3, 4)]),
    ("...j,j->...", [(2, 3, 4), (4,)]),
    ("a b c, c d -> a d", [(2, 3, 4), (4, 5)]),
    ("Ab,bA->A", [(3, 4), (4, 3)]),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_einsum(eq, shapes, dtype):
    inputs = [(f"x{k}", rand(s, dtype, k)) for k, s in enumerate(shapes)]
    check("Einsum", inputs, ["y"], 12, equation=eq)


def test_einsum_int64():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    check("Einsum", [("a", a), ("b", a.T.copy())], ["y"], 12, equation="ij,jk->ik")


# --- Attention -------------------------------------------------------------------------------
def _attn_inputs(rank, qh=4, kvh=2, qs=3, kvs=5, hs=8, vhs=8, past=0, mask=None, dtype=np.float32):
    b = 2
    if rank == 4:
        q, k, v = rand((b, qh, qs, hs), dtype), rand((b, kvh, kvs, hs), dtype, 1), rand((b, kvh, kvs, vhs), dtype, 2)
    else:
        q, k, v = rand((b, qs, qh * hs), dtype), rand((b, kvs, kvh * hs), dtype, 1), rand((b, kvs, kvh * vhs), dtype, 2)
    pk = rand((b, kvh, past, hs), dtype, 3) if past else None
    pv = rand((b, kvh, past, vhs), dtype, 4) if past else None
    return [("q", q), ("k", k), ("v", v), ("m", mask), ("pk", pk), ("pv", pv)]


@pytest.mark.parametrize("rank", [3, 4])
@pytest.mark.parametrize("causal", [0, 1])
@pytest.mark.parametrize("past", [0, 2])
@pytest.mark.parametrize("mode", [0, 1, 2, 3])
def test_attention(rank, causal, past, mode):
    rng = np.random.default_rng(9)
    mask = rng.uniform(-1, 0, (3, 5 + past)).astype(np.float32)
    inputs = _attn_inputs(rank, past=past, mask=mask)
    attrs = dict(is_causal=causal, qk_matmul_output_mode=mode, softcap=2.0)
    if rank == 3:
        attrs.update(q_num_heads=4, kv_num_heads=2)
    outs = ["y", "pk_out", "pv_out", "qk"] if past else ["y", "", "", "qk"]
    # mode 0: onnxruntime follows the spec (QK before softcap), the reference evaluator does not;
    # mode 2 with is_causal: onnxruntime leaves the causal mask out, the reference and spec keep it
    check("Attention", inputs, outs, 23, oracle="ort" if mode == 0 else "reference", **attrs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_attention_bool_mask_scale_short_mask(dtype):
    rng = np.random.default_rng(11)
    mask = rng.uniform(0, 1, (2, 1, 3, 4)) > 0.3  # shorter than total kv: the rest is masked
    check("Attention", _attn_inputs(4, mask=mask, dtype=dtype), ["y"], 23, oracle="reference", scale=0.3)


# --- RotaryEmbedding -------------------------------------------------------------------------
@pytest.mark.parametrize("rank", [3, 4])
@pytest.mark.parametrize("interleaved", [0, 1])
@pytest.mark.parametrize("rot_dim", [0, 4])
@pytest.mark.parametrize("with_pos", [False, True])
def test_rotary_embedding(rank, interleaved, rot_dim, with_pos):
    b, s, h, d = 2, 3, 2, 8
    x = rand((b, h, s, d) if rank == 4 else (b, s, h * d))
    half = (rot_dim or d) // 2
    cache_shape = (10, half) if with_pos else (b, s, half)
    pos = np.array([[0, 3, 5], [1, 2, 9]], np.int64) if with_pos else None
    attrs = dict(interleaved=interleaved, rotary_embedding_dim=rot_dim)
    if rank == 3:
        attrs["num_heads"] = h
    check("RotaryEmbedding", [("x", x), ("c", rand(cache_shape, seed=1)), ("s", rand(cache_shape, seed=2)), ("p", pos)],
          ["y"], 23, **attrs)
