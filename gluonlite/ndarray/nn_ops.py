"""Layer operators of ``gluonlite.nd`` with MXNet 1.x names and keyword arguments:
``Convolution``, ``Deconvolution``, ``Pooling``, ``BatchNorm``, ``LayerNorm``,
``InstanceNorm``, ``Embedding``, ``LeakyReLU``.

Each is one call into the C++ core (csrc/ops/: convolution, pooling, batch_norm, norm,
embedding, leaky_relu). Channel-last layouts (NWC, NHWC, NDHWC) are served by transposing
to channel-first around the op. Where gluonlite deliberately differs from MXNet 1.9.1 it is
said in the function's docstring.
"""

from __future__ import annotations

import numbers
from typing import Optional, Tuple

from .. import _core
from ..base import MXNetError
from .arguments import checked_api
from .ndarray import NDArray
from .ops import _write_out

__all__ = [
    "Convolution",
    "Deconvolution",
    "Pooling",
    "BatchNorm",
    "LayerNorm",
    "InstanceNorm",
    "Embedding",
    "LeakyReLU",
]

_CHANNEL_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_CHANNEL_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}
_LEAKY_ACTS = {"leaky": 0, "prelu": 1, "elu": 2, "selu": 3, "gelu": 4}


def _tuple(value, name: str, op: str) -> Tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, numbers.Integral):
        return (int(value),)
    try:
        return tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise MXNetError("%s: %s must be a tuple of ints, got %r" % (op, name, value)) from None


def _channel_last(layout: Optional[str], nsp: int, op: str) -> bool:
    """Whether ``layout`` is channel-last; raises MXNetError for an invalid layout."""
    if layout is None or layout == _CHANNEL_FIRST.get(nsp):
        return False
    if layout == _CHANNEL_LAST.get(nsp):
        return True
    expected = " or ".join(
        "'%s'" % name for name in (_CHANNEL_FIRST.get(nsp), _CHANNEL_LAST.get(nsp)) if name
    )
    raise MXNetError(
        "%s: layout %r does not fit a %d-D kernel; expected %s"
        % (op, layout, nsp, expected or "a 1-D to 3-D kernel")
    )


def _to_channel_first(x: NDArray) -> NDArray:
    return _core.transpose(x, (0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))


def _to_channel_last(x: NDArray) -> NDArray:
    return _core.transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))


