"""LabelEncoder, CategoryMapper, Imputer, DictVectorizer and TfIdfVectorizer against onnxruntime,
and the ai.onnx.preview.training optimizers (Adagrad, Adam, Momentum), which onnxruntime's CPU
build lacks, against onnx.reference.ReferenceEvaluator. Models are single nodes built with
onnx.helper so every attribute form (opset 1, 2 and 4 LabelEncoder, tensor attributes, weights,
skips) is reached."""
import numpy as np
import pytest
from onnx import TensorProto as TP
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import onyxrt

ort = pytest.importorskip("onnxruntime")

ML = "ai.onnx.ml"
TRAINING = "ai.onnx.preview.training"


def single_node(op, inputs, outputs, domain="", opsets=None, **attrs):
    """inputs/outputs: lists of (name, elem_type or TypeProto, shape)."""
    def info(name, t, shape):
        if isinstance(t, int):
            return helper.make_tensor_value_info(name, t, shape)
        return helper.make_value_info(name, t)
    node = helper.make_node(op, [i[0] for i in inputs], [o[0] for o in outputs], domain=domain, **attrs)
    graph = helper.make_graph([node], op.lower(), [info(*i) for i in inputs], [info(*o) for o in outputs])
    imports = [helper.make_opsetid(d, v) for d, v in (opsets or {"": 17, ML: 3}).items()]
    model = helper.make_model(graph, opset_imports=imports)
    model.ir_version = 8 if (opsets or {}).get(ML, 3) < 4 else 9
    return model


def run_ort_and_onyxrt(model, feeds):
    data = model.SerializeToString()
    ref = ort.InferenceSession(data, providers=["CPUExecutionProvider"]).run(None, feeds)
    got = onyxrt.InferenceSession(data).run(None, feeds)
    return ref, got


def assert_outputs_equal(ref, got, rtol=1e-6, atol=1e-6):
    assert len(ref) == len(got)
    for r, g in zip(ref, got):
        g = np.asarray(g)
        assert r.shape == g.shape, (r.shape, g.shape)
        if r.dtype.kind in "OUS":
            np.testing.assert_array_equal(g.astype(str), r.astype(str))
        else:
            assert r.dtype == g.dtype, (r.dtype, g.dtype)
            np.testing.assert_allclose(g, r, rtol=rtol, atol=atol)  # actual: onyxrt


# ---- LabelEncoder -------------------------------------------------------------------------

@pytest.mark.parametrize("direction", ["string_to_int", "int_to_string"])
def test_label_encoder_opset1(direction):
    classes = ["cat", "dog", "bird"]
    if direction == "string_to_int":
        x = np.array(["dog", "cat", "fish", "bird", "dog"], dtype=object)
        m = single_node("LabelEncoder", [("X", TP.STRING, [5])], [("Y", TP.INT64, [5])], ML, {"": 17, ML: 1},
                        classes_strings=classes, default_int64=-7)
    else:
        x = np.array([[2, 0], [5, 1]], dtype=np.int64)
        m = single_node("LabelEncoder", [("X", TP.INT64, [2, 2])], [("Y", TP.STRING, [2, 2])], ML, {"": 17, ML: 1},
                        classes_strings=classes, default_string="none")
    assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": x}))


@pytest.mark.parametrize("case", ["str_float", "int_str", "float_int", "str_str_default"])
def test_label_encoder_opset2(case):
    if case == "str_float":
        x = np.array(["a", "b", "z", "c"], dtype=object)
        m = single_node("LabelEncoder", [("X", TP.STRING, [4])], [("Y", TP.FLOAT, [4])], ML, {"": 17, ML: 2},
                        keys_strings=["a", "b", "c"], values_floats=[0.5, -1.25, 3.0], default_float=9.5)
    elif case == "int_str":
        x = np.array([[3, 7], [1, 100]], dtype=np.int64)
        m = single_node("LabelEncoder", [("X", TP.INT64, [2, 2])], [("Y", TP.STRING, [2, 2])], ML, {"": 17, ML: 2},
                        keys_int64s=[1, 3, 7], values_strings=["one", "three", "seven"])
    elif case == "float_int":
        x = np.array([0.5, 2.0, 7.25, -1.0], dtype=np.float32)
        m = single_node("LabelEncoder", [("X", TP.FLOAT, [4])], [("Y", TP.INT64, [4])], ML, {"": 17, ML: 2},
                        keys_floats=[0.5, 7.25, -1.0], values_int64s=[10, 20, 30])
    else:
        x = np.array(["x", "y", "w"], dtype=object)
        m = single_node("LabelEncoder", [("X", TP.STRING, [3])], [("Y", TP.STRING, [3])], ML, {"": 17, ML: 2},
                        keys_strings=["x", "y"], values_strings=["X", "Y"], default_string="??")
    assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": x}))


