"""Weight initializers: MXNet 1.x ``mx.init`` / ``mx.initializer``.

How Gluon applies them (MXNet 1.9.1 semantics; seed 001's output depends on it):
a Parameter calls ``default_init(InitDesc(name, {'__init__': chosen}), arr)``, where
``chosen`` is the parameter's own init if it has one, else the block-level one. The
base ``__call__`` then runs ``create(chosen)._init_weight`` whatever the name's suffix,
so a custom ``_init_bias`` is never used by Gluon, and a Dense bias keeps its own
``'zeros'``. Called directly (outside Gluon), ``__call__`` dispatches on the name's
suffix (weight / bias / gamma / beta / min / max).

Differences from MXNet, on purpose: ``Mixed`` and ``Load`` are registered
Initializers and work inside ``initialize()``; Bilinear on a parameter of fewer
than 4 dimensions raises an error (a ValueError that is also an IndexError)
naming the parameter.

Random fills go through ``nd.random.*(out=arr)``, i.e. the C++ Philox stream.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from math import sqrt
from typing import Any, Callable, Dict, Optional, Sequence, Union

import numpy as np

from . import _core
from . import ndarray as nd

__all__ = [
    "InitDesc",
    "Initializer",
    "register",
    "alias",
    "create",
    "Load",
    "Mixed",
    "Zero",
    "One",
    "Constant",
    "Uniform",
    "Normal",
    "Orthogonal",
    "Xavier",
    "MSRAPrelu",
    "Bilinear",
    "LSTMBias",
]

# name (lower case) -> Initializer class (or a factory for Constant parameters)
_REGISTRY: Dict[str, Callable[..., "Initializer"]] = {}


def _add_to_registry(klass: Callable[..., "Initializer"], name: str) -> None:
    name = name.lower()
    old = _REGISTRY.get(name)
    if old is not None and old is not klass:
        # MXNet's text, its missing space included ("isoverriding").
        warnings.warn(
            "\033[91mNew initializer %s.%s registered with name %s is"
            "overriding existing initializer %s.%s\033[0m"
            % (klass.__module__, klass.__name__, name, old.__module__, old.__name__),
            UserWarning,
            stacklevel=3,
        )
    _REGISTRY[name] = klass


def register(klass: type) -> type:
    """Class decorator: make ``klass`` creatable by its lower-case name (``'fortytwo'``)."""
    if not (isinstance(klass, type) and issubclass(klass, Initializer)):
        raise AssertionError("Can only register subclass of Initializer")
    _add_to_registry(klass, klass.__name__)
    return klass


def alias(*aliases: str) -> Callable[[type], type]:
    """Class decorator: register ``klass`` under extra names (``@alias('zeros')``)."""

    def decorate(klass: type) -> type:
        for name in aliases:
            _add_to_registry(klass, name)
        return klass

    return decorate


def create(*args: Any, **kwargs: Any) -> "Initializer":
    """Return an Initializer from an instance, a name, a JSON dump or a dict.

    ``create('xavier', magnitude=2)``, ``create('["uniform", {"scale": 0.5}]')``,
    ``create(Uniform())`` (returned as is).
    """
    if len(args) == 1 and not kwargs and isinstance(args[0], Initializer):
        return args[0]  # the common call, on every parameter's initialization
    if args:
        spec, args = args[0], args[1:]
    else:
        spec = kwargs.pop("initializer")
    if isinstance(spec, Initializer):
        if args or kwargs:
            raise AssertionError(
                "initializer is already an instance. Additional arguments are invalid"
            )
        return spec
    if isinstance(spec, dict):
        return create(**spec)
    if not isinstance(spec, str):
        raise AssertionError("initializer must be of string type")
    if spec.startswith("["):
        if args or kwargs:
            raise AssertionError("a JSON initializer takes no extra arguments")
        name, params = json.loads(spec)
        return create(name, **params)
    if spec.startswith("{"):
        if args or kwargs:
            raise AssertionError("a JSON initializer takes no extra arguments")
        return create(**json.loads(spec))
    name = spec.lower()
    if name not in _REGISTRY:
        raise AssertionError(
            "%s is not registered. Please register with initializer.register first" % name
        )
    return _REGISTRY[name](*args, **kwargs)


class InitDesc(str):
    """A parameter name (a ``str``) carrying ``attrs`` and the ``global_init``."""

    attrs: Dict[str, Any]
    global_init: Optional["Initializer"]

    def __new__(
        cls, name: str, attrs: Optional[dict] = None, global_init: Optional["Initializer"] = None
    ) -> "InitDesc":
        desc = super().__new__(cls, name)
        desc.attrs = attrs or {}
        desc.global_init = global_init
        return desc


def describe(init: Any) -> str:
    """Readable text for an initializer (``Uniform(scale=0.07)``, ``'zeros' (Zero())``)."""
    if isinstance(init, str):
        try:
            return "%r (%s)" % (init, describe(create(init)))
        except AssertionError:
            return repr(init)
    if not isinstance(init, Initializer):
        return repr(init)
    if hasattr(init, "_describe"):
        return init._describe()
    parts = []
    for key, value in getattr(init, "_kwargs", {}).items():
        if hasattr(value, "shape") and not np.isscalar(value):
            parts.append("%s=<array of shape %s>" % (key, tuple(value.shape)))
        else:
            parts.append("%s=%r" % (key, value))
    return "%s(%s)" % (type(init).__name__, ", ".join(parts))


def _as_desc(name: str) -> InitDesc:
    """``name`` as an InitDesc (a plain str from the deprecated ``init(str, arr)`` call)."""
    return name if isinstance(name, InitDesc) else InitDesc(name)


class _AppliedText:
    """What filled a parameter, as initialize(verbose=True) prints it: ``describe(init)``
    plus any notes appended with ``+=``, formatted only if printed."""

    def __init__(self, init: "Initializer") -> None:
        self._init = init
        self._notes = ""

    def __iadd__(self, note: str) -> "_AppliedText":
        self._notes += note
        return self

    def __str__(self) -> str:
        return describe(self._init) + self._notes


def _apply_as_weight(init: Any, desc: InitDesc, arr: Any) -> None:
    """Gluon's dispatch: the chosen initializer always fills through ``_init_weight``."""
    init = create(init)
    desc.attrs["__applied__"] = _AppliedText(init)  # read back by initialize(verbose=True)
    init._init_weight(desc, arr)


