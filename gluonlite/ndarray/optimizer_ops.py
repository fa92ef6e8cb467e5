"""MXNet's optimizer update operators: ``nd.sgd_update``, ``nd.adam_update``, ``nd.ftml_update``...

Each takes the weight, the gradient and the optimizer's state arrays, updates the states in
place and returns the new weight: in ``out`` when given (``out=weight`` updates it in place,
as MXNet's optimizers call them), else in a new array. Hyper-parameters are keyword
arguments with MXNet's names and defaults; a required one that is missing raises MXNetError
as in MXNet.

The SGD, NAG, Adam, RMSProp and sign updates run the fused C++ kernels that
``gluonlite.optimizer`` uses; FTML, FTRL and the two LAMB phases have no kernel of their own
and are composed from NDArray operations, following MXNet's kernels' formulas term by term
(so float32 results agree to rounding, not bit for bit). Hyper-parameters are rounded to
float32 first, as MXNet's operator parameters are. Gradients are dense in gluonlite, so
``lazy_update`` (which only matters for row_sparse gradients) has no effect.
"""

from __future__ import annotations

from typing import Optional

from .. import _core
from .ndarray import NDArray
from .optimizer_args import REQUIRED, array_arg, clip_bound, exporter, param, target_of
from .optimizer_ops_composed import *  # noqa: F401,F403
from .optimizer_ops_composed import __all__ as _composed_names

__all__ = list(_composed_names)
_export = exporter(__all__)

# ---- fused kernels ------------------------------------------------------------------------


