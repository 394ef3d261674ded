"""Mirror of onnxruntime.capi: the names code imports from onnxruntime's compiled module."""
