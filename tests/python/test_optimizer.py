"""Graph optimization passes (src/opt): for each pass a small model where the fused node appears
and the original nodes are gone (read from the profile's node list), with outputs equal to
onnxruntime's at level 0 and to onyxrt's own at level 0; disable_specified_optimizers with the
pass's name keeps the nodes. The benchmark models at level 99 against onnxruntime are marked slow."""

import collections
import math
import os

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

import onyxrt
from profiled_run import run_profiled

RNG = np.random.default_rng(11)
BENCH = "/work/main/bench/.cache"


def _f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _const(name, value):
    return numpy_helper.from_array(np.asarray(value), name)


def _model(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model.SerializeToString()


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _run_onyxrt(model, feeds, level, disabled=None, tmp_path=None):
    out, nodes = run_profiled(model, feeds, level, disabled, tmp_path)
    return out, collections.Counter(e["args"]["op_name"] for e in nodes)


def _run_ort(model, feeds):
    so = onnxruntime.SessionOptions()
    so.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(model, so, providers=["CPUExecutionProvider"]).run(None, feeds)


# --- one small model per pass: (pass name, model, feeds, op that must appear, ops that must go)


def _conv_bn():
    w, b = _f32(8, 3, 3, 3), _f32(8)
    bn = [_const("s", _f32(8)), _const("bb", _f32(8)), _const("m", _f32(8)), _const("v", np.abs(_f32(8)) + 0.5)]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "s", "bb", "m", "v"], ["y"], epsilon=1e-3)]
    model = _model(nodes, [_vi("x", [1, 3, 9, 9])], [_vi("y", None)], [_const("w", w), _const("b", b)] + bn)
    return "ConvBNFusion", model, {"x": _f32(1, 3, 9, 9)}, "Conv", ["BatchNormalization"]


def _conv_mul_add(op, pass_name):
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"]), helper.make_node(op, ["c", "k"], ["y"])]
    inits = [_const("w", _f32(4, 2, 1, 1)), _const("k", _f32(4, 1, 1))]
    model = _model(nodes, [_vi("x", [2, 2, 5, 5])], [_vi("y", None)], inits)
    return pass_name, model, {"x": _f32(2, 2, 5, 5)}, "Conv", [op]


def _bn_mul_add(full_tensor=False):
    # light_densenet121's pre-activation: BatchNormalization -> Mul -> Add (per channel) -> Relu.
    bn = [_const("s", _f32(6)), _const("bb", _f32(6)), _const("m", _f32(6)), _const("v", np.abs(_f32(6)) + 0.5)]
    k_shape = (1, 6, 5, 5) if full_tensor else (6, 1, 1)
    nodes = [helper.make_node("BatchNormalization", ["x", "s", "bb", "m", "v"], ["n"], epsilon=1e-3),
             helper.make_node("Mul", ["n", "k1"], ["p"]), helper.make_node("Add", ["k2", "p"], ["q"]),
             helper.make_node("Relu", ["q"], ["y"])]
    inits = bn + [_const("k1", _f32(*k_shape)), _const("k2", _f32(6, 1, 1))]
    model = _model(nodes, [_vi("x", [2, 6, 5, 5])], [_vi("y", None)], inits)
    return "BatchNormAffineFusion", model, {"x": _f32(2, 6, 5, 5)}, "BatchNormalization", ["Mul", "Add"]


def _constant_folding():
    # Shape of a static input, Unsqueeze of a constant and a Constant node all fold away.
    nodes = [helper.make_node("Constant", [], ["k"], value=_const("kv", _f32(4))),
             helper.make_node("Unsqueeze", ["k", "ax"], ["ku"]),
             helper.make_node("Shape", ["x"], ["s"]),
             helper.make_node("Reshape", ["ku", "s2"], ["kr"]),
             helper.make_node("Mul", ["x", "kr"], ["m"]),
             helper.make_node("Reshape", ["m", "s"], ["y"])]
    inits = [_const("ax", np.array([0], np.int64)), _const("s2", np.array([1, 4], np.int64))]
    model = _model(nodes, [_vi("x", [3, 4])], [_vi("y", None)], inits)
    return "ConstantFolding", model, {"x": _f32(3, 4)}, "Mul", ["Constant", "Unsqueeze", "Shape"]


def _matmul_add(rank3):
    shape = [2, 5, 6] if rank3 else [5, 6]
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"]), helper.make_node("Add", ["bias", "m"], ["y"])]
    model = _model(nodes, [_vi("x", shape)], [_vi("y", None)], [_const("w", _f32(6, 7)), _const("bias", _f32(7))])
    return "MatMulAddFusion", model, {"x": _f32(*shape)}, "Gemm", ["MatMul", "Add"]