def _fill_constant(arr: Any, value: float) -> None:
    """``arr[:] = value``; a dense NDArray is filled by the core directly."""
    if type(arr) is nd.NDArray:
        _core.fill_(arr, value)
    else:
        arr[:] = value


def _host_fill(arr: Any, values: np.ndarray) -> None:
    """Copy host-computed (deterministic, non-random) values into ``arr``."""
    arr[:] = np.asarray(values).astype(np.dtype(arr.dtype), copy=False)


class Initializer:
    """Base class. Subclasses override ``_init_weight(name, arr)`` and fill ``arr`` in place."""

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._verbose = False
        self._print_func: Optional[Callable[[Any], str]] = None

    def set_verbosity(
        self, verbose: bool = False, print_func: Optional[Callable[[Any], str]] = None
    ) -> "Initializer":
        """Log (``logging.info``) a statistic of every array this initializer fills."""
        self._verbose = verbose
        if print_func is None:

            def print_func(arr: Any) -> str:  # norm / sqrt(size), like MXNet
                host = arr.asnumpy().astype(np.float64)
                return str(np.float32(np.linalg.norm(host) / sqrt(max(host.size, 1))))

        self._print_func = print_func
        return self

    def _verbose_print(self, desc: str, init: Any, arr: Any) -> None:
        if not getattr(self, "_verbose", False):  # a subclass may skip our __init__
            return
        print_func = getattr(self, "_print_func", None)
        if print_func:
            logging.info("Initialized %s as %s: %s", desc, init, print_func(arr))

    def dumps(self) -> str:
        """JSON ``'["uniform", {"scale": 0.07}]'``; ``create()`` accepts it back."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Initializer):
            return False
        try:
            return self.__class__ is other.__class__ and bool(self._kwargs == other._kwargs)
        except (ValueError, TypeError):  # array-valued kwargs
            return self is other

    __hash__ = None  # type: ignore[assignment]  # unhashable, as in MXNet

    def __call__(self, desc: Any, arr: Any) -> None:
        """Fill ``arr`` for the parameter ``desc`` (an InitDesc; a plain str is deprecated)."""
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        chosen = desc.attrs.get("__init__", "")
        if chosen:
            _apply_as_weight(chosen, desc, arr)
            self._verbose_print(desc, chosen, arr)
            return
        for suffix, method, label in (
            ("weight", self._init_weight, "weight"),
            ("bias", self._init_bias, "bias"),
            ("gamma", self._init_gamma, "gamma"),
            ("beta", self._init_beta, "beta"),
            ("min", self._init_zero, "min"),
            ("max", self._init_one, "max"),
            ("weight_quantize", self._init_quantized_weight, "weight_quantize"),
            ("bias_quantize", self._init_quantized_bias, "bias_quantize"),
        ):
            if desc.endswith(suffix):
                method(desc, arr)
                self._verbose_print(desc, label, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name: Any, arr: Any) -> None:
        """Dispatch for the deprecated ``init(str, NDArray)`` call."""
        warnings.warn(
            "\033[91mCalling initializer with init(str, NDArray) has been "
            "deprecated.please use init(mx.init.InitDesc(...), NDArray) "
            "instead.\033[0m",
            DeprecationWarning,
            stacklevel=3,
        )
        if not isinstance(name, str):
            raise TypeError("name must be string")
        if not isinstance(arr, nd.NDArray):
            raise TypeError("arr must be NDArray")
        if name.startswith("upsampling"):
            self._init_bilinear(name, arr)
            return
        for suffix, method in (
            ("bias", self._init_bias),
            ("gamma", self._init_gamma),
            ("beta", self._init_beta),
            ("weight", self._init_weight),
            ("moving_mean", self._init_zero),
            ("moving_var", self._init_one),
            ("moving_inv_var", self._init_zero),
            ("moving_avg", self._init_zero),
            ("min", self._init_zero),
            ("max", self._init_one),
        ):
            if name.endswith(suffix):
                method(name, arr)
                return
        self._init_default(name, arr)

    def _init_bilinear(self, name: str, arr: Any) -> None:
        shape = tuple(arr.shape)
        if len(shape) < 4:
            raise _BilinearShapeError(
                "Bilinear initializer needs a 4-D parameter (such as a Conv2DTranspose "
                "weight of shape (channels, 1, k, k)), but parameter '%s' has shape %s."
                % (name, shape)
            )
        width = shape[3]
        f = np.ceil(width / 2.0)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        index = np.arange(int(np.prod(shape)))
        x = index % width
        y = (index // width) % shape[2]
        kernel = (1 - np.abs(x / f - c)) * (1 - np.abs(y / f - c))
        _host_fill(arr, kernel.astype(np.float32).reshape(shape))

    def _init_loc_bias(self, _: str, arr: Any) -> None:
        if arr.shape[0] != 6:
            raise AssertionError("loc bias needs 6 elements, got shape %s" % (arr.shape,))
        _host_fill(arr, np.array([1.0, 0, 0, 0, 1.0, 0]))

    def _init_zero(self, _: str, arr: Any) -> None:
        arr[:] = 0.0

    def _init_one(self, _: str, arr: Any) -> None:
        arr[:] = 1.0

    def _init_bias(self, _: str, arr: Any) -> None:
        arr[:] = 0.0

    def _init_quantized_bias(self, _: str, arr: Any) -> None:
        arr[:] = 0

    def _init_gamma(self, _: str, arr: Any) -> None:
        arr[:] = 1.0

    def _init_beta(self, _: str, arr: Any) -> None:
        arr[:] = 0.0

    def _init_quantized_weight(self, _: str, arr: Any) -> None:
        # integers in [-127, 127] drawn from the seeded stream
        draw = nd.random.uniform(-127, 128, shape=arr.shape).asnumpy()
        _host_fill(arr, np.clip(np.floor(draw), -127, 127).astype(np.int8))

    def _init_weight(self, name: str, arr: Any) -> None:
        raise NotImplementedError("Must override it")

    def _init_default(self, name: str, _: Any) -> None:
        raise ValueError(
            "Unknown initialization pattern for %s. Default initialization is now limited "
            'to "weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
            "mx.sym.Variable(init=mx.init.*) to set initialization pattern" % name
        )


class _BilinearShapeError(ValueError, IndexError):
    """Bilinear on a parameter that is not 4-D; also an IndexError, MXNet's class."""


