"""Follow-the-leader optimizers: FTML (Follow the Moving Leader) and FTRL-Proximal.

Both hand the update to MXNet's operators ``nd.ftml_update`` / ``nd.ftrl_update``
(``gluonlite/ndarray/optimizer_ops_composed.py``), whose docstrings give the formulas.
"""

from __future__ import annotations

from typing import Any

from .. import ndarray as nd
from ..ndarray import NDArray
from .optimizer import Optimizer, _zeros_like, register, update_stored_rows

__all__ = ["FTML", "Ftrl"]


@register
class FTML(Optimizer):
    """FTML (Zheng & Kwok, 2017): Adam-like moments with a "moving leader" weight.

    State per weight: ``(d, v, z)``. ``clip_gradient`` clips ``rescale_grad g + wd w``.
    """

    def __init__(
        self, beta1: float = 0.6, beta2: float = 0.999, epsilon: float = 1e-8, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index: Any, weight: NDArray) -> tuple:
        return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))  # d, v, z

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        self._check_arrays(weight, grad)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        options = {
            "beta1": self.beta1,
            "beta2": self.beta2,
            "epsilon": self.epsilon,
            "rescale_grad": self.rescale_grad,
            "t": self._index_update_count[index],
        }
        if self.clip_gradient:
            options["clip_grad"] = self.clip_gradient
        d, v, z = state
        nd.ftml_update(weight, grad, d, v, z, out=weight, lr=lr, wd=wd, **options)


@register
class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013) with L1 strength ``lamda1`` and the per-coordinate
    learning-rate term ``beta``; ``learning_rate`` defaults to 0.1. State: ``(z, n)``.

    Differs from MXNet on purpose: the states take the weight's dtype (MXNet makes them
    float32, which fails for float16 and float64 weights).
    """

    def __init__(
        self, lamda1: float = 0.01, learning_rate: float = 0.1, beta: float = 1, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index: Any, weight: NDArray) -> tuple:
        return (_zeros_like(weight), _zeros_like(weight))  # z, n

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        self._check_arrays(weight, grad)
        self._update_count(index)
        wd, lr = self._get_wd(index), self._get_lr(index)
        options = {"lamda1": self.lamda1, "beta": self.beta, "rescale_grad": self.rescale_grad}
        if self.clip_gradient:
            options["clip_gradient"] = self.clip_gradient

        def step(weight: NDArray, grad: NDArray, state: tuple, _: Any) -> None:
            z, n = state
            nd.ftrl_update(weight, grad, z, n, out=weight, lr=lr, wd=wd, **options)

        if grad.stype == "row_sparse":  # MXNet's sparse ftrl_update: the stored rows only
            update_stored_rows(step, weight, grad, state)
        else:
            step(weight, grad, state, None)