# onnxruntime implements only some key/value pairs of opset 4; the others are checked against
# onnx.reference, which needs default_tensor.
@pytest.mark.parametrize("oracle,key_type,value_type,with_default", [
    ("ort", TP.INT64, TP.DOUBLE, True),
    ("ort", TP.INT64, TP.FLOAT, False),
    ("ort", TP.INT64, TP.INT64, False),
    ("ort", TP.DOUBLE, TP.INT64, False),
    ("ort", TP.DOUBLE, TP.STRING, True),
    ("ort", TP.FLOAT, TP.STRING, False),
    ("ort", TP.STRING, TP.INT16, True),
    ("ort", TP.STRING, TP.INT16, False),
    ("reference", TP.INT32, TP.FLOAT, True),
    ("reference", TP.INT16, TP.INT64, True),
    ("reference", TP.DOUBLE, TP.INT32, True),
    ("reference", TP.INT32, TP.STRING, True),
])
def test_label_encoder_opset4_tensor_attributes(oracle, key_type, value_type, with_default):
    def array(raw, elem):
        if elem == TP.STRING:
            return np.array([str(v) for v in np.ravel(raw)], dtype=object).reshape(np.shape(raw))
        return np.array(raw, dtype=helper.tensor_dtype_to_np_dtype(elem))
    keys = array([4, 8, 15, 16, 23], key_type)
    values = array([1, -2, 3, -4, 5], value_type)
    attrs = {"keys_tensor": helper.make_tensor("keys_tensor", key_type, [5], keys.tolist()),
             "values_tensor": helper.make_tensor("values_tensor", value_type, [5], values.tolist())}
    if with_default:
        attrs["default_tensor"] = helper.make_tensor("default_tensor", value_type, [1],
                                                     ["dflt"] if value_type == TP.STRING else [42])
    x = array([[15, 4, 99], [23, 0, 8]], key_type)
    m = single_node("LabelEncoder", [("X", key_type, [2, 3])], [("Y", value_type, [2, 3])], ML,
                    {"": 19, ML: 4}, **attrs)
    if oracle == "ort":
        assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": x}))
    else:
        ref = ReferenceEvaluator(m).run(None, {"X": x})
        assert_outputs_equal(ref, onyxrt.InferenceSession(m.SerializeToString()).run(None, {"X": x}))


def test_label_encoder_nan_key_matches_nan():
    m = single_node("LabelEncoder", [("X", TP.FLOAT, [4])], [("Y", TP.INT64, [4])], ML, {"": 19, ML: 4},
                    keys_floats=[1.0, float("nan"), 2.5], values_int64s=[7, 8, 9])
    x = np.array([np.nan, 2.5, 3.0, 1.0], dtype=np.float32)
    assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": x}))


# ---- CategoryMapper, Imputer ---------------------------------------------------------------

@pytest.mark.parametrize("direction", ["string_to_int", "int_to_string"])
def test_category_mapper(direction):
    attrs = dict(cats_strings=["red", "green", "blue"], cats_int64s=[5, 9, 2], default_int64=-3,
                 default_string="grey")
    if direction == "string_to_int":
        x = np.array([["blue", "pink"], ["red", "green"]], dtype=object)
        m = single_node("CategoryMapper", [("X", TP.STRING, [2, 2])], [("Y", TP.INT64, [2, 2])], ML, **attrs)
    else:
        x = np.array([9, 2, 4, 5], dtype=np.int64)
        m = single_node("CategoryMapper", [("X", TP.INT64, [4])], [("Y", TP.STRING, [4])], ML, **attrs)
    assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": x}))


