"""sym.random.*: MXNet's dispatch to ``_random_<kind>`` (number parameters, attributes) or
``_sample_<kind>`` (Symbol parameters, graph inputs), checked against MXNet 1.9.1's graphs
and against ``nd.random.*`` drawing with the same seed."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List

import numpy as np
import pytest

import gluonlite as mx

# (list_arguments(), op, attrs) of the sampler node, as MXNet 1.9.1 prints them for each call
ORACLE: Dict[str, Any] = {
    "normal_sym": (["v1", "v2"], "_sample_normal", {"dtype": "float32", "shape": "(3, 4)"}),
    "normal_num": (
        [],
        "_random_normal",
        {"dtype": "float32", "loc": "10.0", "scale": "0.5", "shape": "(3, 4)"},
    ),
    "randn_sym": (["v1", "v2"], "_sample_normal", {"dtype": "float32", "shape": "(3, 4)"}),
    "randn_ints": ([], "_random_normal", {"loc": "0", "scale": "1", "shape": "(2, 3)"}),
    # MXNet writes an unknown shape here and infers it from the consumer; gluonlite also
    # keeps ``data`` as the node's input and takes its shape from it
    "randn_data": (
        [],
        "_random_normal",
        {"dtype": "float16", "loc": "10.0", "scale": "0.5", "shape": "()"},
    ),
    "exponential_sym": (["v1"], "_sample_exponential", {"dtype": "float16", "shape": "(3, 4)"}),
    "exponential_num": ([], "_random_exponential", {"lam": "4.0", "shape": "(2,)"}),
    "poisson_sym": (["v1"], "_sample_poisson", {"shape": "(3, 4)"}),
    "uniform_sym": (["v1", "v2"], "_sample_uniform", {}),
    "uniform_num": (
        [],
        "_random_uniform",
        {"dtype": "float64", "high": "3.0", "low": "-1.5", "shape": "(2, 2)"},
    ),
    "gamma_sym": (["v1", "v2"], "_sample_gamma", {"shape": "5"}),
    "negative_binomial_sym": (["v1", "v2"], "_sample_negative_binomial", {"shape": "5"}),
    "generalized_negative_binomial_sym": (
        ["v1", "v2"],
        "_sample_generalized_negative_binomial",
        {"shape": "5"},
    ),
    "normal_like": ([], "_random_normal_like", {"loc": "10.0", "scale": "0.5"}),
}
# MXNet's graph for sym.random.exponential(v1): the rate 1/scale first
EXPONENTIAL_RDIV = ("_rdiv_scalar", {"scalar": "1.0"})


def _v(name: str) -> Any:
    return mx.sym.Variable(name)


BUILDERS: Dict[str, Callable[[], Any]] = {
    "normal_sym": lambda: mx.sym.random.normal(_v("v1"), _v("v2"), shape=(3, 4), dtype="float32"),
    "normal_num": lambda: mx.sym.random.normal(loc=10.0, scale=0.5, shape=(3, 4), dtype="float32"),
    "randn_sym": lambda: mx.sym.random.randn(3, 4, loc=_v("v1"), scale=_v("v2"), dtype="float32"),
    "randn_ints": lambda: mx.sym.random.randn(2, 3),
    "randn_data": lambda: mx.sym.random.randn(
        loc=10.0, scale=0.5, dtype=np.float16, data=mx.sym.ones((3, 4))
    ),
    "exponential_sym": lambda: mx.sym.random.exponential(_v("v1"), shape=(3, 4), dtype="float16"),
    "exponential_num": lambda: mx.sym.random.exponential(scale=0.25, shape=(2,)),
    "poisson_sym": lambda: mx.sym.random.poisson(_v("v1"), shape=(3, 4)),
    "uniform_sym": lambda: mx.sym.random.uniform(_v("v1"), _v("v2")),
    "uniform_num": lambda: mx.sym.random.uniform(-1.5, 3.0, shape=(2, 2), dtype="float64"),
    "gamma_sym": lambda: mx.sym.random.gamma(_v("v1"), _v("v2"), shape=5),
    "negative_binomial_sym": lambda: mx.sym.random.negative_binomial(_v("v1"), _v("v2"), shape=5),
    "generalized_negative_binomial_sym": lambda: mx.sym.random.generalized_negative_binomial(
        _v("v1"), _v("v2"), shape=5
    ),
    "normal_like": lambda: mx.sym.random.normal_like(loc=10.0, scale=0.5, data=mx.sym.ones((3, 4))),
}


def _spaceless(attrs: Dict[str, str]) -> Dict[str, str]:
    return {k: v.replace(" ", "") for k, v in attrs.items()}


def _nodes(symbol: Any) -> List[Dict[str, Any]]:
    return json.loads(symbol.tojson())["nodes"]


@pytest.mark.parametrize("case", sorted(ORACLE))
def test_graph_matches_mxnet(case: str) -> None:
    args, op, attrs = ORACLE[case]
    y = BUILDERS[case]()
    assert y.list_arguments() == args
    head = _nodes(y)[-1]
    assert head["op"] == op
    assert _spaceless(head.get("attrs", {})) == _spaceless(attrs)


def test_exponential_graph_holds_the_rate() -> None:
    nodes = _nodes(mx.sym.random.exponential(_v("v1"), shape=(3, 4)))
    assert [n["op"] for n in nodes] == ["null", EXPONENTIAL_RDIV[0], "_sample_exponential"]
    assert nodes[1]["attrs"] == EXPONENTIAL_RDIV[1]
    assert nodes[2]["inputs"] == [[1, 0, 0]]


def test_sample_node_inputs_are_the_parameters() -> None:
    nodes = _nodes(mx.sym.random.normal(_v("v1"), _v("v2"), shape=2, name="foo"))
    assert [(n["op"], n["name"]) for n in nodes] == [
        ("null", "v1"),
        ("null", "v2"),
        ("_sample_normal", "foo"),
    ]
    assert nodes[2]["inputs"] == [[0, 0, 0], [1, 0, 0]]


LOC = [[0.0, 2.5], [-9.75, -7.0]]
SCALE = [[1.0, 3.7], [4.2, 1.5]]
RATE = [[1.0, 0.3], [2.0, 0.5]]
PROB = [[0.4, 0.77], [0.5, 0.84]]


def _forward(y: Any, args: Dict[str, Any], seed: int) -> np.ndarray:
    mx.random.seed(seed)
    return y.bind(mx.cpu(), args).forward()[0].asnumpy()


def _direct(fn: Callable[[], Any], seed: int) -> np.ndarray:
    mx.random.seed(seed)
    return fn().asnumpy()


def test_array_parameters_draw_as_nd_random() -> None:
    loc, scale = mx.nd.array(LOC), mx.nd.array(SCALE)
    rate, prob = mx.nd.array(RATE), mx.nd.array(PROB)
    k = mx.nd.array([[3, 4], [5, 6]])
    cases = [
        (
            mx.sym.random.normal(_v("v1"), _v("v2"), shape=(50,), dtype="float64"),
            {"v1": loc, "v2": scale},
            lambda: mx.nd.random.normal(loc, scale, shape=(50,), dtype="float64"),
            (2, 2, 50),
            np.float64,
        ),
        (
            mx.sym.random.randn(50, loc=_v("v1"), scale=_v("v2")),
            {"v1": loc, "v2": scale},
            lambda: mx.nd.random.randn(50, loc=loc, scale=scale),
            (2, 2, 50),
            np.float32,
        ),
        (
            mx.sym.random.exponential(_v("v1"), shape=(7,), dtype="float16"),
            {"v1": rate},
            lambda: mx.nd.random.exponential(rate, shape=(7,), dtype="float16"),
            (2, 2, 7),
            np.float16,
        ),
        (
            mx.sym.random.gamma(_v("v1"), _v("v2"), shape=(9,)),
            {"v1": rate, "v2": prob},
            lambda: mx.nd.random.gamma(rate, prob, shape=(9,)),
            (2, 2, 9),
            np.float32,
        ),
        (
            mx.sym.random.poisson(_v("v1"), shape=(4, 3)),
            {"v1": rate},
            lambda: mx.nd.random.poisson(rate, shape=(4, 3)),
            (2, 2, 4, 3),
            np.float32,
        ),
        (
            mx.sym.random.negative_binomial(_v("v1"), _v("v2"), shape=(5,)),
            {"v1": k, "v2": prob},
            lambda: mx.nd.random.negative_binomial(k, prob, shape=(5,)),
            (2, 2, 5),
            np.float32,
        ),
        (
            mx.sym.random.generalized_negative_binomial(_v("v1"), _v("v2"), shape=(5,)),
            {"v1": rate, "v2": prob},
            lambda: mx.nd.random.generalized_negative_binomial(rate, prob, shape=(5,)),
            (2, 2, 5),
            np.float32,
        ),
        (
            mx.sym.random.uniform(_v("v1"), _v("v2")),
            {"v1": loc, "v2": loc + scale},
            lambda: mx.nd.random.uniform(loc, loc + scale),
            (2, 2),
            np.float32,
        ),
    ]
    for seed, (y, args, direct, shape, dtype) in enumerate(cases):
        got = _forward(y, args, seed)
        want = _direct(direct, seed)
        assert got.shape == shape and got.dtype == dtype
        np.testing.assert_array_equal(got, want)
        assert not np.array_equal(got, _forward(y, args, seed + 100))  # the seed matters


def test_number_parameters_draw_as_nd_random() -> None:
    cases = [
        (
            mx.sym.random.normal(loc=10.0, scale=0.5, shape=(4, 5), dtype=np.float16),
            lambda: mx.nd.random.normal(10.0, 0.5, shape=(4, 5), dtype=np.float16),
            (4, 5),
            np.float16,
        ),
        (
            mx.sym.random.exponential(scale=0.25, shape=(30,)),
            lambda: mx.nd.random.exponential(scale=0.25, shape=(30,)),
            (30,),
            np.float32,
        ),
        (
            mx.sym.random.uniform(-1.5, 3.0, shape=(2, 2), dtype="float64"),
            lambda: mx.nd.random.uniform(-1.5, 3.0, shape=(2, 2), dtype="float64"),
            (2, 2),
            np.float64,
        ),
        (
            mx.sym.random.randn(3, 4, loc=1.0, scale=2.0),
            lambda: mx.nd.random.randn(3, 4, loc=1.0, scale=2.0),
            (3, 4),
            np.float32,
        ),
        (
            mx.sym.random.gamma(9.0, 0.5, shape=(6,)),
            lambda: mx.nd.random.gamma(9.0, 0.5, shape=(6,)),
            (6,),
            np.float32,
        ),
        (
            mx.sym.random.poisson(4.0, shape=(6,)),
            lambda: mx.nd.random.poisson(4.0, shape=(6,)),
            (6,),
            np.float32,
        ),
    ]
    for seed, (y, direct, shape, dtype) in enumerate(cases, start=20):
        got = _forward(y, {}, seed)
        assert got.shape == shape and got.dtype == dtype
        np.testing.assert_array_equal(got, _direct(direct, seed))


def test_randn_takes_the_shape_of_data() -> None:
    """MXNet's test_random: ``randn(loc=..., scale=..., dtype=..., data=ones(shape)) + X``."""
    x = mx.sym.Variable("X")
    y = mx.sym.random.randn(loc=10.0, scale=0.5, dtype=np.float16, data=mx.sym.ones((6, 7))) + x
    assert y.list_arguments() == ["X"]
    zeros = mx.nd.zeros((6, 7), dtype=np.float16)
    got = _forward(y, {"X": zeros}, 5)
    want = _direct(lambda: mx.nd.random.normal(10.0, 0.5, shape=(6, 7), dtype=np.float16), 5)
    assert got.shape == (6, 7) and got.dtype == np.float16
    np.testing.assert_array_equal(got, want)