@register
class Load(Initializer):
    """Initialize by loading arrays from a dict or a saved file (``arg:``/``aux:`` stripped).

    gluonlite: usable in ``Block.initialize()`` too. There a parameter found in the
    loaded arrays gets them; one not found gets its own init, else ``default_init``.
    """

    def __init__(
        self, param: Union[str, dict], default_init: Any = None, verbose: bool = False
    ) -> None:
        super().__init__()
        arrays: Any = param
        if isinstance(param, str) or hasattr(param, "__fspath__"):  # a path
            arrays = nd.load(param)
            if isinstance(arrays, list) and not arrays:
                arrays = {}  # an empty dict is saved (and so loads) as an empty list
        if not isinstance(arrays, dict):
            raise AssertionError(
                "Load needs a dict of name -> NDArray (or a file holding "
                "one); got %s" % type(arrays).__name__
            )
        self.param: Dict[str, Any] = {}
        for name, arr in arrays.items():
            if name.startswith("arg:") or name.startswith("aux:"):
                name = name[4:]
            self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def _describe(self) -> str:
        return "Load(%d arrays, default_init=%s)" % (len(self.param), describe(self.default_init))

    def _load_into(self, name: str, arr: Any) -> None:
        loaded = self.param[name]
        if tuple(arr.shape) != tuple(loaded.shape):
            raise AssertionError(
                "Parameter %s cannot be initialized from loading. " % name
                + "Shape mismatch, target %s vs loaded %s" % (str(arr.shape), loaded.shape)
            )
        arr[:] = loaded
        if isinstance(name, InitDesc):
            name.attrs["__applied__"] = "Load (value loaded)"
            name.attrs["__by__"] = "Load"
        if self.verbose:
            logging.info("Initialized %s by loading", name)

    def _missing(self, name: str) -> AssertionError:
        return AssertionError(
            "Cannot Initialize %s. Not found in loaded param " % name
            + "and no default Initializer is provided."
        )

    def _init_weight(self, desc: str, arr: Any) -> None:
        if str(desc) in self.param:
            self._load_into(desc, arr)
        elif self.default_init is not None:
            _apply_as_weight(self.default_init, _as_desc(desc), arr)
        else:
            raise self._missing(desc)

    def __call__(self, desc: Any, arr: Any) -> None:
        if str(desc) in self.param:
            self._load_into(desc, arr)
            return
        if isinstance(desc, InitDesc) and "__init__" in desc.attrs:
            own = desc.attrs["__init__"]  # Gluon: the parameter's own init comes next
            if own is not self:
                _apply_as_weight(own, desc, arr)
            else:
                self._init_weight(desc, arr)
            return
        if self.default_init is None:
            raise self._missing(desc)
        create(self.default_init)(desc, arr)
        if self.verbose:
            logging.info("Initialized %s by default", desc)


