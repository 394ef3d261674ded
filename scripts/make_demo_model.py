#!/usr/bin/env python3
"""Generates the demo models committed under models/ with onnx.helper and fixed-seed weights.

  models/demo_cnn.onnx  a small ResNet-style CNN: conv-bn-relu, max-pool, one residual block
                        (two conv-bn with an Add skip connection), average pools, Gemm, Softmax.
  models/demo_mlp.onnx  an MLP that first flattens its input with the Shape-Gather-Unsqueeze-
                        Concat-Reshape pattern that PyTorch's exporter emits.

Both have a symbolic batch dimension "N". Re-running the script rewrites identical files (the
weights come from numpy's seeded generator), so the committed models can always be regenerated:

  python scripts/make_demo_model.py [--out-dir models]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8  # what opset 17 was released with; readable by every onnxruntime since 1.13


class GraphBuilder:
    """Collects nodes and initializers; names every value after the layer that produces it."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def weight(self, name: str, array: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def conv_bn(self, x: str, name: str, c_in: int, c_out: int, relu: bool) -> str:
        fan_in = c_in * 9
        w = self.rng.normal(0.0, np.sqrt(2.0 / fan_in), (c_out, c_in, 3, 3)).astype(np.float32)
        y = self.node("Conv", [x, self.weight(f"{name}.weight", w)], f"{name}.conv",
                      kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
        bn = [
            self.weight(f"{name}.bn.scale", self.rng.uniform(0.5, 1.5, c_out).astype(np.float32)),
            self.weight(f"{name}.bn.bias", self.rng.normal(0.0, 0.1, c_out).astype(np.float32)),
            self.weight(f"{name}.bn.mean", self.rng.normal(0.0, 0.1, c_out).astype(np.float32)),
            self.weight(f"{name}.bn.var", self.rng.uniform(0.5, 1.5, c_out).astype(np.float32)),
        ]
        y = self.node("BatchNormalization", [y, *bn], f"{name}.bn", epsilon=1e-5)
        return self.node("Relu", [y], f"{name}.relu") if relu else y

    def dense(self, x: str, name: str, n_in: int, n_out: int) -> tuple[str, str]:
        """Weight [n_in, n_out] and bias [n_out] initializer names."""
        w = self.rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)).astype(np.float32)
        b = self.rng.normal(0.0, 0.05, n_out).astype(np.float32)
        return self.weight(f"{name}.weight", w), self.weight(f"{name}.bias", b)

    def model(self, name: str, inputs, outputs, doc: str) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="onyxrt/scripts/make_demo_model.py", doc_string=doc)
        model.ir_version = IR_VERSION
        onnx.checker.check_model(model, full_check=True)
        return model


def make_cnn() -> onnx.ModelProto:
    g = GraphBuilder(seed=20240601)
    x = g.conv_bn("image", "stem", 3, 8, relu=True)                                   # N,8,32,32
    x = g.node("MaxPool", [x], "stem.pool", kernel_shape=[2, 2], strides=[2, 2])       # N,8,16,16
    skip = x
    y = g.conv_bn(x, "block1.a", 8, 8, relu=True)
    y = g.conv_bn(y, "block1.b", 8, 8, relu=False)
    y = g.node("Add", [y, skip], "block1.add")
    y = g.node("Relu", [y], "block1.relu")
    y = g.node("AveragePool", [y], "head.avgpool", kernel_shape=[2, 2], strides=[2, 2])  # N,8,8,8
    y = g.node("GlobalAveragePool", [y], "head.gap")                                     # N,8,1,1
    y = g.node("Flatten", [y], "head.flatten", axis=1)                                   # N,8
    w, b = g.dense(y, "head.fc", 8, 10)
    logits = g.node("Gemm", [y, w, b], "logits")
    g.node("Softmax", [logits], "probabilities", axis=-1)
    return g.model(
        "demo_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 32, 32])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 10])],
        "Small ResNet-style CNN for the onyxrt demo: 32x32 RGB image to 10 class probabilities.",
    )


def make_mlp() -> onnx.ModelProto:
    g = GraphBuilder(seed=20240602)
    # Flatten [N,4,16] to [N,64] as exporters do: Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])).
    shape = g.node("Shape", ["features"], "flatten.shape")
    zero = g.weight("flatten.zero", np.array(0, dtype=np.int64))
    batch = g.node("Gather", [shape, zero], "flatten.batch", axis=0)
    axes = g.weight("flatten.axes", np.array([0], dtype=np.int64))
    batch1 = g.node("Unsqueeze", [batch, axes], "flatten.batch1")
    minus_one = g.weight("flatten.minus_one", np.array([-1], dtype=np.int64))
    new_shape = g.node("Concat", [batch1, minus_one], "flatten.new_shape", axis=0)
    x = g.node("Reshape", ["features", new_shape], "flatten.out")                        # N,64

    w, b = g.dense(x, "fc1", 64, 128)
    x = g.node("Add", [g.node("MatMul", [x, w], "fc1.matmul"), b], "fc1.add")
    x = g.node("Relu", [x], "fc1.relu")
    w2, b2 = g.dense(x, "fc2", 128, 64)
    x = g.node("Gemm", [x, w2, b2], "fc2.gemm")
    x = g.node("Tanh", [x], "fc2.tanh")
    w3, b3 = g.dense(x, "fc3", 64, 10)
    x = g.node("Add", [g.node("MatMul", [x, w3], "fc3.matmul"), b3], "scores")
    g.node("Sigmoid", [x], "gates")
    return g.model(
        "demo_mlp",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 4, 16])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N", 10]),
         helper.make_tensor_value_info("gates", TensorProto.FLOAT, ["N", 10])],
        "Three-layer MLP for the onyxrt demo: 4x16 features to 10 scores and sigmoid gates.",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent.parent / "models")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, model in (("demo_cnn", make_cnn()), ("demo_mlp", make_mlp())):
        path = args.out_dir / f"{name}.onnx"
        onnx.save(model, path)
        print(f"wrote {path} ({path.stat().st_size} bytes, {len(model.graph.node)} nodes)")


if __name__ == "__main__":
    main()