def _reshape_chain():
    nodes = [helper.make_node("Reshape", ["x", "s1"], ["r"]), helper.make_node("Reshape", ["r", "s2"], ["y"])]
    inits = [_const("s1", np.array([6, 4], np.int64)), _const("s2", np.array([0, 2, -1], np.int64))]
    model = _model(nodes, [_vi("x", [2, 3, 4])], [_vi("y", None)], inits)
    return "ReshapeFusion", model, {"x": _f32(2, 3, 4)}, "Reshape", []


def _transpose_unit_dims(perm=(0, 2, 1, 3), shape=(1, 5, 1, 7)):
    # Moves only the unit dims ([1, 5, 1, 7] -> [1, 1, 5, 7]; no perm: [1, 35] -> [35, 1]): a
    # Reshape, which then merges with the next one.
    attrs = {"perm": list(perm)} if perm else {}
    nodes = [helper.make_node("Transpose", ["x"], ["t"], **attrs), helper.make_node("Reshape", ["t", "s"], ["y"])]
    model = _model(nodes, [_vi("x", list(shape))], [_vi("y", None)], [_const("s", np.array([7, -1], np.int64))])
    return "TransposeToReshape", model, {"x": _f32(*shape)}, "Reshape", ["Transpose"]


def _conv_activation(act, attrs=None, extra_inputs=(), inits=()):
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node(act, ["c", *extra_inputs], ["y"], **(attrs or {}))]
    model = _model(nodes, [_vi("x", [1, 4, 6, 6])], [_vi("y", None)],
                   [_const("w", _f32(5, 4, 3, 3)), _const("b", _f32(5)), *inits])
    return "ConvActivationFusion", model, {"x": _f32(1, 4, 6, 6)}, "FusedConv", ["Conv", act]


def _conv_add_relu(op="Add"):
    # op "Sum": the residual of older models (onnx's light ResNet-50), a two-input Sum.
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node(op, ["z", "c"] if op == "Sum" else ["c", "z"], ["a"]), helper.make_node("Relu", ["a"], ["y"])]
    model = _model(nodes, [_vi("x", [1, 4, 6, 6]), _vi("z", [1, 5, 6, 6])], [_vi("y", None)], [_const("w", _f32(5, 4, 3, 3))])
    feeds = {"x": _f32(1, 4, 6, 6), "z": _f32(1, 5, 6, 6)}
    return "ConvAddActivationFusion", model, feeds, "FusedConv", ["Conv", op, "Relu"]


def _gelu(variant, bias=False):
    x = "xb" if bias else "x"
    nodes = [helper.make_node("Add", ["x", "bias"], ["xb"])] if bias else []
    if variant == "div":
        nodes.append(helper.make_node("Div", [x, "sqrt2"], ["d"]))
    else:
        nodes.append(helper.make_node("Mul", ["inv_sqrt2", x], ["d"]))
    nodes += [helper.make_node("Erf", ["d"], ["e"]), helper.make_node("Add", ["one", "e"], ["p"])]
    if variant == "half_first":
        nodes += [helper.make_node("Mul", [x, "half"], ["h"]), helper.make_node("Mul", ["h", "p"], ["y"])]
    else:
        nodes += [helper.make_node("Mul", [x, "p"], ["m"]), helper.make_node("Mul", ["m", "half"], ["y"])]
    inits = [_const("sqrt2", np.float32(math.sqrt(2))), _const("inv_sqrt2", np.float32(1 / math.sqrt(2))),
             _const("one", np.float32(1)), _const("half", np.float32(0.5)), _const("bias", _f32(16))]
    model = _model(nodes, [_vi("x", [2, 3, 16])], [_vi("y", None)], inits)
    fused = "BiasGelu" if bias else "Gelu"
    return ("BiasGeluFusion" if bias else "GeluFusion"), model, {"x": _f32(2, 3, 16)}, fused, ["Erf"]


