"""More of MXNet's neural-network operators: smooth_l1, L2Normalization, LRN, UpSampling, ...

Composed from core ops with CPU and CUDA kernels and gradients, like shape_ops.py.
"""

from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from .. import _core
from ..base import MXNetValueError
from .arguments import exporter
from .ndarray import NDArray
from .ops import _REDUCE_SUM, _write_out, filled, softmax

__all__ = []


_export_here = exporter(__all__)


@_export_here
def smooth_l1(data: NDArray, scalar: float = 1.0, out=None, name=None) -> NDArray:
    """0.5 (σx)² where |x| < 1/σ², else |x| - 0.5/σ² (σ = ``scalar``)."""
    s2 = float(scalar) ** 2
    quad = _core.multiply(_core.square(data), filled(data, 0.5 * s2))
    lin = _core.subtract(_core.abs(data), filled(data, 0.5 / s2))
    small = _core.lesser(_core.abs(data), filled(data, 1.0 / s2))
    return _write_out(_core.where(small, quad, lin), out)


_L2_MODES = {
    "instance": lambda nd_: tuple(range(1, nd_)),
    "channel": lambda nd_: (1,),
    "spatial": lambda nd_: tuple(range(2, nd_)),
}


@_export_here
def L2Normalization(
    data: NDArray, eps: float = 1e-10, mode: str = "instance", out=None, name=None
) -> NDArray:
    """x / sqrt(sum(x²) + eps) over each instance, channel vector or spatial map."""
    if mode not in _L2_MODES:
        raise MXNetValueError(
            f"L2Normalization: mode must be 'instance', 'channel' or 'spatial', got {mode!r}"
        )
    if data.ndim < (2 if mode != "spatial" else 3):
        raise MXNetValueError(f"L2Normalization: mode {mode!r} needs more than {data.ndim} axes")
    axes = _L2_MODES[mode](data.ndim)
    sq = _core.reduce(_REDUCE_SUM, _core.square(data), axes, True, False)
    norm = _core.sqrt(_core.add(sq, filled(sq, eps)))
    return _write_out(_core.divide(data, norm), out)


@_export_here
def LRN(
    data: NDArray,
    alpha: float = 1e-4,
    beta: float = 0.75,
    knorm: float = 2.0,
    nsize: Optional[int] = None,
    out=None,
    name=None,
) -> NDArray:
    """Local response normalization across channels: x / (knorm + α/n Σ x²)^β."""
    if isinstance(nsize, bool) or not isinstance(nsize, numbers.Integral) or nsize < 1:
        raise MXNetValueError(f"LRN: nsize must be a positive integer, got {nsize!r}")
    if data.ndim < 2:
        raise MXNetValueError(f"LRN: data needs a channel axis (axis 1), got shape {data.shape}")
    half = int(nsize) // 2
    sq = _core.square(data)
    c = data.shape[1]
    shape = list(data.shape)
    shape[1] = half
    pad = filled(data, 0.0, tuple(shape))
    padded = _core.concat([pad, sq, pad], 1) if half else sq
    window = _core.slice_axis(padded, 1, 0, c)
    for i in range(1, 2 * half + 1):
        window = _core.add(window, _core.slice_axis(padded, 1, i, i + c))
    scale = _core.add(
        filled(data, knorm), _core.multiply(window, filled(data, float(alpha) / int(nsize)))
    )
    return _write_out(_core.divide(data, _core.power(scale, filled(data, beta))), out)


def _nearest(x: NDArray, fh: int, fw: int) -> NDArray:
    n, c, h, w = x.shape
    y = _core.broadcast_to(_core.reshape(x, (n, c, h, 1, w, 1), False), (n, c, h, fh, w, fw))
    return _core.reshape(y, (n, c, h * fh, w * fw), False)