@register
class Mixed(Initializer):
    """Pick the initializer of the first pattern that ``re.match``es the parameter name.

    gluonlite: usable in ``Block.initialize()``; a matched pattern wins over the
    parameter's own init (so ``'.*bias'`` reaches Dense biases). A parameter that
    matches nothing keeps its own init, or else raises a ValueError naming it.
    """

    def __init__(self, patterns: Sequence[str], initializers: Sequence[Any]) -> None:
        if len(patterns) != len(initializers):
            raise AssertionError(
                "Mixed needs one initializer per pattern, got %d patterns "
                "and %d initializers" % (len(patterns), len(initializers))
            )
        inits = [create(i) for i in initializers]
        super().__init__(patterns=list(patterns), initializers=[i.dumps() for i in inits])
        self.map = list(zip([re.compile(p) for p in patterns], inits))

    def _describe(self) -> str:
        return "Mixed(%s)" % ", ".join(
            "'%s' -> %s" % (prog.pattern, describe(init)) for prog, init in self.map
        )

    def _no_match(self, name: str) -> ValueError:
        return ValueError(
            "Parameter '%s' did not match any pattern of Mixed %s. Consider adding a '.*' "
            "pattern at the end with a default Initializer."
            % (name, [p.pattern for p, _ in self.map])
        )

    def _dispatch(self, desc: InitDesc, arr: Any, fallback: Any) -> None:
        for prog, init in self.map:
            if prog.match(desc):
                _apply_as_weight(init, desc, arr)
                desc.attrs["__applied__"] += " (Mixed pattern '%s')" % prog.pattern
                desc.attrs["__by__"] = "Mixed"
                return
        if fallback is None:
            raise self._no_match(desc)
        _apply_as_weight(fallback, desc, arr)
        desc.attrs["__applied__"] += " (the parameter's own init; no Mixed pattern matched)"
        desc.attrs["__by__"] = "Mixed"

    def _init_weight(self, desc: str, arr: Any) -> None:
        self._dispatch(_as_desc(desc), arr, None)

    def __call__(self, desc: Any, arr: Any) -> None:
        if isinstance(desc, InitDesc) and "__init__" in desc.attrs:
            own = desc.attrs["__init__"]
            self._dispatch(desc, arr, None if own is self else own)
            return
        for prog, init in self.map:  # direct call: MXNet semantics
            if prog.match(desc):
                init(desc, arr)
                return
        raise self._no_match(desc)


