"""Model-level benchmark of onyxrt against onnxruntime, OpenVINO and tract (see bench/README.md)."""
