"""Gradient-descent optimizers: SGD (momentum, multi-precision), NAG, Signum and SGLD.

Each update but SGLD's (NDArray operations plus a noise draw) is one fused kernel call; the
formulas are MXNet 1.9.1's kernels'::

    SGD:      w = (1 - lr wd) w - lr clip(rescale g)
    momentum: mom = momentum mom - lr wd w - lr clip(rescale g);  w += mom
    NAG:      g' = clip(rescale g) + wd w;  mom = momentum mom - lr g';  w += momentum mom - lr g'
    Signum:   mom = momentum mom - (1-momentum)(wd w + clip(rescale g));
              w = (1 - lr wd_lh) w + lr sign(mom)

As in MXNet, the stored momentum is the negated running average of the docstrings'
``state``, and NAG's stored momentum reads the already-updated weight in its wd term.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from .. import _core
from .. import ndarray as nd
from ..ndarray import NDArray
from .optimizer import FusedOptimizer, Optimizer, _zeros_like, register

__all__ = ["SGD", "ccSGD", "NAG", "Signum", "SGLD"]


class _MomentumFamily(FusedOptimizer):
    """Shared by SGD and NAG: a momentum buffer when momentum != 0, and MXNet's
    (momentum, weight32) layout of multi-precision states."""

    _warning_name = "SGD"
    momentum: float  # set by each subclass's __init__

    def create_state(self, index: Any, weight: NDArray) -> Optional[NDArray]:
        if self.momentum == 0.0:
            return None
        return _zeros_like(weight, stype=weight.stype if self._updates_lazily() else "default")

    def _pack_mp_state(self, state: Any, weight32: NDArray) -> tuple:
        return (state, weight32)

    def _unpack_mp_state(self, mp_state: tuple) -> tuple:
        return mp_state[0], mp_state[1]

    def _fp16_warning(self) -> str:
        return (
            "Accumulating with float16 in optimizer can lead to poor accuracy or slow "
            "convergence. Consider using multi_precision=True option of the %s optimizer"
            % self._warning_name
        )


@register
class SGD(_MomentumFamily):
    """Stochastic gradient descent with optional momentum, weight decay and a float32
    master copy for float16 weights (``multi_precision=True``).

    With a row-sparse gradient and ``lazy_update`` (the default), only the gradient's
    stored rows of the weight and the momentum are updated, as in MXNet.
    """

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update

    def _fused_update(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        lr, wd = self._count_update(index)
        if self.momentum > 0 and state is not None:
            _core.sgd_mom_update(
                weight,
                grad,
                state,
                weight32,
                lr,
                self.momentum,
                wd,
                self.rescale_grad,
                self._clip(),
            )
        else:  # MXNet's SGD goes through multi_sgd_update, whose rounding this matches
            _core.multi_sgd_update(weight, grad, weight32, lr, wd, self.rescale_grad, self._clip())


@register
class ccSGD(SGD):  # noqa: N801 (MXNet's name)
    """[DEPRECATED] Same as SGD."""


@register
class NAG(_MomentumFamily):
    """Nesterov accelerated gradient (SGD when momentum is 0)."""

    _warning_name = "NAG"

    def __init__(self, momentum: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum

    def _uses_master(self, weight: NDArray, state: Any) -> bool:
        return super()._uses_master(weight, state) and isinstance(state, (tuple, list))

    def _fused_update(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        lr, wd = self._count_update(index)
        if state is not None:
            _core.nag_mom_update(
                weight,
                grad,
                state,
                weight32,
                lr,
                max(self.momentum, 0.0),
                wd,
                self.rescale_grad,
                self._clip(),
            )
        else:
            _core.sgd_update(weight, grad, weight32, lr, wd, self.rescale_grad, self._clip())


@register
class Signum(FusedOptimizer):
    """signSGD (momentum 0) and Signum: steps of size lr along the sign of the (momentum
    averaged) gradient; ``wd_lh`` is decoupled weight decay."""

    def __init__(
        self, learning_rate: float = 0.01, momentum: float = 0.9, wd_lh: float = 0.0, **kwargs: Any
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index: Any, weight: NDArray) -> Optional[NDArray]:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _fused_update(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        lr, wd = self._count_update(index)
        if state is not None:
            _core.signum_update(
                weight,
                grad,
                state,
                weight32,
                lr,
                max(self.momentum, 0.0),
                wd,
                self.rescale_grad,
                self._clip(),
                self.wd_lh or 0.0,
            )
        else:
            # MXNet's signsgd kernel takes the sign of the raw gradient (a negative
            # rescale_grad or a zero clip bound change nothing)
            _core.signsgd_update(weight, grad, weight32, lr, wd, 1.0, -1.0)


@register
class SGLD(Optimizer):
    """Stochastic Gradient Langevin Dynamics: half an SGD step plus Gaussian noise of
    variance lr, ``w += -lr/2 (clip(rescale g) + wd w) + N(0, lr)``.

    The noise comes from ``nd.random.normal`` (one draw of the weight's shape per update),
    so ``mx.random.seed`` makes runs repeat.
    """

    def create_state(self, index: Any, weight: NDArray) -> None:
        return None

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        self._check_arrays(weight, grad)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        weight[:] += -lr / 2 * (grad + wd * weight)
        weight[:] += nd.random.normal(
            0, math.sqrt(lr), shape=weight.shape, dtype=weight.dtype, ctx=weight.context
        )
