"""Contributed layers (``gluonlite.gluon.contrib.nn``, as ``mxnet.gluon.contrib.nn``)."""

from . import basic_layers, sync_batch_norm
from .basic_layers import Concurrent, HybridConcurrent, Identity
from .sync_batch_norm import SyncBatchNorm

__all__ = ["Concurrent", "HybridConcurrent", "Identity", "SyncBatchNorm"]
