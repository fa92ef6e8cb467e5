"""Bad arguments at the boundary to the C++ core, reported in MXNet's terms.

The core's bindings are typed: given a str where an int belongs, pybind11 raises a
TypeError that dumps its C++ signatures ("incompatible function arguments ..."). Every
public ``nd`` function is wrapped by :func:`checked_api`, which turns such an error into
``MXNetTypeError`` (an MXNetError and a TypeError) naming the function, the argument and
its value. Nothing is checked on the successful path: the wrapper only looks at errors.

Unknown keywords: MXNet's operators reject a keyword they do not have ("Cannot find
argument 'axsi'"), so a typo never silently falls back to a default. gluonlite's functions
declare every keyword they take (no catch-all ``**kwargs``), so Python itself refuses an
unknown one at the call; :func:`checked_api` turns that TypeError into MXNet's message with
the list of valid names. The few hot-path functions that keep ``**kwargs`` (to skip the
wrapper) call :func:`reject_unknown` on it, which costs one truthiness test.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import re
from typing import Any, Callable, Optional, Sequence, Tuple

from ..base import MXNetTypeError

# Text that only pybind11's own argument errors contain.
_BINDING_ERROR_MARKS = ("incompatible function arguments", "Unable to cast", "pybind11")

_AXIS_NAMES = frozenset(["axis", "axes", "dim", "dim1", "dim2"])


def _is_int(value: Any, bits: int) -> bool:
    return isinstance(value, numbers.Integral) and -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)


def _is_axis(value: Any) -> bool:
    if value is None or _is_int(value, 32):
        return True
    return isinstance(value, (tuple, list)) and all(_is_int(v, 32) for v in value)


def _expectation(param: inspect.Parameter) -> Optional[Tuple[str, Callable[[Any], bool]]]:
    """(description, test) of what ``param`` accepts, where its signature tells."""
    from .ndarray import NDArray

    annotation = str(param.annotation)
    optional = annotation.startswith("Optional[")  # Optional[X]: X, or None
    if optional:
        annotation = annotation[len("Optional[") : -1]
    if annotation.startswith("NDArray"):
        none_ok = optional or param.default is None
        return ("an NDArray", lambda v: isinstance(v, NDArray) or (none_ok and v is None))
    if param.name in _AXIS_NAMES:
        return ("an int or a tuple of ints (32-bit)", _is_axis)
    default = param.default
    if annotation == "int" or (isinstance(default, int) and not isinstance(default, bool)):
        return ("an int (64-bit)", lambda v: _is_int(v, 64) or (optional and v is None))
    if annotation == "float" or isinstance(default, float):
        return ("a number", lambda v: isinstance(v, numbers.Real) or (optional and v is None))
    return None


_UNEXPECTED_KEYWORD = re.compile(r"got an unexpected keyword argument '([^']+)'")


def keyword_names(fn: Callable) -> Tuple[str, ...]:
    """The keywords ``fn`` accepts, in signature order."""
    try:
        return fn.__gluonlite_keywords__  # type: ignore[attr-defined]
    except AttributeError:
        pass
    params = inspect.signature(fn).parameters.values()
    names = tuple(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    try:
        fn.__gluonlite_keywords__ = names  # type: ignore[attr-defined]
    except AttributeError:
        pass
    return names


def unknown_argument_error(op: str, unknown: str, valid: Sequence[str]) -> MXNetTypeError:
    """MXNet's error for a keyword the operator ``op`` does not have.

    An MXNetError (MXNet's operators raise it) and a TypeError (MXNet's Python-level
    functions such as ``nd.array`` raise that), listing the valid names.
    """
    return MXNetTypeError(
        "Cannot find argument '%s', Possible Arguments: %s; in operator %s"
        % (unknown, ", ".join(valid) if valid else "(none)", op)
    )


def reject_unknown(fn: Callable, kwargs: dict, *required: Any) -> None:
    """Raises :func:`unknown_argument_error` when ``kwargs`` (a catch-all) is not empty, and
    MXNet's TypeError when one of the ``required`` inputs (None-defaulted so that an unknown
    keyword is reported first, as MXNet does) is missing."""
    if kwargs:
        raise unknown_argument_error(fn.__name__, next(iter(kwargs)), keyword_names(fn))
    for i, value in enumerate(required):
        if value is None:
            raise MXNetTypeError(
                "%s: required argument '%s' is missing" % (fn.__name__, keyword_names(fn)[i])
            )


def _unknown_keyword(fn: Callable, err: TypeError) -> Optional[MXNetTypeError]:
    """The MXNet-style error when ``err`` is Python refusing a keyword of ``fn`` itself."""
    tb = err.__traceback__
    # raised by the call into fn, not somewhere inside it: the traceback stops at the caller
    if tb is None or tb.tb_next is not None:
        return None
    match = _UNEXPECTED_KEYWORD.search(str(err))
    if match is not None:
        return unknown_argument_error(fn.__name__, match.group(1), keyword_names(fn))
    return None


def _unknown_before_missing(fn: Callable, err: TypeError, kwargs: dict) -> Optional[MXNetTypeError]:
    """MXNet reports an unknown keyword before a missing input: for a call that failed at
    the boundary of an ``fn`` with a catch-all ``**kwargs``, the first keyword ``fn`` does
    not declare."""
    tb = err.__traceback__
    if tb is None or tb.tb_next is not None:
        return None
    names = keyword_names(fn)
    unknown = next((k for k in kwargs if k not in names), None)
    return None if unknown is None else unknown_argument_error(fn.__name__, unknown, names)


def is_binding_error(err: TypeError) -> bool:
    """Whether ``err`` is pybind11's own report of arguments it could not convert."""
    return any(mark in str(err) for mark in _BINDING_ERROR_MARKS)