@pytest.mark.parametrize("case", ["float_nan_per_column", "float_value_single", "int64"])
def test_imputer(case):
    rng = np.random.default_rng(1)
    if case == "int64":
        x = rng.integers(-2, 3, size=(6, 4)).astype(np.int64)
        m = single_node("Imputer", [("X", TP.INT64, [6, 4])], [("Y", TP.INT64, [6, 4])], ML,
                        imputed_value_int64s=[10, 20, 30, 40], replaced_value_int64=0)
    else:
        x = rng.normal(size=(6, 4)).astype(np.float32)
        x[rng.random(size=x.shape) < 0.3] = np.nan if case == "float_nan_per_column" else 1.5
        per_column = case == "float_nan_per_column"
        m = single_node("Imputer", [("X", TP.FLOAT, [6, 4])], [("Y", TP.FLOAT, [6, 4])], ML,
                        imputed_value_floats=[0.1, 0.2, 0.3, 0.4] if per_column else [-9.0],
                        replaced_value_float=float("nan") if per_column else 1.5)
    assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": x}))


# ---- DictVectorizer ------------------------------------------------------------------------

# onnxruntime's Python binding feeds dicts only as map(*, float); the other value types are
# checked against onnx.reference, whose DictVectorizer returns the C values as a 1-D array.
@pytest.mark.parametrize("oracle,key_type,value_type", [
    ("ort", TP.STRING, TP.FLOAT), ("ort", TP.INT64, TP.FLOAT),
    ("reference", TP.STRING, TP.DOUBLE), ("reference", TP.STRING, TP.INT64), ("reference", TP.INT64, TP.DOUBLE),
])
def test_dict_vectorizer(oracle, key_type, value_type):
    map_type = helper.make_map_type_proto(key_type, helper.make_tensor_type_proto(value_type, None))
    if key_type == TP.STRING:
        attrs = {"string_vocabulary": ["a", "b", "c", "d"]}
        keys = ["d", "a", "zz", "c"]
    else:
        attrs = {"int64_vocabulary": [7, 3, 11, 1]}
        keys = [3, 1, 99, 11]
    np_value = helper.tensor_dtype_to_np_dtype(value_type).type
    feed = {k: np_value(v) for k, v in zip(keys, [2, 5, 8, 13])}
    m = single_node("DictVectorizer", [("X", map_type, None)], [("Y", value_type, None)], ML, **attrs)
    if oracle == "ort":
        assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": feed}))
        return
    (ref,) = ReferenceEvaluator(m).run(None, {"X": feed})
    (got,) = onyxrt.InferenceSession(m.SerializeToString()).run(None, {"X": feed})
    assert got.shape == (1, 4) and got.dtype == np_value  # onnxruntime's [1, C] layout
    np.testing.assert_array_equal(got.ravel(), ref.astype(np_value))


# ---- TfIdfVectorizer -----------------------------------------------------------------------

def tfidf_model(x_type, x_shape, pool, ngram_counts, ngram_indexes, mode, min_n, max_n, skip, weights=None):
    attrs = dict(mode=mode, min_gram_length=min_n, max_gram_length=max_n, max_skip_count=skip,
                 ngram_counts=ngram_counts, ngram_indexes=ngram_indexes)
    attrs["pool_strings" if x_type == TP.STRING else "pool_int64s"] = pool
    if weights is not None:
        attrs["weights"] = weights
    return single_node("TfIdfVectorizer", [("X", x_type, x_shape)], [("Y", TP.FLOAT, None)], "", {"": 17}, **attrs)