@_export_here
def UpSampling(
    *data: NDArray,
    scale: Optional[int] = None,
    num_filter: int = 0,
    sample_type: str = "nearest",
    multi_input_mode: str = "concat",
    num_args: Optional[int] = None,
    workspace: int = 512,
    out=None,
    name=None,
) -> NDArray:
    """Nearest or bilinear upsampling of NCHW arrays by an integer ``scale``.

    Nearest: each input is scaled to the first one's output size, then the results are
    concatenated along channels (or summed with ``multi_input_mode='sum'``). Bilinear:
    ``data`` is (input, weight) and the result is a depthwise deconvolution, as in MXNet.
    """
    if isinstance(scale, bool) or not isinstance(scale, numbers.Integral) or scale < 1:
        raise MXNetValueError(f"UpSampling: scale must be a positive integer, got {scale!r}")
    if num_args is not None and int(num_args) != len(data):
        raise MXNetValueError(f"UpSampling: num_args={num_args} but {len(data)} input(s)")
    if not data:
        raise MXNetValueError("UpSampling: needs at least one input")
    for i, x in enumerate(data):
        if not isinstance(x, NDArray) or x.ndim != 4:
            raise MXNetValueError(f"UpSampling: input {i} must be a 4-D NCHW NDArray")
    if sample_type == "bilinear":
        from .nn_ops import Deconvolution

        if len(data) != 2:
            raise MXNetValueError("UpSampling: bilinear takes (data, weight)")
        x, weight = data
        kernel = 2 * scale - scale % 2
        pad = int(np.ceil((scale - 1) / 2.0))
        channels = num_filter or x.shape[1]
        result = Deconvolution(
            x,
            weight,
            kernel=(kernel, kernel),
            stride=(scale, scale),
            pad=(pad, pad),
            num_filter=channels,
            num_group=channels,
            no_bias=True,
        )
        return _write_out(result, out)
    if sample_type != "nearest":
        raise MXNetValueError(
            f"UpSampling: sample_type must be 'nearest' or 'bilinear', got {sample_type!r}"
        )
    if multi_input_mode not in ("concat", "sum"):
        raise MXNetValueError(
            f"UpSampling: multi_input_mode must be 'concat' or 'sum', got {multi_input_mode!r}"
        )
    oh, ow = data[0].shape[2] * scale, data[0].shape[3] * scale
    parts = []
    for i, x in enumerate(data):
        if oh % x.shape[2] or ow % x.shape[3]:
            raise MXNetValueError(
                f"UpSampling: input {i}'s size {x.shape[2:]} does not divide the output size "
                f"{(oh, ow)}"
            )
        parts.append(_nearest(x, oh // x.shape[2], ow // x.shape[3]))
    if len(parts) == 1:
        result = parts[0]
    elif multi_input_mode == "sum":
        result = parts[0]
        for p in parts[1:]:
            result = _core.add(result, p)
    else:
        result = _core.concat(parts, 1)
    return _write_out(result, out)


@_export_here
def SoftmaxActivation(data: NDArray, mode: str = "instance", out=None, name=None) -> NDArray:
    """Softmax over each instance (flattened) or, with mode='channel', over axis 1."""
    if mode == "channel":
        return _write_out(softmax(data, axis=1), out)
    if mode != "instance":
        raise MXNetValueError(
            f"SoftmaxActivation: mode must be 'instance' or 'channel', got {mode!r}"
        )
    flat = _core.reshape(data, (data.shape[0], -1), False)
    return _write_out(_core.reshape(softmax(flat, axis=-1), tuple(data.shape), False), out)


@_export_here
def softmin(
    data: NDArray,
    axis: int = -1,
    temperature=None,
    dtype=None,
    use_length=False,
    out=None,
    name=None,
) -> NDArray:
    """softmax(-x) along ``axis``."""
    if use_length:
        raise NotImplementedError("softmin: use_length=True is not supported by gluonlite")
    return _write_out(
        softmax(_core.negative(data), axis=axis, temperature=temperature, dtype=dtype), out
    )


@_export_here
def hard_sigmoid(
    data: NDArray, alpha: float = 0.2, beta: float = 0.5, out=None, name=None
) -> NDArray:
    """clip(alpha * x + beta, 0, 1)."""
    lin = _core.add(_core.multiply(data, filled(data, alpha)), filled(data, beta))
    return _write_out(_core.clip(lin, 0.0, 1.0), out)
