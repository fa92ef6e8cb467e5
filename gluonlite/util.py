"""Utilities (MXNet's ``mxnet.util``)."""

from __future__ import annotations

from . import _core

__all__ = ["get_gpu_count", "get_gpu_memory"]


def get_gpu_count() -> int:
    """Number of usable CUDA GPUs."""
    return _core.num_gpus()


def get_gpu_memory(gpu_dev_id: int):
    """Not tracked per device; raises MXNetError like MXNet without that GPU."""
    from .base import MXNetError

    raise MXNetError(f"get_gpu_memory: gpu({gpu_dev_id}) is not available")
