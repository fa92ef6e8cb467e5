"""Contributed layers (``gluonlite.gluon.contrib.nn``, as ``mxnet.gluon.contrib.nn``)."""
from .basic_layers import Concurrent, HybridConcurrent, Identity
from . import basic_layers

__all__ = ['Concurrent', 'HybridConcurrent', 'Identity']