def test_like_samples_take_data_shape_and_dtype() -> None:
    y = mx.sym.random.normal_like(loc=10.0, scale=0.5, data=mx.sym.ones((4, 3), dtype="float64"))
    got = _forward(y, {}, 9)
    want = _direct(
        lambda: mx.nd.random.normal_like(mx.nd.ones((4, 3), dtype="float64"), 10.0, 0.5), 9
    )
    assert got.shape == (4, 3) and got.dtype == np.float64
    np.testing.assert_array_equal(got, want)


def test_mxnet_graph_with_rate_attribute_runs() -> None:
    """A graph as MXNet writes it (``_random_exponential`` holding ``lam``) loads and runs."""
    graph = (
        '{"nodes":[{"op":"_random_exponential","name":"_random_exponential0",'
        '"attrs":{"lam":"4.0","shape":"(2000,)"},"inputs":[]}],"arg_nodes":[],'
        '"node_row_ptr":[0,1],"heads":[[0,0,0]],"attrs":{"mxnet_version":["int",10901]}}'
    )
    y = mx.sym.load_json(graph)
    got = _forward(y, {}, 3)
    np.testing.assert_array_equal(
        got, _direct(lambda: mx.nd.random.exponential(scale=0.25, shape=(2000,)), 3)
    )
    assert abs(got.mean() - 0.25) < 0.03


def test_mixed_parameters_are_refused() -> None:
    with pytest.raises(AssertionError, match="scale"):
        mx.sym.random.normal(_v("a"), 1.0)
    with pytest.raises(AssertionError, match="high"):
        mx.sym.random.uniform(0.0, _v("b"))
    with pytest.raises(ValueError, match="loc must be a Symbol or a number, got str"):
        mx.sym.random.normal("x", 1.0)


def test_unknown_symbol_argument_is_named() -> None:
    with pytest.raises(mx.base.MXNetError, match="bogus"):
        mx.sym.random.normal(_v("a"), _v("b"), bogus=_v("c"))
    with pytest.raises(TypeError, match="shape"):
        mx.sym.random.randn(2, 3, shape=(2, 3))
