"""Adaptive optimizers: Adam, RMSProp (plain and centered), AdaGrad, AdaDelta, Adamax, Nadam.

Adam to AdaDelta make one fused kernel call per parameter, with MXNet 1.9.1's formulas (Adamax
and Nadam are written with NDArray operations, as MXNet's are)::

    Adam:     g' = clip(rescale g + wd w); m = b1 m + (1-b1) g'; v = b2 v + (1-b2) g'^2
              w -= lr_t m / (sqrt(v) + eps),  lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)
    RMSProp:  g' = clip(rescale g + wd w); n = (1-g1) g'^2 + g1 n; w -= lr g' / sqrt(n + eps)
    centered: also g_avg = (1-g1) g' + g1 g_avg;
              delta = g2 delta - lr g' / sqrt(n - g_avg^2 + eps); w += delta
    AdaGrad:  g' = clip(rescale g); h += g'^2; w += (g' / sqrt(h + eps) + wd w) * -lr
    AdaDelta: g' = clip(rescale g); acc_g = rho acc_g + (1-rho) g'^2
              d = sqrt(acc_delta + eps) / sqrt(acc_g + eps) g'
              acc_delta = rho acc_delta + (1-rho) d^2; w -= d + wd w

MXNet 1.9.1 has no AdamW optimizer class (only the ``contrib.adamw_update`` operator, which
``_core.adamw_update`` implements), so none is registered here.
"""

from __future__ import annotations

from typing import Any, Optional

from .. import _core
from .. import ndarray as nd
from ..ndarray import NDArray
from .optimizer import FusedOptimizer, Optimizer, _bias_corrected_lr, _zeros_like, register

__all__ = ["Adam", "RMSProp", "AdaGrad", "AdaDelta", "Adamax", "Nadam"]


