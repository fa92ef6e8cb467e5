"""Utilities (MXNet's ``mxnet.util``)."""

from __future__ import annotations

import os
from typing import Optional, TypeVar

from . import _core

__all__ = ["get_gpu_count", "get_gpu_memory", "getenv", "setenv", "is_np_array", "use_np"]

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
    """MXNet's decorator that runs a function or class under NumPy semantics.

    gluonlite has no NumPy-array mode, so the function or class is returned unchanged and
    ``is_np_array()`` stays False inside it.
    """
    if not callable(func):
        raise TypeError(f"use_np decorates a function or class, got {type(func).__name__}")
    return func
