"""``use_np``: runs a test function (or every method of a test class) under NumPy semantics."""

from __future__ import annotations

import functools
import inspect
from typing import TypeVar

_T = TypeVar("_T")


def _with_np(func):
    from ..numpy_extension import _state

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        previous = _state.set_state(True, True)
        try:
            return func(*args, **kwargs)
        finally:
            _state.set_state(*previous)

    return wrapper


def use_np(func: _T) -> _T:
    """MXNet's decorator: ``npx.is_np_array()`` is True while the function (or any method of
    the class) runs, and restored afterwards."""
    if inspect.isclass(func):
        for name, attr in list(vars(func).items()):
            if inspect.isfunction(attr):
                setattr(func, name, _with_np(attr))
        return func
    if not callable(func):
        raise TypeError(f"use_np decorates a function or class, got {type(func).__name__}")
    return _with_np(func)