@register
@alias("zeros")
class Zero(Initializer):
    """Fill with 0 (``'zeros'``)."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: str, arr: Any) -> None:
        _fill_constant(arr, 0.0)


@register
@alias("ones")
class One(Initializer):
    """Fill with 1 (``'ones'``)."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: str, arr: Any) -> None:
        _fill_constant(arr, 1.0)


@register
class Constant(Initializer):
    """Fill with ``value``: a scalar, or an array of the parameter's shape."""

    def __init__(self, value: Any) -> None:
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _: str, arr: Any) -> None:
        value = self.value
        if isinstance(value, (list, tuple)):
            value = np.asarray(value)
        arr[:] = value

    def dumps(self) -> str:
        """JSON ``'["constant", {"value": ...}]'``; an array value is written as nested lists.

        As in MXNet, the list replaces the array in ``_kwargs`` (``self.value`` is kept).
        """
        value = self._kwargs["value"]
        if not np.isscalar(value):
            if isinstance(value, np.ndarray):
                value = value.tolist()
            elif hasattr(value, "asnumpy"):
                value = value.asnumpy().tolist()
            self._kwargs["value"] = value
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Uniform on [-scale, scale]."""

    def __init__(self, scale: float = 0.07) -> None:
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _: str, arr: Any) -> None:
        nd.random.uniform(-self.scale, self.scale, out=arr)


@register
class Normal(Initializer):
    """Normal with mean 0 and standard deviation ``sigma`` (not truncated)."""

    def __init__(self, sigma: float = 0.01) -> None:
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _: str, arr: Any) -> None:
        nd.random.normal(0, self.sigma, out=arr)


@register
class Orthogonal(Initializer):
    """Orthogonal rows (or columns) times ``scale``, from the SVD of a random matrix.

    The (shape[0], prod(shape[1:])) matrix is drawn from the seeded stream
    (U(-1, 1) or N(0, 1)); the SVD runs on the host with numpy.
    """

    def __init__(self, scale: float = 1.414, rand_type: str = "uniform") -> None:
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _: str, arr: Any) -> None:
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            draw = nd.random.uniform(-1.0, 1.0, shape=(nout, nin))
        elif self.rand_type == "normal":
            draw = nd.random.normal(0.0, 1.0, shape=(nout, nin))
        else:
            raise ValueError(
                "Unknown rand_type '%s' for Orthogonal; use 'uniform' or 'normal'" % self.rand_type
            )
        matrix = draw.asnumpy().astype(np.float64)
        u, _singular_values, v = np.linalg.svd(matrix, full_matrices=False)
        basis = u if u.shape == matrix.shape else v
        _host_fill(arr, self.scale * basis.reshape(arr.shape))


@register
class Xavier(Initializer):
    """Glorot: scale = sqrt(magnitude / factor), factor from fan in/out ('avg', 'in', 'out').

    fan_in = shape[1] * prod(shape[2:]), fan_out = shape[0] * prod(shape[2:]);
    'uniform' draws U(-scale, scale), 'gaussian' N(0, scale) untruncated.
    """

    def __init__(
        self, rnd_type: str = "uniform", factor_type: str = "avg", magnitude: float = 3
    ) -> None:
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name: str, arr: Any) -> None:
        shape = tuple(arr.shape)
        if len(shape) < 2:
            raise ValueError(
                "Xavier initializer cannot be applied to vector {0}. It requires"
                " at least 2D.".format(name)
            )
        receptive = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = float(np.sqrt(self.magnitude / factor))
        if self.rnd_type == "uniform":
            nd.random.uniform(-scale, scale, out=arr)
        elif self.rnd_type == "gaussian":
            nd.random.normal(0, scale, out=arr)
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He/Kaiming: Xavier('gaussian', factor_type, 2 / (1 + slope**2)); default 'avg'."""

    def __init__(self, factor_type: str = "avg", slope: float = 0.25) -> None:
        magnitude = 2.0 / (1 + slope**2)
        super().__init__("gaussian", factor_type, magnitude)
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Bilinear(Initializer):
    """Bilinear upsampling kernel, for a Conv2DTranspose weight."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, name: str, arr: Any) -> None:
        self._init_bilinear(name, arr)


@register
class LSTMBias(Initializer):
    """Zeros, with the forget-gate quarter ``[H:2H]`` (gates i, f, c, o) set to ``forget_bias``."""

    def __init__(self, forget_bias: float = 1.0) -> None:
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name: str, arr: Any) -> None:
        values = np.zeros(tuple(arr.shape), dtype=np.float64)
        num_hidden = int(arr.shape[0] / 4)
        values[num_hidden : 2 * num_hidden] = self.forget_bias
        _host_fill(arr, values)
