"""The optimizer update operators without a fused kernel: FTML, FTRL and LAMB's two phases.

Composed from NDArray operations, term by term as MXNet's kernels compute them; exported
through ``optimizer_ops`` (see its docstring for the conventions).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..base import MXNetError
from .ndarray import NDArray
from .ops import maximum, minimum, where
from .optimizer_args import (
    REQUIRED,
    array_arg,
    clip_bound,
    exporter,
    operand,
    param,
    result_into,
    scaled_grad,
    write_into,
)

__all__: list = []


def _arithmetic(array: NDArray) -> type:
    """The scalar type MXNet's kernel computes in for ``array`` (float16 math runs in float32)."""
    return np.float64 if np.dtype(array.dtype) == np.float64 else np.float32


_export = exporter(__all__)

# ---- composed from NDArray operations -------------------------------------------------------


@_export
def ftml_update(
    weight: NDArray,
    grad: NDArray,
    d: NDArray,
    v: NDArray,
    z: NDArray,
    lr=REQUIRED,
    beta1=0.6,
    beta2=0.999,
    epsilon=1e-8,
    t=REQUIRED,
    wd=0.0,
    rescale_grad=1.0,
    clip_grad=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """FTML (Follow the Moving Leader), MXNet's kernel::

    g' = clip(rescale_grad g + wd w, clip_grad)
    v = beta2 v + (1 - beta2) g'^2
    d_t = (1 - beta1^t) / lr (sqrt(v / (1 - beta2^t)) + epsilon)
    z = beta1 z + (1 - beta1) g' - (d_t - beta1 d) w;  d = d_t;  w = -z / d_t
    """
    op = "ftml_update"
    lr, beta1, beta2, wd = (
        param(op, k, x) for k, x in (("lr", lr), ("beta1", beta1), ("beta2", beta2), ("wd", wd))
    )
    rescale, clip = param(op, "rescale_grad", rescale_grad), param(op, "clip_grad", clip_grad)
    epsilon, t = param(op, "epsilon", epsilon), param(op, "t", t, "int")
    array_arg(op, "weight", weight)
    for name_, arr in (("grad", grad), ("d", d), ("v", v), ("z", z)):
        operand(op, name_, arr, weight)
    scaled = grad * rescale + weight * wd
    if clip >= 0:
        scaled = scaled.clip(-clip, clip)
    new_v = v * beta2 + scaled.square() * (1.0 - beta2)
    kind = _arithmetic(weight)  # the bias terms in the kernel's arithmetic
    d_scale = float((kind(1) - kind(beta1) ** kind(t)) / kind(lr))
    d_t = ((new_v / float(kind(1) - kind(beta2) ** kind(t))).sqrt() + epsilon) * d_scale
    new_z = z * beta1 + scaled * (1.0 - beta1) - (d_t - d * beta1) * weight
    write_into(v, new_v)
    write_into(z, new_z)
    write_into(d, d_t)
    return result_into(op, -new_z / d_t, weight, out)


@_export
def ftrl_update(
    weight: NDArray,
    grad: NDArray,
    z: NDArray,
    n: NDArray,
    lr=REQUIRED,
    lamda1=0.01,
    beta=1.0,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """FTRL-Proximal, MXNet's kernel::

    g' = clip(rescale_grad g, clip_gradient)
    z += g' - (sqrt(n + g'^2) - sqrt(n)) w / lr;  n += g'^2
    w = (sign(z) lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1)
    """
    op = "ftrl_update"
    lr, lamda1, beta, wd = (
        param(op, k, x) for k, x in (("lr", lr), ("lamda1", lamda1), ("beta", beta), ("wd", wd))
    )
    array_arg(op, "weight", weight)
    for name_, arr in (("grad", grad), ("z", z), ("n", n)):
        operand(op, name_, arr, weight)
    scaled = scaled_grad(
        grad, param(op, "rescale_grad", rescale_grad), clip_bound(op, clip_gradient)
    )
    squared = scaled.square()
    new_z = z + (scaled - ((n + squared).sqrt() - n.sqrt()) * weight / lr)
    new_n = n + squared
    write_into(z, new_z)
    write_into(n, new_n)
    shrunk = (new_z.sign() * lamda1 - new_z) / ((new_n.sqrt() + beta) / lr + wd)
    return result_into(op, shrunk * (new_z.abs() > lamda1), weight, out)


def _lamb_phase1(
    op,
    weight,
    grad,
    mean,
    var,
    master,
    beta1,
    beta2,
    epsilon,
    t,
    bias_correction,
    wd,
    rescale_grad,
    clip_gradient,
    out,
) -> NDArray:
    beta1, beta2, epsilon, wd = (
        param(op, k, x)
        for k, x in (("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon), ("wd", wd))
    )
    t = param(op, "t", t, "int")
    if t is not None and t < 1 and bias_correction:
        raise MXNetError("%s: t (the update count) must be >= 1, got %d" % (op, t))
    array_arg(op, "weight", weight)
    state_dtype = np.float32 if master is not None else None
    operand(op, "grad", grad, weight)
    operand(op, "mean", mean, weight, state_dtype)
    operand(op, "var", var, weight, state_dtype)
    if master is not None:
        if np.dtype(weight.dtype) != np.float16:
            raise MXNetError(
                "%s: multi-precision updates need a float16 weight, got %s"
                % (op, np.dtype(weight.dtype).name)
            )
        operand(op, "weight32", master, weight, np.float32)
        grad = grad.astype(np.float32)
    scaled = scaled_grad(
        grad, param(op, "rescale_grad", rescale_grad), clip_bound(op, clip_gradient)
    )
    new_mean = mean * beta1 + scaled * (1.0 - beta1)
    new_var = var * beta2 + scaled * scaled * (1.0 - beta2)
    write_into(mean, new_mean)
    write_into(var, new_var)
    if bias_correction:
        # MXNet's kernel: beta^t in double, rounded to the array's type
        kind = _arithmetic(weight if master is None else master)
        new_mean = new_mean / (1.0 - float(kind(beta1**t)))
        new_var = new_var / float(kind(1) - kind(beta2**t))
    g = new_mean / (new_var.sqrt() + epsilon) + (master if master is not None else weight) * wd
    return g if out is None else write_into(array_arg(op, "out", out), g)


@_export
def lamb_update_phase1(
    weight: NDArray,
    grad: NDArray,
    mean: NDArray,
    var: NDArray,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-6,
    t=REQUIRED,
    bias_correction=True,
    wd=REQUIRED,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """LAMB's first phase: updates mean and var, returns the Adam direction plus ``wd w``::

    g' = clip(rescale_grad g); mean = beta1 mean + (1-beta1) g'
    var = beta2 var + (1-beta2) g'^2
    g = mean_hat / (sqrt(var_hat) + epsilon) + wd w   (hats: bias-corrected when asked)
    """
    return _lamb_phase1(
        "lamb_update_phase1",
        weight,
        grad,
        mean,
        var,
        None,
        beta1,
        beta2,
        epsilon,
        t,
        bias_correction,
        wd,
        rescale_grad,
        clip_gradient,
        out,
    )


@_export
def mp_lamb_update_phase1(
    weight: NDArray,
    grad: NDArray,
    mean: NDArray,
    var: NDArray,
    weight32: NDArray,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-6,
    t=REQUIRED,
    bias_correction=True,
    wd=REQUIRED,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """lamb_update_phase1 for a float16 weight: float32 states, ``wd`` on ``weight32``,
    a float32 result."""
    return _lamb_phase1(
        "mp_lamb_update_phase1",
        weight,
        grad,
        mean,
        var,
        array_arg("mp_lamb_update_phase1", "weight32", weight32),
        beta1,
        beta2,
        epsilon,
        t,
        bias_correction,
        wd,
        rescale_grad,
        clip_gradient,
        out,
    )


def _lamb_phase2(op, weight, g, r1, r2, master, lr, lower_bound, upper_bound, out) -> NDArray:
    lr = param(op, "lr", lr)
    lower_bound = param(op, "lower_bound", lower_bound)
    upper_bound = param(op, "upper_bound", upper_bound)
    array_arg(op, "weight", weight)
    base = weight
    if master is not None:
        base = operand(op, "weight32", master, weight, np.float32)
    operand(op, "g", g, weight, base.dtype)
    for name_, norm in (("r1", r1), ("r2", r2)):
        array_arg(op, name_, norm)
        if norm.size != 1:
            raise MXNetError(
                "%s: %s must hold one value (a norm), got shape %s" % (op, name_, norm.shape)
            )
    r1 = r1.reshape((1,))
    r2 = r2.reshape((1,))
    if lower_bound >= 0:
        r1 = maximum(r1, lower_bound)
    if upper_bound >= 0:
        r1 = minimum(r1, upper_bound)
    # lr scaled by the trust ratio r1 / r2, unless either norm is zero
    keep = ((r1 == 0) + (r2 == 0)) > 0
    step = where(keep, r1 * 0 + lr, (r1 * lr) / r2)
    new_weight = base - g * step.astype(base.dtype)
    if out is None:
        return new_weight.astype(weight.dtype) if master is not None else new_weight
    return write_into(array_arg(op, "out", out), new_weight)


@_export
def lamb_update_phase2(
    weight: NDArray,
    g: NDArray,
    r1: NDArray,
    r2: NDArray,
    lr=REQUIRED,
    lower_bound=-1.0,
    upper_bound=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """LAMB's second phase: ``w - lr (r1 / r2) g`` with ``r1 = |w|`` clamped to
    [lower_bound, upper_bound] where those are >= 0, and the ratio 1 when a norm is 0."""
    return _lamb_phase2(
        "lamb_update_phase2", weight, g, r1, r2, None, lr, lower_bound, upper_bound, out
    )


@_export
def mp_lamb_update_phase2(
    weight: NDArray,
    g: NDArray,
    r1: NDArray,
    r2: NDArray,
    weight32: NDArray,
    lr=REQUIRED,
    lower_bound=-1.0,
    upper_bound=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """lamb_update_phase2 from the float32 master copy: the result (``weight32 - lr r g``
    rounded to float16) goes to ``out``; ``weight32`` itself is not changed, as in MXNet."""
    op = "mp_lamb_update_phase2"
    return _lamb_phase2(
        op,
        weight,
        g,
        r1,
        r2,
        array_arg(op, "weight32", weight32),
        lr,
        lower_bound,
        upper_bound,
        out,
    )
