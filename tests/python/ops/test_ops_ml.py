"""ai.onnx.ml kernels against onnxruntime: models converted from scikit-learn with skl2onnx, and
single-node models built with onnx.helper for the branches exporters rarely write."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import onyxrt

ort = pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")
sklearn = pytest.importorskip("sklearn")

from skl2onnx import convert_sklearn  # noqa: E402
from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType  # noqa: E402


def run_both(model_bytes, feeds):
    ref = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"]).run(None, feeds)
    got = onyxrt.InferenceSession(model_bytes).run(None, feeds)
    return ref, got


def assert_same(ref, got, rtol=1e-4, atol=1e-5):
    assert len(ref) == len(got)
    for r, g in zip(ref, got):
        if isinstance(r, list):  # ZipMap: a list of dicts
            assert len(r) == len(g)
            for rd, gd in zip(r, g):
                assert list(rd.keys()) == list(gd.keys())
                np.testing.assert_allclose(list(gd.values()), list(rd.values()), rtol=rtol, atol=atol)
        elif r.dtype.kind in "OUS":
            np.testing.assert_array_equal(np.asarray(g).astype(str), r.astype(str))
        else:
            assert r.shape == g.shape, (r.shape, g.shape)
            np.testing.assert_allclose(g, r, rtol=rtol, atol=atol)  # actual: onyxrt


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 5)).astype(np.float32)
    y3 = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 0.5).astype(np.int64)
    y2 = (x[:, 0] - x[:, 3] > 0).astype(np.int64)
    yr = (x @ np.arange(1, 6, dtype=np.float32) + rng.normal(size=120).astype(np.float32)).astype(np.float32)
    return x, y2, y3, yr


def convert(est, n_features, **kw):
    return convert_sklearn(est, initial_types=[("X", FloatTensorType([None, n_features]))],
                           target_opset={"": 17, "ai.onnx.ml": 3}, **kw).SerializeToString()


@pytest.mark.parametrize("labels", ["y2", "y3"])
@pytest.mark.parametrize("zipmap", [True, False])
def test_random_forest_classifier(data, labels, zipmap):
    from sklearn.ensemble import RandomForestClassifier
    x, y2, y3, _ = data
    y = y2 if labels == "y2" else y3
    est = RandomForestClassifier(n_estimators=7, max_depth=5, random_state=0).fit(x, y)
    model = convert(est, 5, options={id(est): {"zipmap": zipmap}})
    assert_same(*run_both(model, {"X": x}))


def test_random_forest_regressor(data):
    from sklearn.ensemble import RandomForestRegressor
    x, _, _, yr = data
    est = RandomForestRegressor(n_estimators=6, max_depth=6, random_state=0).fit(x, yr)
    assert_same(*run_both(convert(est, 5), {"X": x}))


@pytest.mark.parametrize("labels", ["y2", "y3"])
def test_gradient_boosting_classifier(data, labels):
    from sklearn.ensemble import GradientBoostingClassifier
    x, y2, y3, _ = data
    y = y2 if labels == "y2" else y3
    est = GradientBoostingClassifier(n_estimators=8, max_depth=3, random_state=0).fit(x, y)
    assert_same(*run_both(convert(est, 5, options={id(est): {"zipmap": False}}), {"X": x}))


@pytest.mark.parametrize("labels", ["y2", "y3"])
def test_logistic_regression(data, labels):
    from sklearn.linear_model import LogisticRegression
    x, y2, y3, _ = data
    y = y2 if labels == "y2" else y3
    est = LogisticRegression(max_iter=500).fit(x, y)
    assert_same(*run_both(convert(est, 5), {"X": x}))


@pytest.mark.parametrize("labels", ["y2", "y3"])
@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_svc_probability(data, labels, kernel):
    from sklearn.svm import SVC
    x, y2, y3, _ = data
    y = y2 if labels == "y2" else y3
    est = SVC(probability=True, kernel=kernel, random_state=0).fit(x, y)
    assert_same(*run_both(convert(est, 5, options={id(est): {"zipmap": False}}), {"X": x}), rtol=1e-3, atol=1e-4)


def test_svr(data):
    from sklearn.svm import SVR
    x, _, _, yr = data
    est = SVR().fit(x, yr)
    assert_same(*run_both(convert(est, 5), {"X": x}), rtol=1e-3, atol=1e-3)


def test_pipeline_scaler_one_hot(data):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    x, _, y3, _ = data
    x = x.copy()
    x[:, 4] = (np.abs(x[:, 4] * 10).astype(np.int64) % 3).astype(np.float32)  # a categorical column
    pipe = Pipeline([
        ("prep", ColumnTransformer([("num", StandardScaler(), [0, 1, 2, 3]),
                                    ("cat", OneHotEncoder(handle_unknown="ignore"), [4])])),
        ("clf", LogisticRegression(max_iter=500)),
    ]).fit(x, y3)
    model = convert(pipe, 5)
    assert b"OneHotEncoder" in model and b"Scaler" in model
    x_test = x.copy()
    x_test[::9, 4] = 7.0  # an unseen category: a zero row
    assert_same(*run_both(model, {"X": x_test}))


# ---- single-node models ------------------------------------------------------------------------

def ml_model(node, inputs, outputs, ml_opset=3):
    graph = helper.make_graph([node], "g", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("ai.onnx.ml", ml_opset)])
    model.ir_version = 8
    return model.SerializeToString()


def tree_attrs(prefix):
    # Two trees over 3 features, with missing-value tracks and every comparison mode.
    return dict(
        nodes_treeids=[0, 0, 0, 0, 0, 1, 1, 1],
        nodes_nodeids=[0, 1, 2, 3, 4, 0, 1, 2],
        nodes_featureids=[0, 1, 0, 0, 0, 2, 0, 0],
        nodes_modes=["BRANCH_LEQ", "BRANCH_GT", "LEAF", "LEAF", "LEAF", "BRANCH_NEQ", "LEAF", "LEAF"],
        nodes_values=[0.5, -0.2, 0, 0, 0, 1.0, 0, 0],
        nodes_truenodeids=[1, 2, 0, 0, 0, 1, 0, 0],
        nodes_falsenodeids=[4, 3, 0, 0, 0, 2, 0, 0],
        nodes_missing_value_tracks_true=[1, 0, 0, 0, 0, 1, 0, 0],
        **{f"{prefix}_treeids": [0, 0, 0, 0, 1, 1, 1],
           f"{prefix}_nodeids": [2, 3, 4, 4, 1, 2, 2],
           f"{prefix}_ids": [0, 1, 2, 0, 1, 0, 2],
           f"{prefix}_weights": [0.3, -1.2, 0.7, 0.1, 0.5, 2.0, -0.4]},
    )


def tree_input():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    x[::7, 0] = np.nan
    x[::5, 2] = 1.0
    return x


@pytest.mark.parametrize("post", ["NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO", "PROBIT"])
@pytest.mark.parametrize("agg", ["SUM", "AVERAGE", "MIN", "MAX"])
def test_tree_ensemble_regressor(post, agg):
    node = helper.make_node("TreeEnsembleRegressor", ["X"], ["Y"], domain="ai.onnx.ml", n_targets=3,
                            post_transform=post, aggregate_function=agg, base_values=[0.1, 0.2, -0.3],
                            **tree_attrs("target"))
    model = ml_model(node, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 3])],
                     [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 3])])
    assert_same(*run_both(model, {"X": tree_input()}))


@pytest.mark.parametrize("post", ["NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO"])
@pytest.mark.parametrize("labels", ["ints", "strings"])
def test_tree_ensemble_classifier(post, labels):
    lab = {"classlabels_int64s": [4, 5, 6]} if labels == "ints" else {"classlabels_strings": ["a", "b", "c"]}
    node = helper.make_node("TreeEnsembleClassifier", ["X"], ["L", "P"], domain="ai.onnx.ml",
                            post_transform=post, **lab, **tree_attrs("class"))
    lt = TensorProto.INT64 if labels == "ints" else TensorProto.STRING
    model = ml_model(node, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 3])],
                     [helper.make_tensor_value_info("L", lt, [None]),
                      helper.make_tensor_value_info("P", TensorProto.FLOAT, [None, 3])])
    assert_same(*run_both(model, {"X": tree_input()}))


def simple_model(op, x, out_type, out_shape, **attrs):
    node = helper.make_node(op, ["X"], ["Y"], domain="ai.onnx.ml", **attrs)
    model = ml_model(node, [helper.make_tensor_value_info("X", helper.np_dtype_to_tensor_dtype(x.dtype), list(x.shape))],
                     [helper.make_tensor_value_info("Y", out_type, out_shape)])
    return model


@pytest.mark.parametrize("norm", ["MAX", "L1", "L2"])
def test_normalizer(norm):
    x = np.random.default_rng(2).normal(size=(6, 4)).astype(np.float32)
    assert_same(*run_both(simple_model("Normalizer", x, TensorProto.FLOAT, None, norm=norm), {"X": x}))


def test_scaler_binarizer_int_input():
    x = np.arange(-6, 6, dtype=np.int64).reshape(3, 4)
    assert_same(*run_both(simple_model("Scaler", x, TensorProto.FLOAT, None, offset=[1.0, 2, 3, 4],
                                       scale=[0.5, 2, -1, 3]), {"X": x}))
    xf = x.astype(np.float32)
    assert_same(*run_both(simple_model("Binarizer", xf, TensorProto.FLOAT, None, threshold=0.5), {"X": xf}))


def test_one_hot_encoder_strings():
    x = np.array([["a", "z"], ["c", "b"]], dtype=object)
    assert_same(*run_both(simple_model("OneHotEncoder", x, TensorProto.FLOAT, None, cats_strings=["a", "b", "c"]),
                          {"X": x}))


def test_array_feature_extractor():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    node = helper.make_node("ArrayFeatureExtractor", ["X", "I"], ["Y"], domain="ai.onnx.ml")
    model = ml_model(node, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2, 3, 4]),
                            helper.make_tensor_value_info("I", TensorProto.INT64, [2])],
                     [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)])
    assert_same(*run_both(model, {"X": x, "I": np.array([3, 1], dtype=np.int64)}))
