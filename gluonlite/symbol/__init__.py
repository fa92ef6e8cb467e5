"""``gluonlite.sym`` / ``gluonlite.symbol``: MXNet's Symbol API over ``nd``'s operators.

Each operator function here is generated from the ``nd`` function of the same name (one
registry for both front ends, see registry.py): ``sym.FullyConnected(data, num_hidden=10,
name='fc1')`` makes a graph node that ``nd.FullyConnected`` computes when the graph runs.
"""

from __future__ import annotations

import numbers
import types
from typing import Any, Iterable

from .. import ndarray as _nd
from ..base import MXNetValueError
from ..ndarray import _internal as _nd_internal
from .executor import Executor  # noqa: F401
from .symbol import Group, Symbol, Variable, load, load_json, make_op, var  # noqa: F401

# nd functions that make or move arrays rather than compute on them: no symbolic twin
_NOT_OPERATORS = {
    "NDArray",
    "array",
    "load",
    "save",
    "load_frombuffer",
    "save_tobuffer",
    "waitall",
    "from_numpy",
    "from_dlpack",
    "to_dlpack_for_read",
    "to_dlpack_for_write",
    "empty",
    "concatenate",
    "imdecode",
    "onehot_encode",
    "moveaxis",
    "Custom",
    "full_like",
}


def _operator_names(module: Any, names: Iterable[str]) -> list:
    found = []
    for name in names:
        if name.startswith("__") or name in _NOT_OPERATORS:
            continue
        fn = getattr(module, name, None)
        if callable(fn) and not isinstance(fn, (type, types.ModuleType)):
            found.append(name)
    return found


__all__ = ["Symbol", "Variable", "var", "Group", "load", "load_json", "Executor"]
for _name in _operator_names(_nd, dir(_nd)):
    if _name.startswith("_"):
        continue
    globals()[_name] = make_op(_name)
    __all__.append(_name)


def _submodule(name: str, prefix: str, source: Any, names: Iterable[str]) -> types.ModuleType:
    module = types.ModuleType(__name__ + "." + name, "Symbolic ``nd.%s`` operators." % name)
    for op_name in _operator_names(source, names):
        module.__dict__[op_name] = make_op(prefix + op_name)
    return module


contrib = _submodule("contrib", "_contrib_", _nd.contrib, _nd.contrib.__all__)
_rand_zipfian_node = contrib.rand_zipfian


def _rand_zipfian(true_classes: Any, num_sampled: int, range_max: int, ctx: Any = None) -> tuple:
    """(sampled_classes, expected_count_true, expected_count_sampled): a tuple of Symbols,
    as MXNet's sym.contrib.rand_zipfian returns (one graph node with three outputs)."""
    extra = {} if ctx is None else {"ctx": ctx}
    return tuple(_rand_zipfian_node(true_classes, num_sampled, range_max, **extra))


contrib.rand_zipfian = _rand_zipfian  # type: ignore[attr-defined]
linalg = _submodule(
    "linalg", "_linalg_", _nd.linalg, [n for n in dir(_nd.linalg) if not n.startswith("linalg_")]
)
random = _submodule("random", "_random_", _nd.random, _nd.random.__all__)
# MXNet's sym.sparse spells the operators that have sparse kernels; their graph nodes are
# the dense operators' nodes (sparse arrays are computed through them, see nd.sparse).
sparse = types.ModuleType(__name__ + ".sparse", "Symbolic operators on sparse arrays.")
sparse.__dict__.update({name: globals()[name] for name in __all__ if name in globals()})
for _name in ("Symbol", "Variable", "var", "Group", "load", "load_json", "Executor"):
    sparse.__dict__.pop(_name, None)


def _random_helper(
    kind: str, names: tuple, params: list, shape: Any, dtype: Any, kwargs: dict
) -> Symbol:
    """MXNet's sym.random dispatch: Symbol parameters make a ``_sample_<kind>`` node (the
    parameters its inputs), numbers a ``_random_<kind>`` node (the parameters attributes)."""
    op = "sym.random.%s" % kind
    if isinstance(params[0], Symbol):
        for name, value in zip(names[1:], params[1:]):
            if not isinstance(value, Symbol):
                raise AssertionError(
                    "%s: distribution parameters must all have the same type, but %s is a "
                    "Symbol and %s is %s" % (op, names[0], name, type(value).__name__)
                )
        for key, value in (("shape", shape), ("dtype", dtype)):
            if value is not None:
                kwargs[key] = value
        return make_op("_sample_" + kind)(*params, **kwargs)
    if isinstance(params[0], numbers.Real):
        for name, value in zip(names[1:], params[1:]):
            if not isinstance(value, numbers.Real):
                raise AssertionError(
                    "%s: distribution parameters must all have the same type, but %s is a "
                    "number and %s is %s" % (op, names[0], name, type(value).__name__)
                )
        kwargs.update(zip(names, params))
        return make_op("_random_" + kind)(shape=shape, dtype=dtype, **kwargs)
    raise MXNetValueError(
        "%s: distribution parameter %s must be a Symbol or a number, got %s"
        % (op, names[0], type(params[0]).__name__)
    )