def argument_error(fn: Callable, args: tuple, kwargs: dict) -> MXNetTypeError:
    """The MXNetTypeError for a call ``fn(*args, **kwargs)`` that the binding refused."""
    return _argument_error(fn.__name__, inspect.signature(fn), args, kwargs)


def _argument_error(
    name: str, signature: inspect.Signature, args: tuple, kwargs: dict
) -> MXNetTypeError:
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        bound = None
    if bound is not None:
        for arg_name, value in bound.arguments.items():
            param = signature.parameters[arg_name]
            if param.kind == param.VAR_KEYWORD:
                continue
            expected = _expectation(param)
            # *data: NDArray annotates each of the positional arguments
            values = value if param.kind == param.VAR_POSITIONAL else (value,)
            for v in values:
                if expected is not None and not expected[1](v):
                    return MXNetTypeError(
                        "%s: argument %s must be %s, got %s %s"
                        % (name, arg_name, expected[0], type(v).__name__, _short_repr(v))
                    )
    given = [_short_repr(a) for a in args] + [
        "%s=%s" % (k, _short_repr(v)) for k, v in kwargs.items()
    ]
    return MXNetTypeError(
        "%s: unsupported argument types or values in (%s)" % (name, ", ".join(given))
    )


def _short_repr(value: Any) -> str:
    from .ndarray import NDArray

    if isinstance(value, NDArray):
        return "<NDArray %s %s>" % ("x".join(map(str, value.shape)), value.dtype.__name__)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def checked_api(fn: Callable) -> Callable:
    """``fn`` with pybind11's argument errors translated into MXNetTypeError.

    Functions on the hot path (the elementwise and reduction families) catch the error in
    their own body instead, saving the wrapper's call, and say so by setting
    ``fn.binding_errors_checked``; they are returned unwrapped.
    """
    if getattr(fn, "binding_errors_checked", False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError as err:
            unknown = _unknown_keyword(fn, err) or _unknown_before_missing(fn, err, kwargs)
            if unknown is not None:
                raise unknown from None
            if not is_binding_error(err):
                raise
            raise argument_error(fn, args, kwargs) from None

    return wrapper


def exporter(names: list) -> Callable[[Callable], Callable]:
    """A decorator that lists a function in the module's ``__all__`` (``names``) and wraps
    it with :func:`checked_api`."""

    def export(fn: Callable) -> Callable:
        names.append(fn.__name__)
        return checked_api(fn)

    return export
