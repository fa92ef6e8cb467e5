"""Devices (MXNet's ``Context``): ``cpu(i)``, ``gpu(i)``, ``current_context()``."""

from __future__ import annotations

import threading
from typing import Optional, Union

from . import _core

__all__ = [
    "Context",
    "cpu",
    "gpu",
    "cpu_pinned",
    "current_context",
    "num_gpus",
    "gpu_memory_info",
    "get_num_threads",
    "set_num_threads",
]

_DEVTYPE_NAMES = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
_DEVTYPE_IDS = {name: code for code, name in _DEVTYPE_NAMES.items()}


class Context:
    """A device: ``Context('cpu', 0)`` or ``Context('gpu', 1)``; usable as ``with ctx:``."""

    _default = threading.local()
    devtype2str = _DEVTYPE_NAMES
    devstr2type = _DEVTYPE_IDS

    device_typeid: int
    device_id: int

    def __init__(self, device_type: Union[str, "Context"], device_id: int = 0) -> None:
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in _DEVTYPE_IDS:
                raise ValueError(f"unknown device type {device_type!r}; expected 'cpu' or 'gpu'")
            self.device_typeid = _DEVTYPE_IDS[device_type]
            self.device_id = int(device_id)
        self._old_ctx = None

    @property
    def device_type(self) -> str:
        return _DEVTYPE_NAMES[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (
            isinstance(other, Context)
            and self.device_typeid == other.device_typeid
            and self.device_id == other.device_id
        )

    def __str__(self):
        return f"{self.device_type}({self.device_id})"

    __repr__ = __str__

    def __enter__(self):
        self._old_ctx = current_context()
        Context._default.value = self
        return self

    def __exit__(self, *exc):
        Context._default.value = self._old_ctx

    def empty_cache(self) -> None:
        """Releases cached device memory back to the system."""
        if self.device_typeid == 2:
            _core.synchronize(self.device_id)

    # Core device code: pinned/shared CPU memory is plain CPU memory here.
    @property
    def _core_type(self) -> int:
        return 2 if self.device_typeid == 2 else 1


def cpu(device_id: int = 0) -> Context:
    """The CPU context."""
    return Context("cpu", device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    """MXNet's pinned-memory CPU context (plain CPU memory in gluonlite)."""
    return Context("cpu_pinned", device_id)


def gpu(device_id: int = 0) -> Context:
    """The GPU context; creating it never fails, using it without a GPU raises MXNetError."""
    return Context("gpu", device_id)


def current_context() -> Context:
    """The default context (``cpu(0)`` unless inside ``with ctx:``)."""
    ctx = getattr(Context._default, "value", None)
    return ctx if ctx is not None else Context("cpu", 0)


def num_gpus() -> int:
    """Number of usable CUDA GPUs (0 in a CPU-only build or without a driver)."""
    return _core.num_gpus()


def get_num_threads() -> int:
    """Threads the CPU kernels use, OpenBLAS's GEMMs included.

    The default is ``OMP_NUM_THREADS`` if set, else ``MXNET_CPU_WORKER_NTHREADS``, else the
    number of CPUs this process may run on. gluonlite has one thread pool for its own loops
    and OpenBLAS; it changes no environment variable and no other library's threads.
    """
    return _core.get_num_threads()


def set_num_threads(num_threads: int) -> None:
    """Sets the number of threads the CPU kernels use, for the whole process."""
    _core.set_num_threads(num_threads)


def gpu_memory_info(device_id: int = 0):
    """Not tracked per device yet; raises MXNetError like MXNet does without a GPU."""
    from .base import MXNetError

    raise MXNetError(f"gpu_memory_info: gpu({device_id}) is not available")


def _as_context(ctx: Optional[Context]) -> Context:
    if ctx is None:
        return current_context()
    if isinstance(ctx, Context):
        return ctx
    raise TypeError(
        f"ctx must be a Context such as mx.cpu() or mx.gpu(0), got {type(ctx).__name__}"
    )