@pytest.mark.parametrize("mode", ["TF", "IDF", "TFIDF"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("grams", [(1, 1, 0), (1, 2, 0), (2, 2, 3), (1, 3, 2), (3, 3, 1)])
@pytest.mark.parametrize("x_type", [TP.INT64, TP.INT32])
def test_tfidf_integers_random(mode, weighted, grams, x_type):
    min_n, max_n, skip = grams
    rng = np.random.default_rng([len(mode), int(weighted), *grams])
    # Pool: 4 unigrams, 5 bigrams, 3 trigrams over a small alphabet, so matches are frequent; the
    # n-grams are distinct (onnxruntime rejects a repeated one).
    bigrams = [(a, b) for a in range(4) for b in range(4)]
    trigrams = [(a, b, c) for a in range(4) for b in range(4) for c in range(4)]
    pool = rng.permutation(4).tolist()
    pool += [v for i in rng.choice(len(bigrams), 5, replace=False) for v in bigrams[i]]
    pool += [v for i in rng.choice(len(trigrams), 3, replace=False) for v in trigrams[i]]
    n_grams = 4 + 5 + 3
    indexes = rng.permutation(n_grams).tolist()
    weights = rng.uniform(0.5, 2.0, size=n_grams).round(3).tolist() if weighted else None
    x = rng.integers(0, 5, size=(3, 12)).astype(np.int64 if x_type == TP.INT64 else np.int32)
    m = tfidf_model(x_type, [3, 12], pool, [0, 4, 14], indexes, mode, min_n, max_n, skip, weights)
    assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": x}))


@pytest.mark.parametrize("shape", [[9], [2, 9]])
def test_tfidf_strings(shape):
    words = ["the", "cat", "sat", "on", "the", "mat", "the", "cat", "ran"]
    x = np.array(words if len(shape) == 1 else [words, words[::-1]], dtype=object)
    pool = ["the", "cat", "mat", "the", "cat", "cat", "sat", "on", "the"]  # 3 unigrams, 3 bigrams
    m = tfidf_model(TP.STRING, shape, pool, [0, 3], [3, 0, 5, 1, 4, 2], "TFIDF", 1, 2, 2,
                    weights=[0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
    assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": x}))


def test_tfidf_empty_rows_give_zeros():
    m = tfidf_model(TP.INT64, [2, 0], [1, 2, 3], [0], [0, 1, 2], "TF", 1, 1, 0)
    assert_outputs_equal(*run_ort_and_onyxrt(m, {"X": np.zeros((2, 0), dtype=np.int64)}))


# ---- ai.onnx.preview.training optimizers ----------------------------------------------------

def optimizer_model(op, n, groups, dtype, **attrs):
    elem = TP.FLOAT if dtype == np.float32 else TP.DOUBLE
    runs = {"Adagrad": ["X", "G", "H"], "Adam": ["X", "G", "V", "H"], "Momentum": ["X", "G", "V"]}[op]
    inputs = [("R", elem, []), ("T", TP.INT64, [])]
    inputs += [(f"{run}{i}", elem, [3, i + 2]) for run in runs for i in range(n)]
    outputs = [(f"{run}{i}_new", elem, [3, i + 2]) for run in [r for r in runs if r != "G"] for i in range(n)]
    return single_node(op, inputs, outputs, TRAINING, {"": 17, TRAINING: 1}, **attrs), inputs


def optimizer_feeds(inputs, dtype, step, rng):
    feeds = {"R": np.array(0.1, dtype=dtype), "T": np.array(step, dtype=np.int64)}
    for name, _, shape in inputs[2:]:
        v = rng.normal(size=shape).astype(dtype)
        feeds[name] = np.abs(v) if name.startswith("H") else v  # squared-gradient accumulators are >= 0
    return feeds


@pytest.mark.parametrize("op,attrs", [
    ("Adagrad", dict(decay_factor=0.1, epsilon=1e-5, norm_coefficient=0.01)),
    ("Adam", dict(alpha=0.85, beta=0.95, epsilon=1e-4, norm_coefficient=0.02, norm_coefficient_post=0.01)),
    ("Adagrad", {}),  # schema defaults, epsilon 1e-6 included
    ("Adam", {}),
    ("Momentum", dict(alpha=0.9, beta=0.5, mode="standard", norm_coefficient=0.001)),
    ("Momentum", dict(alpha=0.7, beta=0.3, mode="nesterov", norm_coefficient=0.01)),
])
@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("step", [0, 4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_optimizers_match_reference(op, attrs, n, step, dtype):
    groups = {"Adagrad": 3, "Adam": 4, "Momentum": 3}[op]
    model, inputs = optimizer_model(op, n, groups, dtype, **attrs)
    feeds = optimizer_feeds(inputs, dtype, step, np.random.default_rng(step * 10 + n))
    ref = ReferenceEvaluator(model).run(None, feeds)
    got = onyxrt.InferenceSession(model.SerializeToString()).run(None, feeds)
    assert len(ref) == len(got) == (groups - 1) * n
    for r, g in zip(ref, got):
        # The reference's multi-tensor Adam returns float32 even for double inputs; the spec keeps X's type.
        assert g.dtype == dtype and g.shape == np.asarray(r).shape
        np.testing.assert_allclose(g, np.asarray(r).astype(dtype), rtol=1e-5, atol=1e-6)
