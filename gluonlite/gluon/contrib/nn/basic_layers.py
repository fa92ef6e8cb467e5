"""Containers that run their children side by side, and the identity layer.

The model zoo builds its multi-branch cells (SqueezeNet's fire module, Inception's
mixed blocks, DenseNet's dense layers) from these, as MXNet's does.
"""

from __future__ import annotations

from typing import Any, Optional

from .... import ndarray as nd
from ...block import HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ["Concurrent", "HybridConcurrent", "Identity"]


class Concurrent(Sequential):
    """Feed the same input to every child and concatenate their outputs along ``axis``."""

    def __init__(self, axis: int = -1, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x: Any) -> Any:
        return nd.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class HybridConcurrent(HybridSequential):
    """The HybridBlock form of :class:`Concurrent`."""

    def __init__(self, axis: int = -1, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class Identity(HybridBlock):
    """Return the input unchanged (a branch of a :class:`HybridConcurrent`)."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return x