@_export
def sgd_update(
    weight: NDArray,
    grad: NDArray,
    lr=REQUIRED,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    lazy_update=True,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """``w = (1 - lr wd) w - lr clip(rescale_grad g)``."""
    op = "sgd_update"
    args = (param(op, "lr", lr), param(op, "wd", wd), param(op, "rescale_grad", rescale_grad))
    target = target_of(op, weight, out)
    _core.sgd_update(target, grad, None, *args, clip_bound(op, clip_gradient))
    return target


@_export
def mp_sgd_update(
    weight: NDArray,
    grad: NDArray,
    weight32: NDArray,
    lr=REQUIRED,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    lazy_update=True,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """sgd_update on the float32 master copy ``weight32`` of a float16 weight."""
    op = "mp_sgd_update"
    args = (param(op, "lr", lr), param(op, "wd", wd), param(op, "rescale_grad", rescale_grad))
    target = target_of(op, weight, out)
    _core.sgd_update(
        target, grad, array_arg(op, "weight32", weight32), *args, clip_bound(op, clip_gradient)
    )
    return target


def _momentum_update(
    op, core_fn, weight, grad, mom, weight32, lr, momentum, wd, rescale_grad, clip_gradient, out
) -> NDArray:
    args = (
        param(op, "lr", lr),
        param(op, "momentum", momentum),
        param(op, "wd", wd),
        param(op, "rescale_grad", rescale_grad),
        clip_bound(op, clip_gradient),
    )
    target = target_of(op, weight, out)
    core_fn(target, grad, array_arg(op, "mom", mom), weight32, *args)
    return target


@_export
def sgd_mom_update(
    weight: NDArray,
    grad: NDArray,
    mom: NDArray,
    lr=REQUIRED,
    momentum=0.0,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    lazy_update=True,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """``mom = momentum mom - lr wd w - lr clip(rescale_grad g); w += mom``."""
    return _momentum_update(
        "sgd_mom_update",
        _core.sgd_mom_update,
        weight,
        grad,
        mom,
        None,
        lr,
        momentum,
        wd,
        rescale_grad,
        clip_gradient,
        out,
    )


@_export
def mp_sgd_mom_update(
    weight: NDArray,
    grad: NDArray,
    mom: NDArray,
    weight32: NDArray,
    lr=REQUIRED,
    momentum=0.0,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    lazy_update=True,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """sgd_mom_update on the float32 master copy ``weight32`` (``mom`` is float32)."""
    op = "mp_sgd_mom_update"
    return _momentum_update(
        op,
        _core.sgd_mom_update,
        weight,
        grad,
        mom,
        array_arg(op, "weight32", weight32),
        lr,
        momentum,
        wd,
        rescale_grad,
        clip_gradient,
        out,
    )


@_export
def nag_mom_update(
    weight: NDArray,
    grad: NDArray,
    mom: NDArray,
    lr=REQUIRED,
    momentum=0.0,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """Nesterov momentum: ``g' = clip(rescale_grad g) + wd w; mom = momentum mom - lr g';
    w += momentum mom - lr g'``."""
    return _momentum_update(
        "nag_mom_update",
        _core.nag_mom_update,
        weight,
        grad,
        mom,
        None,
        lr,
        momentum,
        wd,
        rescale_grad,
        clip_gradient,
        out,
    )


@_export
def mp_nag_mom_update(
    weight: NDArray,
    grad: NDArray,
    mom: NDArray,
    weight32: NDArray,
    lr=REQUIRED,
    momentum=0.0,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """nag_mom_update on the float32 master copy ``weight32``."""
    op = "mp_nag_mom_update"
    return _momentum_update(
        op,
        _core.nag_mom_update,
        weight,
        grad,
        mom,
        array_arg(op, "weight32", weight32),
        lr,
        momentum,
        wd,
        rescale_grad,
        clip_gradient,
        out,
    )


@_export
def adam_update(
    weight: NDArray,
    grad: NDArray,
    mean: NDArray,
    var: NDArray,
    lr=REQUIRED,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-8,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    lazy_update=True,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """``g' = clip(rescale_grad g + wd w); mean = beta1 mean + (1-beta1) g';
    var = beta2 var + (1-beta2) g'^2; w -= lr mean / (sqrt(var) + epsilon)``."""
    op = "adam_update"
    args = [
        param(op, k, v)
        for k, v in (
            ("lr", lr),
            ("beta1", beta1),
            ("beta2", beta2),
            ("epsilon", epsilon),
            ("wd", wd),
            ("rescale_grad", rescale_grad),
        )
    ]
    target = target_of(op, weight, out)
    _core.adam_update(
        target,
        grad,
        array_arg(op, "mean", mean),
        array_arg(op, "var", var),
        None,
        # the scalars as one starred tuple: mypy takes a bare *args to fill every parameter left
        *(*args, clip_bound(op, clip_gradient)),
    )
    return target


@_export
def rmsprop_update(
    weight: NDArray,
    grad: NDArray,
    n: NDArray,
    lr=REQUIRED,
    gamma1=0.95,
    epsilon=1e-8,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    clip_weights=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """``g' = clip(rescale_grad g + wd w); n = (1-gamma1) g'^2 + gamma1 n;
    w -= lr g' / sqrt(n + epsilon)`` (then clipped to ``clip_weights`` when >= 0)."""
    op = "rmsprop_update"
    args = [
        param(op, k, v)
        for k, v in (
            ("lr", lr),
            ("gamma1", gamma1),
            ("epsilon", epsilon),
            ("wd", wd),
            ("rescale_grad", rescale_grad),
        )
    ]
    target = target_of(op, weight, out)
    _core.rmsprop_update(
        target,
        grad,
        array_arg(op, "n", n),
        None,
        *(*args, clip_bound(op, clip_gradient), param(op, "clip_weights", clip_weights)),
    )
    return target


@_export
def rmspropalex_update(
    weight: NDArray,
    grad: NDArray,
    n: NDArray,
    g: NDArray,
    delta: NDArray,
    lr=REQUIRED,
    gamma1=0.95,
    gamma2=0.9,
    epsilon=1e-8,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    clip_weights=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """Centered RMSProp (Graves): also ``g = (1-gamma1) g' + gamma1 g;
    delta = gamma2 delta - lr g' / sqrt(n - g^2 + epsilon); w += delta``."""
    op = "rmspropalex_update"
    args = [
        param(op, k, v)
        for k, v in (
            ("lr", lr),
            ("gamma1", gamma1),
            ("gamma2", gamma2),
            ("epsilon", epsilon),
            ("wd", wd),
            ("rescale_grad", rescale_grad),
        )
    ]
    target = target_of(op, weight, out)
    _core.rmspropalex_update(
        target,
        grad,
        array_arg(op, "n", n),
        array_arg(op, "g", g),
        array_arg(op, "delta", delta),
        None,
        *(*args, clip_bound(op, clip_gradient), param(op, "clip_weights", clip_weights)),
    )
    return target


@_export
def signsgd_update(
    weight: NDArray,
    grad: NDArray,
    lr=REQUIRED,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """``w = (1 - lr wd) w - lr sign(g)`` (rescale_grad and clip_gradient have no effect)."""
    op = "signsgd_update"
    lr, wd = param(op, "lr", lr), param(op, "wd", wd)
    param(op, "rescale_grad", rescale_grad)
    clip_bound(op, clip_gradient)
    target = target_of(op, weight, out)
    # MXNet's kernel reads the sign of the raw gradient: no rescaling, no clipping
    _core.signsgd_update(target, grad, None, lr, wd, 1.0, -1.0)
    return target


@_export
def signum_update(
    weight: NDArray,
    grad: NDArray,
    mom: NDArray,
    lr=REQUIRED,
    momentum=0.0,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    wd_lh=0.0,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """``mom = momentum mom - (1-momentum)(wd w + clip(rescale_grad g));
    w = (1 - lr wd_lh) w + lr sign(mom)``."""
    op = "signum_update"
    args = [
        param(op, k, v)
        for k, v in (("lr", lr), ("momentum", momentum), ("wd", wd), ("rescale_grad", rescale_grad))
    ]
    target = target_of(op, weight, out)
    _core.signum_update(
        target,
        grad,
        array_arg(op, "mom", mom),
        None,
        *(*args, clip_bound(op, clip_gradient), param(op, "wd_lh", wd_lh)),
    )
    return target