def _uniform(
    low: Any = 0, high: Any = 1, shape: Any = None, dtype: Any = None, **kwargs: Any
) -> Symbol:
    """U[low, high) samples: ``_random_uniform`` for numbers, ``_sample_uniform`` for Symbols."""
    return _random_helper("uniform", ("low", "high"), [low, high], shape, dtype, kwargs)


def _normal(
    loc: Any = 0, scale: Any = 1, shape: Any = None, dtype: Any = None, **kwargs: Any
) -> Symbol:
    """N(loc, scale²) samples: ``_random_normal`` for numbers, ``_sample_normal`` for Symbols."""
    return _random_helper("normal", ("loc", "scale"), [loc, scale], shape, dtype, kwargs)


def _randn(*shape: int, loc: Any = 0, scale: Any = 1, dtype: Any = None, **kwargs: Any) -> Symbol:
    """N(loc, scale²) samples of shape ``shape`` (separate ints); MXNet always writes the
    shape, ``()`` when none is given. With a ``data`` Symbol (which MXNet ignores, inferring
    the shape from the consumer instead) the samples take data's shape."""
    if "shape" in kwargs:
        raise TypeError("randn() got multiple values for keyword argument 'shape'")
    return _random_helper("normal", ("loc", "scale"), [loc, scale], shape, dtype, kwargs)


def _exponential(scale: Any = 1, shape: Any = None, dtype: Any = None, **kwargs: Any) -> Symbol:
    """Exponential samples of mean ``scale``; MXNet's graph holds the rate ``lam = 1/scale``
    (an attribute, or an ``_rdiv_scalar`` node before ``_sample_exponential``)."""
    if isinstance(scale, Symbol):
        lam: Any = 1.0 / scale
    elif isinstance(scale, numbers.Real):
        lam = 1.0 / scale
    else:
        lam = scale  # refused by the helper, naming it
    return _random_helper("exponential", ("lam",), [lam], shape, dtype, kwargs)


def _gamma(
    alpha: Any = 1, beta: Any = 1, shape: Any = None, dtype: Any = None, **kwargs: Any
) -> Symbol:
    """Gamma(alpha, scale beta) samples: ``_random_gamma`` or ``_sample_gamma``."""
    return _random_helper("gamma", ("alpha", "beta"), [alpha, beta], shape, dtype, kwargs)


def _poisson(lam: Any = 1, shape: Any = None, dtype: Any = None, **kwargs: Any) -> Symbol:
    """Poisson(lam) samples: ``_random_poisson`` or ``_sample_poisson``."""
    return _random_helper("poisson", ("lam",), [lam], shape, dtype, kwargs)


def _negative_binomial(
    k: Any = 1, p: Any = 1, shape: Any = None, dtype: Any = None, **kwargs: Any
) -> Symbol:
    """Negative binomial (k, p) samples: ``_random_negative_binomial`` or ``_sample_...``."""
    return _random_helper("negative_binomial", ("k", "p"), [k, p], shape, dtype, kwargs)


def _generalized_negative_binomial(
    mu: Any = 1, alpha: Any = 1, shape: Any = None, dtype: Any = None, **kwargs: Any
) -> Symbol:
    """Generalized negative binomial (mu, alpha) samples: ``_random_...`` or ``_sample_...``."""
    return _random_helper(
        "generalized_negative_binomial", ("mu", "alpha"), [mu, alpha], shape, dtype, kwargs
    )


for _fn in (
    _uniform,
    _normal,
    _randn,
    _exponential,
    _gamma,
    _poisson,
    _negative_binomial,
    _generalized_negative_binomial,
):
    _fn.__name__ = _fn.__qualname__ = _fn.__name__[1:]
    random.__dict__[_fn.__name__] = _fn
_internal = _submodule("_internal", "", _nd_internal, _nd_internal.__all__)
_internal.__dict__["_rnn_param_concat"] = make_op("_rnn_param_concat")


def _creation(public_name: str) -> Any:
    op = make_op(public_name)

    def create(shape: Any, dtype: Any = None, **kwargs: Any) -> Symbol:
        # MXNet's sym.zeros/ones/full always write a dtype (float32 by default)
        return op(shape=shape, dtype="float32" if dtype is None else dtype, **kwargs)

    create.__name__ = public_name
    create.__doc__ = op.__doc__
    return create


zeros = _creation("zeros")
ones = _creation("ones")


def __getattr__(name: str) -> Any:
    # sym.image follows nd.image, which is imported on first use
    if name == "image":
        image = _submodule("image", "_image_", _nd.image, _nd.image.__all__)
        globals()["image"] = image
        return image
    raise AttributeError("module 'gluonlite.symbol' has no attribute %r" % name)