def _fast_gelu(cube_by_pow, bias=False):
    x = "xb" if bias else "x"
    nodes = [helper.make_node("Add", ["x", "bias"], ["xb"])] if bias else []
    nodes.append(helper.make_node("Mul", [x, "half"], ["h"]))
    if cube_by_pow:
        nodes.append(helper.make_node("Pow", [x, "three"], ["cube"]))
    else:
        nodes += [helper.make_node("Mul", [x, x], ["sq"]), helper.make_node("Mul", [x, "sq"], ["cube"])]
    nodes += [helper.make_node("Mul", ["cube", "c"], ["q"]), helper.make_node("Add", [x, "q"], ["r"]),
              helper.make_node("Mul", ["r", "k"], ["s"]), helper.make_node("Tanh", ["s"], ["t"]),
              helper.make_node("Add", ["t", "one"], ["u"]), helper.make_node("Mul", ["h", "u"], ["y"])]
    inits = [_const("half", np.float32(0.5)), _const("three", np.float32(3)), _const("c", np.float32(0.044715)),
             _const("k", np.float32(math.sqrt(2 / math.pi))), _const("one", np.float32(1)), _const("bias", _f32(16))]
    model = _model(nodes, [_vi("x", [2, 3, 16])], [_vi("y", None)], inits)
    return ("BiasGeluFusion" if bias else "FastGeluFusion"), model, {"x": _f32(2, 3, 16)}, "FastGelu", ["Tanh"]


def _layer_norm(mul_square):
    nodes = [helper.make_node("ReduceMean", ["x"], ["m"], axes=[-1]), helper.make_node("Sub", ["x", "m"], ["d"])]
    nodes.append(helper.make_node("Mul", ["d", "d"], ["sq"]) if mul_square else helper.make_node("Pow", ["d", "two"], ["sq"]))
    nodes += [helper.make_node("ReduceMean", ["sq"], ["v"], axes=[-1]), helper.make_node("Add", ["v", "eps"], ["ve"]),
              helper.make_node("Sqrt", ["ve"], ["sd"]), helper.make_node("Div", ["d", "sd"], ["n"]),
              helper.make_node("Mul", ["n", "g"], ["ng"]), helper.make_node("Add", ["ng", "beta"], ["y"])]
    inits = [_const("two", np.float32(2)), _const("eps", np.float32(1e-5)), _const("g", _f32(32)), _const("beta", _f32(32))]
    model = _model(nodes, [_vi("x", [2, 4, 32])], [_vi("y", None)], inits, opset=17)
    return "LayerNormFusion", model, {"x": _f32(2, 4, 32)}, "LayerNormalization", ["ReduceMean", "Sqrt"]


def _skip_layer_norm(keep_sum):
    nodes = [helper.make_node("Add", ["a", "bias"], ["ab"]), helper.make_node("Add", ["ab", "b"], ["s"]),
             helper.make_node("LayerNormalization", ["s", "g", "beta"], ["y"], epsilon=1e-5)]
    outputs = [_vi("y", None)]
    if keep_sum:
        nodes.append(helper.make_node("Mul", ["s", "s"], ["s2"]))
        outputs.append(_vi("s2", None))
    inits = [_const("g", _f32(32)), _const("beta", _f32(32)), _const("bias", _f32(32))]
    model = _model(nodes, [_vi("a", [2, 4, 32]), _vi("b", [2, 4, 32])], outputs, inits)
    feeds = {"a": _f32(2, 4, 32), "b": _f32(2, 4, 32)}
    return "SkipLayerNormFusion", model, feeds, "SkipLayerNormalization", ["LayerNormalization", "Add"]


def _matmul_scale():
    nodes = [helper.make_node("Transpose", ["b"], ["bt"], perm=[0, 2, 1]),
             helper.make_node("MatMul", ["a", "bt"], ["m"]), helper.make_node("Div", ["m", "eight"], ["y"])]
    model = _model(nodes, [_vi("a", [3, 5, 8]), _vi("b", [3, 7, 8])], [_vi("y", None)], [_const("eight", np.float32(8))])
    feeds = {"a": _f32(3, 5, 8), "b": _f32(3, 7, 8)}
    return "MatMulScaleFusion", model, feeds, "FusedMatMul", ["MatMul", "Transpose", "Div"]


def _attention_heads(scale=False):
    # BERT's and GPT-2's per-head layout: q, k, v [B, S, H, d] -> [B, H, S, d] (k -> [B, H, d, S]),
    # the context back to [B, S, H, d]; with `scale`, the scores divided by a scalar first (folded
    # into alpha by MatMulScaleFusion before the transposes go).
    nodes = [helper.make_node("Transpose", ["q"], ["qt"], perm=[0, 2, 1, 3]),
             helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 3, 1]),
             helper.make_node("Transpose", ["v"], ["vt"], perm=[0, 2, 1, 3]),
             helper.make_node("MatMul", ["qt", "kt"], ["s"])]
    scores, inits = "s", []
    if scale:
        nodes.append(helper.make_node("Div", ["s", "eight"], ["ss"]))
        scores, inits = "ss", [_const("eight", np.float32(8))]
    nodes += [helper.make_node("MatMul", [scores, "vt"], ["c"]),
              helper.make_node("Transpose", ["c"], ["y"], perm=[0, 2, 1, 3])]
    shape = [2, 9, 3, 16]
    model = _model(nodes, [_vi(n, shape) for n in "qkv"], [_vi("y", None)], inits)
    feeds = {n: _f32(*shape) for n in "qkv"}
    # Scaled, MatMulScaleFusion makes the first MatMul a FusedMatMul whether this pass runs or not.
    gone = ["Transpose"] if scale else ["Transpose", "MatMul"]
    return "PermutedMatMulFusion", model, feeds, "PermutedMatMul", gone


