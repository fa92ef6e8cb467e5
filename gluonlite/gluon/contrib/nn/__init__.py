"""Contributed layers (``gluonlite.gluon.contrib.nn``, as ``mxnet.gluon.contrib.nn``)."""

from . import basic_layers
from .basic_layers import Concurrent, HybridConcurrent, Identity

__all__ = ["Concurrent", "HybridConcurrent", "Identity"]