@register
class Adam(FusedOptimizer):
    """Adam; the bias correction is folded into the step size, as MXNet does."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        lazy_update: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index: Any, weight: NDArray) -> tuple:
        stype = weight.stype if self.lazy_update else "default"
        return (_zeros_like(weight, stype=stype), _zeros_like(weight, stype=stype))  # mean, var

    def _fused_update(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        lr, wd = self._count_update(index)
        t = self._index_update_count[index]
        lr = _bias_corrected_lr(lr, self.beta1, self.beta2, t)
        mean, var = state
        _core.adam_update(
            weight,
            grad,
            mean,
            var,
            weight32,
            lr,
            self.beta1,
            self.beta2,
            self.epsilon,
            wd,
            self.rescale_grad,
            self._clip(),
        )


@register
class RMSProp(FusedOptimizer):
    """RMSProp: Tieleman & Hinton's, or Graves's centered version (``centered=True``);
    ``clip_weights`` clips the updated weights to [-clip_weights, clip_weights]."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        gamma1: float = 0.9,
        gamma2: float = 0.9,
        epsilon: float = 1e-8,
        centered: bool = False,
        clip_weights: Optional[float] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index: Any, weight: NDArray) -> tuple:
        if self.centered:
            return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))  # n, g, delta
        return (_zeros_like(weight),)  # n

    def _fused_update(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        lr, wd = self._count_update(index)
        clip_weights = float(self.clip_weights) if self.clip_weights else -1.0
        if self.centered:
            n, g, delta = state
            _core.rmspropalex_update(
                weight,
                grad,
                n,
                g,
                delta,
                weight32,
                lr,
                self.gamma1,
                self.gamma2,
                self.epsilon,
                wd,
                self.rescale_grad,
                self._clip(),
                clip_weights,
            )
        else:
            (n,) = state
            _core.rmsprop_update(
                weight,
                grad,
                n,
                weight32,
                lr,
                self.gamma1,
                self.epsilon,
                wd,
                self.rescale_grad,
                self._clip(),
                clip_weights,
            )


def _clip_if_given(clip_gradient: Optional[float]) -> float:
    # AdaGrad and AdaDelta clip whenever clip_gradient is not None (0 clips to zero); a
    # negative bound, garbage in MXNet (its clip gets a_min > a_max), means no clipping.
    return -1.0 if clip_gradient is None else float(clip_gradient)


@register
class AdaGrad(FusedOptimizer):
    """AdaGrad; ``eps`` is added to the accumulated squared gradients under the root."""

    def __init__(self, eps: float = 1e-7, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index: Any, weight: NDArray) -> NDArray:
        return _zeros_like(weight, stype=weight.stype)  # history

    def _updates_lazily(self) -> bool:
        return True  # MXNet's sparse adagrad_update touches the stored rows only

    def _fused_update(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        lr, wd = self._count_update(index)
        _core.adagrad_update(
            weight,
            grad,
            state,
            weight32,
            lr,
            self.float_stable_eps,
            wd,
            self.rescale_grad,
            _clip_if_given(self.clip_gradient),
        )


@register
class AdaDelta(FusedOptimizer):
    """AdaDelta (no learning rate). Differs from MXNet on purpose: MXNet's version also
    multiplies the gradient buffer itself by rescale_grad; gluonlite leaves it unchanged."""

    def __init__(self, rho: float = 0.90, epsilon: float = 1e-5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index: Any, weight: NDArray) -> tuple:
        return (_zeros_like(weight), _zeros_like(weight))  # accumulated g, accumulated delta

    def _fused_update(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        _, wd = self._count_update(index)  # AdaDelta has no learning rate
        acc_g, acc_delta = state
        _core.adadelta_update(
            weight,
            grad,
            acc_g,
            acc_delta,
            weight32,
            self.rho,
            self.epsilon,
            wd,
            self.rescale_grad,
            _clip_if_given(self.clip_gradient),
        )


@register
class Adamax(Optimizer):
    """AdaMax (Kingma & Ba, section 7): Adam with the infinity norm, as MXNet writes it::

    g' = clip(rescale g + wd w); m = beta1 m + (1-beta1) g'; u = max(beta2 u, |g'|)
    w -= lr / (1 - beta1^t) m / u
    """

    def __init__(
        self, learning_rate: float = 0.002, beta1: float = 0.9, beta2: float = 0.999, **kwargs: Any
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index: Any, weight: NDArray) -> tuple:
        return (_zeros_like(weight), _zeros_like(weight))  # mean, infinity norm

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        self._check_arrays(weight, grad)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        lr /= 1.0 - self.beta1**t
        grad = grad * self.rescale_grad + wd * weight
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        m_t, u_t = state
        m_t[:] *= self.beta1
        m_t[:] += (1.0 - self.beta1) * grad
        u_t[:] = nd.maximum(self.beta2 * u_t, nd.abs(grad))
        weight[:] -= lr * m_t / u_t


@register
class Nadam(Optimizer):
    """Nadam (Dozat, 2016): Adam with Nesterov momentum and a warming momentum schedule.

    As in MXNet, the schedule product ``m_schedule`` belongs to the optimizer and advances
    on every update of any weight.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        schedule_decay: float = 0.004,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def create_state(self, index: Any, weight: NDArray) -> tuple:
        return (_zeros_like(weight), _zeros_like(weight))  # mean, variance

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        self._check_arrays(weight, grad)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        grad = grad * self.rescale_grad + wd * weight
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        momentum_t = self.beta1 * (1.0 - 0.5 * (pow(0.96, t * self.schedule_decay)))
        momentum_t_1 = self.beta1 * (1.0 - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
        self.m_schedule = self.m_schedule * momentum_t
        m_schedule_next = self.m_schedule * momentum_t_1
        m_t, v_t = state
        m_t[:] *= self.beta1
        m_t[:] += (1.0 - self.beta1) * grad
        v_t[:] *= self.beta2
        v_t[:] += (1.0 - self.beta2) * grad * grad
        grad_prime = grad / (1.0 - self.m_schedule)
        m_t_prime = m_t / (1.0 - m_schedule_next)
        v_t_prime = v_t / (1.0 - pow(self.beta2, t))
        m_t_bar = (1.0 - momentum_t) * grad_prime + momentum_t_1 * m_t_prime
        weight[:] -= lr * m_t_bar / (nd.sqrt(v_t_prime) + self.epsilon)
