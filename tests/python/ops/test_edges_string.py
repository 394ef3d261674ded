"""String ops on the edges the backend suite misses: empty tensors, empty strings, rank-0 and
rank-6 broadcasting in StringConcat, non-ASCII text, and the wrong element type
that must raise."""
import numpy as np
import pytest
from onnx import TensorProto, helper

from edge_checks import check_edge, expect_onyxrt_error


def s(values, shape=None):
    a = np.array(values, dtype=object)
    return a.reshape(shape) if shape is not None else a


# Case changes and empty inputs have no oracle: onnxruntime needs an en_US.UTF-8 locale and rejects
# [0] and [1, 0], and the reference drops empty strings that the spec keeps.
@pytest.mark.parametrize("x", [s(["", "Ab", "", "ÉTÉ"], (1, 4)), s(["ab", "", "AB"])], ids=["1x4", "3"])
@pytest.mark.parametrize("attrs", [{"case_change_action": "NONE", "is_case_sensitive": 1, "stopwords": ["Ab", "x"]},
                                   {"case_change_action": "NONE"}],
                         ids=["stop-sensitive", "none"])
def test_string_normalizer_empty_strings(x, attrs):
    check_edge(helper.make_node("StringNormalizer", ["x"], ["y"], **attrs), {"x": x}, opset=10)


@pytest.mark.parametrize("shapes", [((), (2, 1, 3, 1, 1, 2)), ((0, 2), (1, 2)), ((), ()), ((2, 1), (0,))], ids=str)
def test_string_concat_broadcast_edges(shapes):
    rng = np.random.default_rng(1)
    words = ["", "a", "bc", "é", " "]

    def make(shape):
        return np.array(rng.choice(words, size=shape), dtype=object).reshape(shape)

    check_edge(helper.make_node("StringConcat", ["a", "b"], ["y"]), {"a": make(shapes[0]), "b": make(shapes[1])},
               opset=20)


@pytest.mark.parametrize("x", [s([], (0,)), s(["", "a", "a  b", " lead", "trail ", "x,y,,z"], (2, 3))],
                         ids=["empty", "mixed"])
@pytest.mark.parametrize("attrs", [{}, {"delimiter": ","}, {"maxsplit": 1}, {"delimiter": " ", "maxsplit": 0}],
                         ids=["ws", "comma", "max1", "max0"])
def test_string_split_edges(x, attrs):
    # The reference is the oracle: "" split at a delimiter is one empty piece (Python's str.split),
    # where onnxruntime counts zero.
    node = helper.make_node("StringSplit", ["x"], ["y", "n"], **attrs)
    check_edge(node, {"x": x}, {"y": None, "n": None}, opset=20, oracle="ref")


@pytest.mark.parametrize("x", [s([], (0, 2)), s(["", "abc", "ab"], (3,)), s("abc")], ids=["empty", "mixed", "rank0"])
@pytest.mark.parametrize("pattern", ["", "a.*", "[a-c]+", "ab"])
def test_regex_full_match_edges(x, pattern):
    check_edge(helper.make_node("RegexFullMatch", ["x"], ["y"], pattern=pattern), {"x": x}, opset=20)


def test_string_concat_non_string_raises():
    feeds = {"a": np.zeros(2, np.float32), "b": np.zeros(2, np.float32)}
    expect_onyxrt_error(helper.make_node("StringConcat", ["a", "b"], ["y"]), feeds, {"y": TensorProto.STRING},
                        opset=20)


def test_string_concat_bad_broadcast_raises():
    feeds = {"a": s(["a", "b"]), "b": s(["a", "b", "c"])}
    expect_onyxrt_error(helper.make_node("StringConcat", ["a", "b"], ["y"]), feeds, {"y": TensorProto.STRING},
                        opset=20)