def Convolution(
    data: NDArray,
    weight: NDArray = None,  # type: ignore[assignment]  # MXNet's default; required
    bias: Optional[NDArray] = None,
    kernel=None,
    stride=None,
    dilate=None,
    pad=None,
    num_filter: Optional[int] = None,
    num_group: int = 1,
    workspace: int = 1024,
    no_bias: bool = False,
    cudnn_tune=None,
    cudnn_off: bool = False,
    layout: Optional[str] = None,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """N-D convolution (1-D to 3-D) with stride, padding, dilation and groups.

    weight is (num_filter, C / num_group, *kernel) for channel-first layouts and
    (num_filter, *kernel, C / num_group) for channel-last ones, as in MXNet.
    """
    kernel = _tuple(kernel, "kernel", "Convolution")
    if not kernel:
        raise MXNetError("Convolution: kernel is required")
    if num_filter is None:
        num_filter = weight.shape[0]
    if not no_bias and bias is None:
        raise MXNetError("Convolution: bias is required unless no_bias=True")
    last = _channel_last(layout, len(kernel), "Convolution")
    if last:
        data, weight = _to_channel_first(data), _to_channel_first(weight)
    y = _core.convolution(
        data,
        weight,
        None if no_bias else bias,
        kernel,
        _tuple(stride, "stride", "Convolution"),
        _tuple(dilate, "dilate", "Convolution"),
        _tuple(pad, "pad", "Convolution"),
        int(num_filter),
        int(num_group),
    )
    return _write_out(_to_channel_last(y) if last else y, out)


def _target_pad_adj(data_shape, kernel, stride, dilate, target_shape):
    """MXNet's pad/adj for a Deconvolution asked to produce ``target_shape``."""
    pad, adj = [], []
    for i, target in enumerate(target_shape):
        s = stride[i] if stride else 1
        d = dilate[i] if dilate else 1
        full = s * (data_shape[2 + i] - 1) + d * (kernel[i] - 1) + 1
        total = full - target
        if total < 0:
            raise MXNetError(
                "Deconvolution: target_shape %s is too big: the largest output "
                "along spatial axis %d is %d" % (tuple(target_shape), i, full)
            )
        pad.append((total + 1) // 2)
        adj.append(total % 2)
    return tuple(pad), tuple(adj)


def Deconvolution(
    data: NDArray,
    weight: NDArray = None,  # type: ignore[assignment]  # MXNet's default; required
    bias: Optional[NDArray] = None,
    kernel=None,
    stride=None,
    dilate=None,
    pad=None,
    adj=None,
    target_shape=None,
    num_filter: Optional[int] = None,
    num_group: int = 1,
    workspace: int = 512,
    no_bias: bool = True,
    cudnn_tune=None,
    cudnn_off: bool = False,
    layout: Optional[str] = None,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """Transposed convolution (the gradient of Convolution with respect to its input).

    weight is (C, num_filter / num_group, *kernel). ``adj`` adds rows/columns at the high
    end; ``target_shape`` picks pad and adj to reach that spatial shape, as in MXNet.
    """
    kernel = _tuple(kernel, "kernel", "Deconvolution")
    if not kernel:
        raise MXNetError("Deconvolution: kernel is required")
    if num_filter is None:
        num_filter = weight.shape[1] * num_group
    if not no_bias and bias is None:
        raise MXNetError("Deconvolution: bias is required unless no_bias=True")
    stride = _tuple(stride, "stride", "Deconvolution")
    dilate = _tuple(dilate, "dilate", "Deconvolution")
    pad = _tuple(pad, "pad", "Deconvolution")
    adj = _tuple(adj, "adj", "Deconvolution")
    last = _channel_last(layout, len(kernel), "Deconvolution")
    if last:
        data, weight = _to_channel_first(data), _to_channel_first(weight)
    target_shape = _tuple(target_shape, "target_shape", "Deconvolution")
    if target_shape and any(target_shape):
        pad, adj = _target_pad_adj(data.shape, kernel, stride, dilate, target_shape)
    y = _core.deconvolution(
        data,
        weight,
        None if no_bias else bias,
        kernel,
        stride,
        dilate,
        pad,
        adj,
        int(num_filter),
        int(num_group),
    )
    return _write_out(_to_channel_last(y) if last else y, out)


# Pooling's pool_type and pooling_convention -> the kernel's codes
POOL_TYPES = {"max": 0, "avg": 1, "sum": 2}
POOL_CONVENTIONS = {"valid": 0, "full": 1}


def Pooling(
    data: NDArray = None,  # type: ignore[assignment]  # MXNet's default; required
    kernel=(),
    pool_type: str = "max",
    global_pool: bool = False,
    cudnn_off: bool = False,
    pooling_convention: str = "valid",
    stride=(),
    pad=(),
    p_value=None,
    count_include_pad=None,
    layout: Optional[str] = None,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """Max, average or sum pooling over 1 to 3 spatial axes.

    ``pooling_convention='full'`` ceils the output size (Gluon's ceil_mode=True).
    Differences from MXNet: 'lp' pooling and the 'same' convention are not supported.
    """
    if pool_type not in POOL_TYPES:
        raise MXNetError(
            "Pooling: pool_type %r is not supported; expected 'max', 'avg' or 'sum'" % (pool_type,)
        )
    if pooling_convention not in POOL_CONVENTIONS:
        raise MXNetError(
            "Pooling: pooling_convention %r is not supported; expected 'valid' "
            "or 'full'" % (pooling_convention,)
        )
    kernel = _tuple(kernel, "kernel", "Pooling")
    if not kernel and not global_pool:
        raise MXNetError("Pooling: kernel is required unless global_pool=True")
    nsp = len(kernel) if not global_pool else data.ndim - 2
    last = _channel_last(layout, nsp, "Pooling")
    if last:
        data = _to_channel_first(data)
    y = _core.pooling(
        data,
        kernel,
        _tuple(stride, "stride", "Pooling"),
        _tuple(pad, "pad", "Pooling"),
        POOL_TYPES[pool_type],
        POOL_CONVENTIONS[pooling_convention],
        bool(global_pool),
        True if count_include_pad is None else bool(count_include_pad),
    )
    return _write_out(_to_channel_last(y) if last else y, out)


def BatchNorm(
    data: NDArray,
    gamma: NDArray,
    beta: NDArray,
    moving_mean: NDArray,
    moving_var: NDArray,
    eps: float = 0.001,
    momentum: float = 0.9,
    fix_gamma: bool = True,
    use_global_stats: bool = False,
    output_mean_var: bool = False,
    axis: int = 1,
    cudnn_off: bool = False,
    min_calib_range=None,
    max_calib_range=None,
    out: Optional[NDArray] = None,
    name=None,
):
    """Batch normalization over all axes but ``axis``.

    In training mode the batch statistics normalize the data; while autograd records,
    moving_mean / moving_var are updated in place: ``moving = moving * momentum + batch *
    (1 - momentum)`` (biased batch variance). With ``output_mean_var`` the mean and
    1/sqrt(var + eps) used are returned too, as MXNet 1.9.1 does.

    Differences from MXNet 1.9.1: the moving statistics are updated during the forward
    pass (MXNet's CPU kernel defers it to the backward pass, so a recorded forward without
    backward leaves them unchanged there); ``fix_gamma=True`` uses gamma = 1 without
    overwriting the gamma array.
    """
    y, mean, var = _core.batch_norm(
        data,
        gamma,
        beta,
        moving_mean,
        moving_var,
        float(eps),
        float(momentum),
        bool(fix_gamma),
        bool(use_global_stats),
        int(axis),
    )
    y = _write_out(y, out)
    if not output_mean_var:
        return y
    return [y, mean, _core.rsqrt(_core.add(var, float(eps)))]


def LayerNorm(
    data: NDArray,
    gamma: NDArray,
    beta: NDArray,
    axis: int = -1,
    eps: float = 1e-5,
    output_mean_var: bool = False,
    out: Optional[NDArray] = None,
    name=None,
):
    """Layer normalization along ``axis``; gamma and beta have shape (data.shape[axis],).

    With ``output_mean_var`` also returns the mean and std (keepdims), as MXNet does.
    """
    y = _write_out(_core.layer_norm(data, gamma, beta, int(axis), float(eps)), out)
    if not output_mean_var:
        return y
    mean = _core.reduce(1, data, int(axis), True, False)
    var = _core.reduce(1, _core.square(_core.subtract(data, mean)), int(axis), True, False)
    return [y, mean, _core.sqrt(_core.add(var, float(eps)))]


def InstanceNorm(
    data: NDArray,
    gamma: NDArray,
    beta: NDArray,
    eps: float = 0.001,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """Normalizes each (sample, channel) over the spatial axes; gamma, beta are (C,)."""
    return _write_out(_core.instance_norm(data, gamma, beta, float(eps)), out)


def Embedding(
    data: NDArray,
    weight: NDArray,
    input_dim: Optional[int] = None,
    output_dim: Optional[int] = None,
    dtype="float32",
    sparse_grad: bool = False,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """Rows of ``weight`` (input_dim, output_dim) picked by the indices in ``data``.

    Out-of-range indices are clipped, as in MXNet. Difference: ``sparse_grad=True`` still
    produces a dense gradient (gluonlite has no row_sparse storage).
    """
    if input_dim is None or output_dim is None:
        input_dim, output_dim = weight.shape
    return _write_out(_core.embedding(data, weight, int(input_dim), int(output_dim)), out)


def LeakyReLU(
    data: NDArray,
    gamma: Optional[NDArray] = None,
    act_type: str = "leaky",
    slope: float = 0.25,
    lower_bound: float = 0.125,
    upper_bound: float = 0.334,
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """Leaky ReLU family: 'leaky' (slope), 'prelu' (learnable gamma, per channel on axis
    1), 'elu' (alpha = slope), 'selu', 'gelu' (erf form) and 'rrelu' (a random slope in
    [lower_bound, upper_bound) while training, their mean otherwise)."""
    if act_type == "rrelu":
        if not _core.is_training():
            slope = (lower_bound + upper_bound) / 2.0
            return _write_out(_core.leaky_relu(data, None, 0, float(slope)), out)
        from . import random as _random

        slopes = _random.uniform(
            lower_bound, upper_bound, shape=data.shape, dtype=data.dtype, ctx=data.context
        )
        positive = _core.greater(data.detach(), 0.0)
        return _write_out(_core.where(positive, data, _core.multiply(slopes, data)), out)
    if act_type not in _LEAKY_ACTS:
        raise MXNetError(
            "LeakyReLU: unknown act_type %r; expected one of 'elu', 'gelu', "
            "'leaky', 'prelu', 'rrelu', 'selu'" % (act_type,)
        )
    return _write_out(_core.leaky_relu(data, gamma, _LEAKY_ACTS[act_type], float(slope)), out)


for _name in __all__:  # binding errors become MXNetTypeError naming the argument
    globals()[_name] = checked_api(globals()[_name])