def _permuted_output_only():
    # ViT-B/16's context: [1, H, S, d] -> [S, 1, H, d] (perm 2, 0, 1, 3) after the MatMul.
    nodes = [helper.make_node("MatMul", ["p", "v"], ["c"]), helper.make_node("Transpose", ["c"], ["y"], perm=[2, 0, 1, 3])]
    model = _model(nodes, [_vi("p", [1, 3, 7, 7]), _vi("v", [1, 3, 7, 5])], [_vi("y", None)])
    return "PermutedMatMulFusion", model, {"p": _f32(1, 3, 7, 7), "v": _f32(1, 3, 7, 5)}, "PermutedMatMul", ["Transpose"]


def _heads_then_unit_reshape():
    # ViT-B/16's head split: [S, H, d] -> Transpose [H, S, d] -> Reshape [1, H, S, d] -> MatMul. The
    # Reshape moves above the Transpose, which PermutedMatMulFusion then folds into the MatMul.
    nodes = [helper.make_node("Transpose", ["x"], ["t"], perm=[1, 0, 2]), helper.make_node("Reshape", ["t", "s"], ["r"]),
             helper.make_node("MatMul", ["r", "b"], ["y"])]
    model = _model(nodes, [_vi("x", [6, 3, 4]), _vi("b", [1, 3, 4, 5])], [_vi("y", None)],
                   [_const("s", np.array([1, 3, 6, 4], np.int64))])
    feeds = {"x": _f32(6, 3, 4), "b": _f32(1, 3, 4, 5)}
    return "UnitReshapeBeforeTranspose", model, feeds, "PermutedMatMul", ["Transpose"]


def _default_perm_then_unit_reshape():
    # A Transpose without perm (the dims reversed): [S, d] -> [d, S] -> Reshape [1, d, S] -> MatMul.
    # Moved below the Reshape it is a swap of the last two dims, which FusedMatMul takes as transA.
    nodes = [helper.make_node("Transpose", ["x"], ["t"]), helper.make_node("Reshape", ["t", "s"], ["r"]),
             helper.make_node("MatMul", ["r", "b"], ["y"])]
    model = _model(nodes, [_vi("x", [6, 4]), _vi("b", [1, 6, 5])], [_vi("y", None)],
                   [_const("s", np.array([1, 4, 6], np.int64))])
    feeds = {"x": _f32(6, 4), "b": _f32(1, 6, 5)}
    return "UnitReshapeBeforeTranspose", model, feeds, "FusedMatMul", ["Transpose"]


