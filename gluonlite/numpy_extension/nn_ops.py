"""``mx.npx`` neural-network layers: the ``nd`` operators (MXNet's arguments, checks and
gradients) with their results as ``mx.np.ndarray``."""

from __future__ import annotations

import functools
from typing import Callable

from ..ndarray import nn_ops as _nd_nn
from ..numpy.multiarray import _wrap_any

__all__ = ["convolution", "pooling", "batch_norm", "layer_norm", "embedding", "leaky_relu"]


def _np_result(nd_fn: Callable, name: str) -> Callable:
    @functools.wraps(nd_fn)
    def fn(*args, **kwargs):
        return _wrap_any(nd_fn(*args, **kwargs))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"MXNet's ``npx.{name}``: ``nd.{nd_fn.__name__}`` returning ``mx.np.ndarray``."
    return fn


convolution = _np_result(_nd_nn.Convolution, "convolution")
pooling = _np_result(_nd_nn.Pooling, "pooling")
batch_norm = _np_result(_nd_nn.BatchNorm, "batch_norm")
layer_norm = _np_result(_nd_nn.LayerNorm, "layer_norm")
embedding = _np_result(_nd_nn.Embedding, "embedding")
leaky_relu = _np_result(_nd_nn.LeakyReLU, "leaky_relu")
