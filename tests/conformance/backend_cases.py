"""Finds the ONNX backend test cases of the installed `onnx` package and turns each into a
self-contained case file that a worker process can run without importing onnx's test machinery.

Cases come from onnx's own loader, `onnx.backend.test.loader.load_model_tests(kind=...)`: recent
onnx releases build the `node` cases in memory from their definitions (model and data sets held in
the TestCase), older releases and the other kinds store a model.onnx and test_data_set_*/ folders
on disk. The `light` kind (real architectures with constant weights) is not known to the loader:
its models sit as light_*.onnx files in onnx/backend/test/data/light, with no stored inputs, so they
are fed seeded random inputs and compared with onnxruntime's outputs on those same inputs.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

KINDS = ("node", "simple", "pytorch-converted", "pytorch-operator", "light")
LIGHT_DIR = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"


@dataclasses.dataclass
class CaseRef:
    """A case as listed: enough to filter on without loading its data."""

    name: str
    kind: str
    op_types: frozenset[str]  # every op type of the main graph (empty when not known cheaply)
    test_case: object = None  # onnx's TestCase, or the light model's path


@dataclasses.dataclass
class CaseData:
    """Everything a worker needs to run one case; pickled to a file."""

    name: str
    kind: str
    model_path: str | None  # set for on-disk models (external data resolves beside them)
    model_bytes: bytes | None  # set for in-memory models
    input_names: list[str]
    data_sets: list[tuple[list, list]]  # (inputs in input_names order, expected outputs)
    rtol: float
    atol: float
    # Per-engine replacement of the expected outputs (light: onnxruntime is checked against the
    # outputs onnx stores, onyxrt against onnxruntime).
    expected_by_engine: dict[str, list[list]] = dataclasses.field(default_factory=dict)


def _op_types(model: onnx.ModelProto | None) -> frozenset[str]:
    return frozenset(n.op_type for n in model.graph.node) if model is not None else frozenset()


def list_cases(kinds: list[str]) -> list[CaseRef]:
    from onnx.backend.test.loader import load_model_tests

    refs: list[CaseRef] = []
    for kind in kinds:
        if kind == "light":
            for path in sorted(glob.glob(str(LIGHT_DIR / "light_*.onnx"))):
                model = onnx.load(path, load_external_data=False)
                refs.append(CaseRef(Path(path).stem, kind, _op_types(model), path))
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # onnx's case generators warn on deliberate overflows
            cases = load_model_tests(kind=kind)
        for case in cases:
            if case.model is None and case.model_dir is None:
                continue  # stored as a URL to download ("real" models): not runnable offline
            model = case.model
            if model is None:
                model = onnx.load(os.path.join(case.model_dir, "model.onnx"), load_external_data=False)
            refs.append(CaseRef(case.name, kind, _op_types(model), case))
    return refs


def _graph_input_names(model: onnx.ModelProto) -> list[str]:
    # Before IR 4 initializers were also listed as inputs; they are not fed.
    initializers = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in initializers]


def _read_value(path: str, type_proto: onnx.TypeProto):
    """Reads input_N.pb / output_N.pb as the value kind its graph type says."""
    data = Path(path).read_bytes()
    which = type_proto.WhichOneof("value")
    if which == "sequence_type":
        proto = onnx.SequenceProto()
        proto.ParseFromString(data)
        return numpy_helper.to_list(proto)
    if which == "optional_type":
        proto = onnx.OptionalProto()
        proto.ParseFromString(data)
        return numpy_helper.to_optional(proto)
    if which == "map_type":
        proto = onnx.MapProto()
        proto.ParseFromString(data)
        return numpy_helper.to_dict(proto)
    proto = onnx.TensorProto()
    proto.ParseFromString(data)
    return numpy_helper.to_array(proto)


def _read_data_sets(case_dir: str, model: onnx.ModelProto) -> list[tuple[list, list]]:
    types = {vi.name: vi.type for vi in list(model.graph.input) + list(model.graph.output)}
    input_names = _graph_input_names(model)
    output_names = [o.name for o in model.graph.output]
    data_sets = []
    for ds in sorted(glob.glob(os.path.join(case_dir, "test_data_set_*"))):
        def read(prefix: str, names: list[str]) -> list:
            files = sorted(glob.glob(os.path.join(ds, f"{prefix}_*.pb")), key=lambda p: int(re.findall(r"\d+", Path(p).stem)[-1]))
            return [_read_value(f, types[names[i]]) for i, f in enumerate(files)]

        data_sets.append((read("input", input_names), read("output", output_names)))
    return data_sets


def _to_numpy(value):
    """In-memory cases hold numpy arrays, except for types numpy lacks, which stay TensorProtos."""
    if isinstance(value, onnx.TensorProto):
        return numpy_helper.to_array(value)
    if isinstance(value, onnx.SequenceProto):
        return numpy_helper.to_list(value)
    if isinstance(value, onnx.OptionalProto):
        return numpy_helper.to_optional(value)
    if isinstance(value, onnx.MapProto):
        return numpy_helper.to_dict(value)
    return value


def _random_inputs(model: onnx.ModelProto, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    inputs = []
    by_name = {vi.name: vi for vi in model.graph.input}
    for name in _graph_input_names(model):
        tensor_type = by_name[name].type.tensor_type
        dtype = onnx.helper.tensor_dtype_to_np_dtype(tensor_type.elem_type)
        shape = [d.dim_value if d.HasField("dim_value") else 1 for d in tensor_type.shape.dim]
        inputs.append(rng.standard_normal(shape).astype(dtype))
    return inputs


def _light_case(ref: CaseRef, need_onnxruntime_reference: bool) -> CaseData:
    path = str(ref.test_case)
    model = onnx.load(path)
    seed = sum(ref.name.encode())  # fixed per model so that every run feeds the same inputs
    inputs = _random_inputs(model, seed)
    stored = [numpy_helper.to_array(onnx.load_tensor(p))
              for p in sorted(glob.glob(path[: -len(".onnx")] + "_output_*.pb"))]
    expected = stored
    if need_onnxruntime_reference:
        import onnxruntime

        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        expected = session.run(None, dict(zip(_graph_input_names(model), inputs)))
    return CaseData(ref.name, ref.kind, path, None, _graph_input_names(model), [(inputs, expected)],
                    1e-3, 1e-7, expected_by_engine={"onnxruntime": [stored]})


def materialize(ref: CaseRef, out_dir: Path, engines: list[str]) -> Path:
    """Writes the case to out_dir/<kind>/<name>.pkl and returns that path."""
    if ref.kind == "light":
        data = _light_case(ref, need_onnxruntime_reference="onyxrt" in engines)
    else:
        case = ref.test_case
        if case.model is not None:
            model = case.model
            data = CaseData(case.name, ref.kind, None, model.SerializeToString(), _graph_input_names(model),
                            [([_to_numpy(v) for v in i], [_to_numpy(v) for v in o]) for i, o in case.data_sets],
                            case.rtol, case.atol)
        else:
            model_path = os.path.join(case.model_dir, "model.onnx")
            model = onnx.load(model_path, load_external_data=False)
            data = CaseData(case.name, ref.kind, model_path, None, _graph_input_names(model),
                            _read_data_sets(case.model_dir, model), case.rtol, case.atol)
    path = out_dir / ref.kind / f"{ref.name}.pkl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        # A plain dict, so that the worker can unpickle it without importing this module.
        pickle.dump(vars(data), f, protocol=pickle.HIGHEST_PROTOCOL)
    return path