def _conv_channel_shuffle(act=None, kernel=1, residual=False, shuffle_groups=4):
    # ShuffleNet's unit: grouped Conv (+ activation, + residual), then Reshape -> Transpose -> Reshape.
    n, c, m, groups, hw = 2, 24, 32, 4, 7
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], group=groups, pads=[kernel // 2] * 4)]
    last = "c"
    if residual:
        nodes.append(helper.make_node("Add", ["c", "z"], ["cz"]))
        last = "cz"
    if act:
        nodes.append(helper.make_node(act, [last], ["a"]))
        last = "a"
    nodes += [helper.make_node("Reshape", [last, "s5"], ["r"]),
              helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 1, 3, 4]),
              helper.make_node("Reshape", ["t", "s4"], ["y"])]
    inits = [_const("w", _f32(m, c // groups, kernel, kernel)), _const("b", _f32(m)),
             _const("s5", np.array([n, shuffle_groups, m // shuffle_groups, hw, hw], np.int64)),
             _const("s4", np.array([n, m, hw, hw], np.int64))]
    inputs, feeds = [_vi("x", [n, c, hw, hw])], {"x": _f32(n, c, hw, hw)}
    if residual:
        inputs.append(_vi("z", [n, m, hw, hw]))
        feeds["z"] = _f32(n, m, hw, hw)
    model = _model(nodes, inputs, [_vi("y", None)], inits)
    return "ConvChannelShuffleFusion", model, feeds, "ConvChannelShuffle", ["Transpose"]


def _dropout(opset=17, training=None, mask_out=False):
    # Relu -> Dropout -> Neg: in inference the Dropout passes its input through.
    inputs = ["r", "ratio"] + (["training"] if training is not None else [])
    outputs = ["d", "mask"] if mask_out else ["d"]
    if opset < 12:
        inputs, drop = ["r"], helper.make_node("Dropout", ["r"], outputs, ratio=0.3)
    else:
        drop = helper.make_node("Dropout", inputs, outputs, seed=3)
    nodes = [helper.make_node("Relu", ["x"], ["r"]), drop, helper.make_node("Neg", ["d"], ["y"])]
    inits = [] if opset < 12 else [_const("ratio", np.float32(0.3))]
    if training is not None:
        inits.append(_const("training", np.bool_(training)))
    outs = [_vi("y", None)] + ([helper.make_tensor_value_info("mask", TensorProto.BOOL, None)] if mask_out else [])
    model = _model(nodes, [_vi("x", [2, 5])], outs, inits, opset=opset)
    return "EliminateDropout", model, {"x": _f32(2, 5)}, "Neg", ["Dropout"]


CASES = {
    "dropout": _dropout,
    "dropout_opset_10": lambda: _dropout(opset=10),
    "dropout_training_false": lambda: _dropout(training=False),
    "conv_bn": _conv_bn,
    "conv_mul": lambda: _conv_mul_add("Mul", "ConvMulFusion"),
    "conv_add": lambda: _conv_mul_add("Add", "ConvAddFusion"),
    "bn_mul_add": _bn_mul_add,
    "constant_folding": _constant_folding,
    "matmul_add_2d": lambda: _matmul_add(False),
    "matmul_add_3d": lambda: _matmul_add(True),
    "reshape_chain": _reshape_chain,
    "transpose_unit_dims": _transpose_unit_dims,
    "transpose_unit_dims_default_perm": lambda: _transpose_unit_dims(perm=(), shape=(1, 35)),
    "conv_relu": lambda: _conv_activation("Relu"),
    "conv_leaky_relu": lambda: _conv_activation("LeakyRelu", {"alpha": 0.2}),
    "conv_sigmoid": lambda: _conv_activation("Sigmoid"),
    "conv_tanh": lambda: _conv_activation("Tanh"),
    "conv_hard_sigmoid": lambda: _conv_activation("HardSigmoid", {"alpha": 0.3, "beta": 0.4}),
    "conv_clip": lambda: _conv_activation("Clip", extra_inputs=("lo", "hi"),
                                          inits=(_const("lo", np.float32(-0.5)), _const("hi", np.float32(0.7)))),
    "conv_add_relu": _conv_add_relu,
    "conv_sum_relu": lambda: _conv_add_relu("Sum"),
    "gelu_div": lambda: _gelu("div"),
    "gelu_mul_half_first": lambda: _gelu("half_first"),
    "gelu_mul_inv_sqrt2": lambda: _gelu("mul"),
    "bias_gelu": lambda: _gelu("div", bias=True),
    "fast_gelu_pow": lambda: _fast_gelu(True),
    "fast_gelu_mul_cube": lambda: _fast_gelu(False),
    "fast_gelu_bias": lambda: _fast_gelu(True, bias=True),
    "layer_norm_pow": lambda: _layer_norm(False),
    "layer_norm_mul": lambda: _layer_norm(True),
    "skip_layer_norm": lambda: _skip_layer_norm(False),
    "skip_layer_norm_keeps_sum": lambda: _skip_layer_norm(True),
    "matmul_transpose_scale": _matmul_scale,
    "attention_heads": _attention_heads,
    "attention_heads_scaled": lambda: _attention_heads(scale=True),
    "permuted_matmul_output": _permuted_output_only,
    "heads_then_unit_reshape": _heads_then_unit_reshape,
    "default_perm_then_unit_reshape": _default_perm_then_unit_reshape,
    "conv_channel_shuffle": _conv_channel_shuffle,
    "conv_relu_channel_shuffle_3x3": lambda: _conv_channel_shuffle("Relu", kernel=3),
    "conv_sigmoid_channel_shuffle": lambda: _conv_channel_shuffle("Sigmoid"),  # activation after the GEMM
    "conv_add_relu_channel_shuffle": lambda: _conv_channel_shuffle("Relu", residual=True),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_pass_fuses_and_matches_onnxruntime(case, tmp_path):
    pass_name, model, feeds, fused_op, gone = CASES[case]()
    expected = _run_ort(model, feeds)
    plain, plain_ops = _run_onyxrt(model, feeds, 0, tmp_path=tmp_path)
    # Level 2: the fusions' own output (level 3 turns FusedConv into blocked convs, which
    # test_nchwc_layout.py checks).
    fused, fused_ops = _run_onyxrt(model, feeds, 2, tmp_path=tmp_path)
    assert fused_ops[fused_op] >= 1, fused_ops
    for op in gone:
        assert fused_ops[op] < plain_ops[op], (op, plain_ops, fused_ops)
    if fused_op == "Reshape":
        assert sum(fused_ops.values()) < sum(plain_ops.values())
    else:
        # Reshapes are views (no copy): MatMul+Add on 3-D inputs becomes Reshape -> Gemm -> Reshape.
        compute = lambda ops: sum(n for op, n in ops.items() if op != "Reshape")
        assert compute(fused_ops) < compute(plain_ops)
    for e, p, f in zip(expected, plain, fused):
        np.testing.assert_allclose(p, e, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(f, e, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", sorted(CASES))
def test_disabling_the_pass_keeps_the_nodes(case, tmp_path):
    pass_name, model, feeds, fused_op, gone = CASES[case]()
    # A fusion needs the constants ConstantFolding makes and, for Bias*, the Gelu before it.
    disabled = pass_name
    if pass_name == "BiasGeluFusion":
        disabled += ",GeluFusion,FastGeluFusion"
    _, plain_ops = _run_onyxrt(model, feeds, 0, tmp_path=tmp_path)
    out, ops = _run_onyxrt(model, feeds, 2, disabled=disabled, tmp_path=tmp_path)
    for op in gone:
        assert ops[op] == plain_ops[op], (op, plain_ops, ops)
    for e, o in zip(_run_ort(model, feeds), out):
        np.testing.assert_allclose(o, e, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("training, mask_out", [(True, False), (None, True)])
def test_a_dropout_that_trains_or_whose_mask_is_read_stays(training, mask_out, tmp_path):
    _, model, feeds, _, _ = _dropout(training=training, mask_out=mask_out)
    out, ops = _run_onyxrt(model, feeds, 99, tmp_path=tmp_path)
    assert ops["Dropout"] == 1, ops
    if not training:  # a training Dropout draws its own mask: onnxruntime's is another
        for e, o in zip(_run_ort(model, feeds), out):
            np.testing.assert_array_equal(o, e)


def test_batch_norm_keeps_a_mul_that_is_not_per_channel(tmp_path):
    _, model, feeds, _, _ = _bn_mul_add(full_tensor=True)
    out, ops = _run_onyxrt(model, feeds, 99, tmp_path=tmp_path)
    assert ops["Mul"] == 1 and ops["Add"] == 1, ops  # the Add after the Mul stays too
    for e, o in zip(_run_ort(model, feeds), out):
        np.testing.assert_allclose(o, e, rtol=1e-4, atol=1e-5)


def test_a_transpose_that_moves_a_longer_dim_stays(tmp_path):
    # [1, 5, 1, 7] with perm (0, 3, 2, 1) reorders 5 and 7: a real transpose.
    _, model, feeds, _, _ = _transpose_unit_dims(perm=(0, 3, 2, 1))
    out, ops = _run_onyxrt(model, feeds, 2, tmp_path=tmp_path)
    assert ops["Transpose"] == 1, ops
    np.testing.assert_array_equal(out[0], _run_ort(model, feeds)[0])


def test_level_1_does_not_write_contrib_ops(tmp_path):
    _, model, feeds, _, _ = _conv_activation("Relu")
    _, ops = _run_onyxrt(model, feeds, 1, tmp_path=tmp_path)
    assert ops["FusedConv"] == 0 and ops["Relu"] == 1


def test_intermediate_with_another_reader_is_not_fused(tmp_path):
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"]), helper.make_node("Relu", ["c"], ["y"]),
             helper.make_node("Neg", ["c"], ["z"])]
    model = _model(nodes, [_vi("x", [1, 2, 4, 4])], [_vi("y", None), _vi("z", None)], [_const("w", _f32(3, 2, 1, 1))])
    feeds = {"x": _f32(1, 2, 4, 4)}
    out, ops = _run_onyxrt(model, feeds, 99, tmp_path=tmp_path)
    assert ops["Relu"] == 1 and ops["FusedConv"] == 0
    for e, o in zip(_run_ort(model, feeds), out):
        np.testing.assert_allclose(o, e, rtol=1e-4, atol=1e-5)


def test_a_shuffle_over_other_groups_than_the_conv_is_not_fused(tmp_path):
    _, model, feeds, _, _ = _conv_channel_shuffle(shuffle_groups=2)
    out, ops = _run_onyxrt(model, feeds, 2, tmp_path=tmp_path)
    assert ops["ConvChannelShuffle"] == 0 and ops["Transpose"] == 1, ops
    for e, o in zip(_run_ort(model, feeds), out):
        np.testing.assert_allclose(o, e, rtol=1e-4, atol=1e-5)


def test_a_hand_made_conv_channel_shuffle_checks_its_groups():
    w = _f32(6, 2, 1, 1)

    def model(shuffle_groups):
        node = helper.make_node("ConvChannelShuffle", ["x", "w"], ["y"], domain="com.onyxrt", name="shuffled",
                                group=2, shuffle_groups=shuffle_groups)
        graph = helper.make_graph([node], "g", [_vi("x", [1, 4, 3, 3])], [_vi("y", None)], [_const("w", w)])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.onyxrt", 1)])
        m.ir_version = 8
        return m.SerializeToString()

    x = _f32(1, 4, 3, 3)
    got = onyxrt.InferenceSession(model(2)).run(None, {"x": x})[0]
    conv = np.concatenate([np.einsum("oc,chw->ohw", w[3 * g:3 * g + 3, :, 0, 0], x[0, 2 * g:2 * g + 2]) for g in range(2)])
    np.testing.assert_allclose(got[0], conv.reshape(2, 3, 3, 3).transpose(1, 0, 2, 3).reshape(6, 3, 3), rtol=1e-5, atol=1e-6)
    with pytest.raises(Exception, match=r"shuffled.*shuffle_groups \(3\) must equal group \(2\)"):
        onyxrt.InferenceSession(model(3))


def test_a_transpose_that_would_leave_no_unit_stride_stays(tmp_path):
    # perm (0, 3, 1, 2) puts A's last dim first of the batch dims: the GEMM could not read it.
    nodes = [helper.make_node("Transpose", ["a"], ["at"], perm=[0, 3, 1, 2]), helper.make_node("MatMul", ["at", "b"], ["y"])]
    model = _model(nodes, [_vi("a", [2, 5, 6, 4]), _vi("b", [2, 4, 6, 3])], [_vi("y", None)])
    feeds = {"a": _f32(2, 5, 6, 4), "b": _f32(2, 4, 6, 3)}
    out, ops = _run_onyxrt(model, feeds, 2, tmp_path=tmp_path)
    assert ops["Transpose"] == 1 and ops["PermutedMatMul"] == 0, ops
    np.testing.assert_allclose(out[0], _run_ort(model, feeds)[0], rtol=1e-4, atol=1e-5)


def test_permuted_matmul_broadcasts_batch_dims(tmp_path):
    # A's heads arrive through a transpose ([4, 2, 6, 5] -> [2, 4, 6, 5]) against B's batch of 1:
    # B's batch stride is 0.
    nodes = [helper.make_node("Transpose", ["a"], ["at"], perm=[1, 0, 2, 3]), helper.make_node("MatMul", ["at", "b"], ["y"])]
    model = _model(nodes, [_vi("a", [4, 2, 6, 5]), _vi("b", [1, 4, 5, 7])], [_vi("y", None)])
    feeds = {"a": _f32(4, 2, 6, 5), "b": _f32(1, 4, 5, 7)}
    out, ops = _run_onyxrt(model, feeds, 2, tmp_path=tmp_path)
    assert ops["PermutedMatMul"] == 1 and ops["Transpose"] == 0, ops
    np.testing.assert_allclose(out[0], _run_ort(model, feeds)[0], rtol=1e-4, atol=1e-5)


def test_a_hand_made_permuted_matmul_checks_its_perms():
    def model(perm_a, shaped=True):
        node = helper.make_node("PermutedMatMul", ["a", "b"], ["y"], domain="com.onyxrt", name="pmm",
                                permA=perm_a, permB=[0, 1, 2], permY=[0, 1, 2], alpha=0.5)
        inputs = [_vi("a", [2, 3, 4] if shaped else None), _vi("b", [2, 3, 5] if shaped else None)]
        graph = helper.make_graph([node], "g", inputs, [_vi("y", None)])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.onyxrt", 1)])
        m.ir_version = 8
        return m.SerializeToString()

    a, b = _f32(2, 3, 4), _f32(2, 3, 5)
    # permA (0, 2, 1): A read transposed in place, [2, 4, 3] @ [2, 3, 5].
    got = onyxrt.InferenceSession(model([0, 2, 1])).run(None, {"a": a, "b": b})[0]
    np.testing.assert_allclose(got, 0.5 * np.matmul(a.transpose(0, 2, 1), b), rtol=1e-5, atol=1e-6)
    with pytest.raises(Exception, match=r"pmm.*permA, permB and permY must be permutations"):
        onyxrt.InferenceSession(model([2, 0, 1]))  # A's last dim would become a batch dim
    with pytest.raises(Exception, match=r"pmm.*permA, permB and permY must be permutations"):
        onyxrt.InferenceSession(model([0, 1, 1]))
    with pytest.raises(Exception, match=r"pmm.*input A is tensor\(float\)\[1,2,3,4\], expected rank 3"):
        onyxrt.InferenceSession(model([0, 2, 1], shaped=False)).run(None, {"a": _f32(1, 2, 3, 4), "b": b})


@pytest.mark.parametrize("name", ["bert_base", "gpt2_small", "vit_b_16", "resnet50", "mobilenet_v2"])
def test_benchmark_model_at_level_99_matches_onnxruntime(name, tmp_path):
    path = f"{BENCH}/{name}.onnx"
    if not os.path.exists(path):
        pytest.skip(f"{path} not generated")
    feeds = dict(np.load(f"{BENCH}/{name}.inputs.npz"))
    expected = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, feeds)
    so = onyxrt.SessionOptions()
    so.graph_optimization_level = 99
    got = onyxrt.InferenceSession(path, so, providers=["CPUExecutionProvider"]).run(None, feeds)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-3, atol=1e-3)


def test_a_weight_built_by_constant_of_shape_is_folded_beyond_the_size_limit(tmp_path):
    # 512 x 1024 floats (2 MiB, over the 1 MiB a fold may add) read only as MatMul's weight: folded
    # and so pre-packed, as onnxruntime folds the weights of the onnx `light_*` models.
    shape = _const("shape", np.array([512, 1024], np.int64))
    fill = helper.make_tensor("fill", TensorProto.FLOAT, [1], [0.5])
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["w"], value=fill), helper.make_node("MatMul", ["x", "w"], ["y"])]
    model = _model(nodes, [_vi("x", [2, 512])], [_vi("y", None)], [shape])
    feeds = {"x": _f32(2, 512)}
    out, ops = _run_onyxrt(model, feeds, 99, tmp_path=tmp_path)
    assert ops["ConstantOfShape"] == 0, ops
    _, plain = _run_onyxrt(model, feeds, 0, tmp_path=tmp_path)
    assert plain["ConstantOfShape"] == 1
    np.testing.assert_allclose(out[0], _run_ort(model, feeds)[0], rtol=1e-5)


def test_a_weight_reshaped_before_its_gemm_is_folded_too(tmp_path):
    # The light_* classifier: ConstantOfShape -> Reshape -> Gemm's B. Both fold away.
    shape = _const("shape", np.array([1024, 1000], np.int64))
    new_shape = _const("new_shape", np.array([1000, 1024], np.int64))
    fill = helper.make_tensor("fill", TensorProto.FLOAT, [1], [0.02])
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["w"], value=fill),
             helper.make_node("Reshape", ["w", "new_shape"], ["wr"]),
             helper.make_node("Gemm", ["x", "wr"], ["y"], transB=1)]
    model = _model(nodes, [_vi("x", [2, 1024])], [_vi("y", None)], [shape, new_shape])
    feeds = {"x": _f32(2, 1024)}
    out, ops = _run_onyxrt(model, feeds, 99, tmp_path=tmp_path)
    assert ops["ConstantOfShape"] == 0 and ops["Reshape"] == 0, ops
    np.testing.assert_allclose(out[0], _run_ort(model, feeds)[0], rtol=1e-5)


def test_a_large_constant_of_shape_reshaped_into_data_is_not_folded(tmp_path):
    shape = _const("shape", np.array([512, 1024], np.int64))
    new_shape = _const("new_shape", np.array([1024, 512], np.int64))
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["z"]), helper.make_node("Reshape", ["z", "new_shape"], ["zr"]),
             helper.make_node("Add", ["x", "zr"], ["y"])]
    model = _model(nodes, [_vi("x", [1024, 512])], [_vi("y", None)], [shape, new_shape])
    _, ops = _run_onyxrt(model, {"x": _f32(1024, 512)}, 99, tmp_path=tmp_path)
    assert ops["ConstantOfShape"] == 1, ops


def test_a_large_constant_of_shape_read_as_data_is_not_folded(tmp_path):
    shape = _const("shape", np.array([512, 1024], np.int64))
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["z"]), helper.make_node("Add", ["x", "z"], ["y"])]
    model = _model(nodes, [_vi("x", [512, 1024])], [_vi("y", None)], [shape])
    _, ops = _run_onyxrt(model, {"x": _f32(512, 1024)}, 99, tmp_path=tmp_path)
    assert ops["ConstantOfShape"] == 1, ops
