"""Activation layers."""
from __future__ import annotations

from typing import Any

from ..block import HybridBlock

__all__ = ['Activation']


class Activation(HybridBlock):
    """Apply ``act_type`` ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign') elementwise.

    Named after its act_type, as in MXNet: ``Activation('relu')`` is ``relu0``.
    """

    def __init__(self, activation: str, **kwargs: Any) -> None:
        self._act_type = activation  # read by _alias() during Block.__init__
        super().__init__(**kwargs)

    def _alias(self) -> str:
        return self._act_type

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.Activation(x, act_type=self._act_type)

    def __repr__(self) -> str:
        return '{name}({act})'.format(name=self.__class__.__name__, act=self._act_type)
