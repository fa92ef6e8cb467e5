"""Utilities (MXNet's ``mxnet.util``)."""

from __future__ import annotations

import os
from typing import Optional, TypeVar

from . import _core

__all__ = [
    "get_gpu_count",
    "get_gpu_memory",
    "getenv",
    "setenv",
    "is_np_array",
    "use_np",
    "np_shape",
    "is_np_shape",
    "set_np_shape",
]

_T = TypeVar("_T")


def get_gpu_count() -> int:
    """Number of usable CUDA GPUs."""
    return _core.num_gpus()


def get_gpu_memory(gpu_dev_id: int):
    """Not tracked per device; raises MXNetError like MXNet without that GPU."""
    from .base import MXNetError

    raise MXNetError(f"get_gpu_memory: gpu({gpu_dev_id}) is not available")


def getenv(name: str) -> Optional[str]:
    """The value of environment variable ``name``, or None when it is not set.

    MXNet reads its C runtime's copy of the environment; gluonlite's core reads the process
    environment, which is ``os.environ``.
    """
    if not isinstance(name, str):
        raise TypeError(f"getenv: name must be a str, got {type(name).__name__}")
    return os.environ.get(name)


def setenv(name: str, value: Optional[str]) -> None:
    """Sets environment variable ``name`` to ``value`` (None unsets it).

    Unlike MXNet, which sets only its C runtime's copy, this also updates ``os.environ``:
    gluonlite has a single environment.
    """
    if not isinstance(name, str):
        raise TypeError(f"setenv: name must be a str, got {type(name).__name__}")
    if value is None:
        os.environ.pop(name, None)
    elif isinstance(value, str):
        os.environ[name] = value
    else:
        raise TypeError(
            f"setenv: value of {name!r} must be a str or None, got {type(value).__name__}"
        )


def is_np_array() -> bool:
    """Whether MXNet's NumPy-array semantics are on (``npx.set_np()``), in this thread."""
    from .numpy_extension import _state

    return _state.np_array()


def use_np(func: _T) -> _T:
    """MXNet's decorator: ``is_np_array()`` is True while the function (or any method of the
    class) runs, and restored afterwards."""
    import functools
    import inspect

    from .numpy_extension import _state

    def with_np(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            previous = _state.set_state(True, True)
            try:
                return fn(*args, **kwargs)
            finally:
                _state.set_state(*previous)

        return wrapper

    if inspect.isclass(func):
        for name, attr in list(vars(func).items()):
            if inspect.isfunction(attr):
                setattr(func, name, with_np(attr))
        return func
    if not callable(func):
        raise TypeError(f"use_np decorates a function or class, got {type(func).__name__}")
    return with_np(func)


def is_np_shape() -> bool:
    """Whether NumPy shape semantics (0-d and zero-size arrays) are on, in this thread."""
    from .numpy_extension import _state

    return _state.np_shape()


def set_np_shape(active: bool) -> bool:
    """Turns NumPy shape semantics on or off in this thread; returns the previous setting."""
    from .numpy_extension import _state

    previous = _state.np_shape()
    _state.set_state(bool(active), _state.np_array())
    return previous


class _NumpyShapeScope:
    """``with mx.np_shape(True):`` NumPy shape semantics inside, the old setting after."""

    def __init__(self, active: bool) -> None:
        self._active = bool(active)
        self._previous: Optional[bool] = None

    def __enter__(self) -> "_NumpyShapeScope":
        self._previous = set_np_shape(self._active)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            set_np_shape(self._previous)


def np_shape(active: bool = True) -> _NumpyShapeScope:
    """A scope with NumPy shape semantics on (``active=True``) or off (MXNet's
    ``mx.np_shape``). gluonlite's arrays always allow 0-d and zero-size shapes; the setting
    is what ``is_np_shape()`` reports."""
    return _NumpyShapeScope(active)
