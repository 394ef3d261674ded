"""ai.onnx.ml ops on the edges the backend suite misses: an empty batch, all-zero rows (Normalizer
divides by 0), NaN inputs (Binarizer, Imputer, trees with missing_value_tracks_true), rank-1
inputs, and out-of-range indices that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import INF, NAN, check_edge, expect_onyxrt_error

FLOAT = {"y": TensorProto.FLOAT}
from single_node_models import rand

ML = {"ai.onnx.ml": 3}


def ml_node(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, domain="ai.onnx.ml", **attrs)


@pytest.mark.parametrize("norm", ["MAX", "L1", "L2"])
def test_normalizer_zero_rows_and_empty(norm):
    x = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0], [1e-20, 0.0, 0.0]], np.float32)
    node = ml_node("Normalizer", ["x"], ["y"], norm=norm)
    check_edge(node, {"x": x}, FLOAT, domains=ML, rtol=1e-5)
    check_edge(node, {"x": np.zeros((0, 3), np.float32)}, FLOAT, domains=ML)


def test_binarizer_nan_inf():
    x = np.array([[NAN, INF, -INF, 0.5, 0.4999]], np.float32)
    # The reference is the oracle: onnxruntime rejects a NaN input outright.
    check_edge(ml_node("Binarizer", ["x"], ["y"], threshold=0.5), {"x": x}, FLOAT, domains=ML, oracle="ref")


@pytest.mark.parametrize("replaced", [NAN, -1.0])
def test_imputer_replaces_nan_and_value(replaced):
    x = np.array([[NAN, 1.0, -1.0], [2.0, NAN, -1.0]], np.float32)
    node = ml_node("Imputer", ["x"], ["y"], imputed_value_floats=[9.0, 8.0, 7.0], replaced_value_float=replaced)
    check_edge(node, {"x": x}, FLOAT, domains=ML)


@pytest.mark.parametrize("shape", [(0, 3), (3,)], ids=str)
def test_scaler_empty_and_rank1(shape):
    node = ml_node("Scaler", ["x"], ["y"], offset=[1.0, 2.0, 3.0], scale=[0.5, -1.0, 2.0])
    check_edge(node, {"x": rand(shape, np.float32, seed=1)}, FLOAT, domains=ML)


def test_linear_regressor_empty_batch_and_nan():
    node = ml_node("LinearRegressor", ["x"], ["y"], coefficients=[1.0, -2.0, 0.5], intercepts=[0.25])
    check_edge(node, {"x": np.zeros((0, 3), np.float32)}, FLOAT, domains=ML)
    check_edge(node, {"x": np.array([[NAN, 1.0, 2.0], [1.0, 2.0, 3.0]], np.float32)}, FLOAT, domains=ML)


def test_label_encoder_empty_and_default():
    node = ml_node("LabelEncoder", ["x"], ["y"], keys_int64s=[1, 2], values_strings=["a", "b"], default_string="?")
    check_edge(node, {"x": np.zeros((0,), np.int64)}, {"y": TensorProto.STRING}, domains=ML)
    check_edge(node, {"x": np.array([[1, 3], [2, -1]], np.int64)}, {"y": TensorProto.STRING}, domains=ML)


@pytest.mark.parametrize("tracks_true", [0, 1])
def test_tree_regressor_nan_routes_by_missing_flag(tracks_true):
    # One split on feature 0 < 0.5: a NaN goes right unless missing_value_tracks_true sends it left.
    node = ml_node("TreeEnsembleRegressor", ["x"], ["y"], n_targets=1,
                   nodes_treeids=[0, 0, 0], nodes_nodeids=[0, 1, 2], nodes_featureids=[0, 0, 0],
                   nodes_values=[0.5, 0.0, 0.0], nodes_modes=["BRANCH_LT", "LEAF", "LEAF"],
                   nodes_truenodeids=[1, 0, 0], nodes_falsenodeids=[2, 0, 0],
                   nodes_missing_value_tracks_true=[tracks_true, 0, 0],
                   target_treeids=[0, 0], target_nodeids=[1, 2], target_ids=[0, 0], target_weights=[-1.0, 1.0])
    x = np.array([[NAN], [0.0], [1.0], [INF], [-INF]], np.float32)
    check_edge(node, {"x": x}, FLOAT, domains=ML)
    check_edge(node, {"x": np.zeros((0, 1), np.float32)}, FLOAT, domains=ML)


def test_array_feature_extractor_index_out_of_range_raises():
    node = ml_node("ArrayFeatureExtractor", ["x", "i"], ["y"])
    feeds = {"x": np.zeros((2, 3), np.float32), "i": np.array([3], np.int64)}
    expect_onyxrt_error(node, feeds, {"y": TensorProto.FLOAT}, domains=ML)


def test_normalizer_rank3_raises():
    node = ml_node("Normalizer", ["x"], ["y"], norm="L2")
    expect_onyxrt_error(node, {"x": np.zeros((2, 3, 4), np.float32)}, {"y": TensorProto.FLOAT}, domains=ML)
