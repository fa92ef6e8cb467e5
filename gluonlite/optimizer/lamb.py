"""LAMB (You et al., 2019): Adam's direction scaled per layer by the trust ratio |w| / |g|.

Each update runs ``nd.lamb_update_phase1`` (moments and direction ``g``), takes the norms of
the weight and of ``g``, and applies ``nd.lamb_update_phase2``, as MXNet's LAMB does.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import ndarray as nd
from ..ndarray import NDArray
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["LAMB"]


@register
class LAMB(Optimizer):
    """LAMB; ``lower_bound`` / ``upper_bound`` clamp the weight norm of the trust ratio.

    ``update`` and ``update_multi_precision`` also take lists of indices, weights, gradients
    and states (MXNet's multi-tensor form), updated one tensor at a time.

    Differs from MXNet on purpose: with ``multi_precision``, the float32 master copy is
    updated too (MXNet's single-tensor path leaves it at its first value, so every step
    restarts from the initial weights).
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-6,
        lower_bound: Optional[float] = None,
        upper_bound: Optional[float] = None,
        bias_correction: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction

    def create_state(self, index: Any, weight: NDArray) -> tuple:
        return (_zeros_like(weight), _zeros_like(weight))  # mean, var

    def _bounds(self) -> dict:
        bounds = {}
        if self.lower_bound:
            bounds["lower_bound"] = self.lower_bound
        if self.upper_bound:
            bounds["upper_bound"] = self.upper_bound
        return bounds

    def _update_one(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, multi_precision: bool
    ) -> None:
        self._check_arrays(weight, grad)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        options = {
            "beta1": self.beta1,
            "beta2": self.beta2,
            "epsilon": self.epsilon,
            "bias_correction": self.bias_correction,
            "rescale_grad": self.rescale_grad,
            "t": self._index_update_count[index],
        }
        if self.clip_gradient:
            options["clip_gradient"] = self.clip_gradient
        if multi_precision:
            weight32, (mean, var) = state
            g = nd.mp_lamb_update_phase1(weight, grad, mean, var, weight32, wd=wd, **options)
            r1, r2 = weight32.norm(), g.norm()
            nd.lamb_update_phase2(weight32, g, r1, r2, lr=lr, out=weight32, **self._bounds())
            weight[:] = weight32  # rounded to float16
        else:
            mean, var = state
            g = nd.lamb_update_phase1(weight, grad, mean, var, wd=wd, **options)
            r1, r2 = weight.norm(), g.norm()
            nd.lamb_update_phase2(weight, g, r1, r2, lr=lr, out=weight, **self._bounds())

    def _update(self, index: Any, weight: Any, grad: Any, state: Any, mixed: bool) -> None:
        if not isinstance(index, (tuple, list)):
            index, weight, grad, state = [index], [weight], [grad], [state]
        for i, w, g, s in zip(index, weight, grad, state):
            self._update_one(i, w, g, s, mixed and w.dtype == np.float16)

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """Update one weight, or each of lists of them."""
        self._update(index, weight, grad, state, False)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """``update``, through the float32 master copy of float16 weights under
        ``multi_precision``."""
        self._update(index, weight, grad, state, self.multi_precision)
