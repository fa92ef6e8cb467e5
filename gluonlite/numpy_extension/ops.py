"""``mx.npx`` operators: the ``nd`` neural-network ops on ``mx.np`` arrays, MXNet's
NumPy-extension ``reshape`` codes."""

from __future__ import annotations

import numbers

from .. import _core
from .. import ndarray as _nd
from ..base import MXNetValueError
from ..ndarray import ops as _nd_ops
from ..ndarray.arguments import checked_api
from ..numpy.multiarray import as_np, ndarray

__all__ = [
    "relu",
    "sigmoid",
    "activation",
    "softmax",
    "log_softmax",
    "fully_connected",
    "dropout",
    "one_hot",
    "pick",
    "batch_dot",
    "reshape",
]


def relu(data, out=None, name=None) -> ndarray:
    """max(data, 0)."""
    return ndarray(_nd.relu(as_np(data), out=out))


def sigmoid(data, out=None, name=None) -> ndarray:
    """1 / (1 + exp(-data))."""
    return ndarray(_nd.sigmoid(as_np(data), out=out))


def activation(data, act_type: str = "relu", out=None, name=None) -> ndarray:
    """relu, sigmoid, tanh, softrelu or softsign."""
    return ndarray(_nd_ops.Activation(as_np(data), act_type, out=out))


def softmax(
    data,
    length=None,
    axis: int = -1,
    temperature=None,
    dtype=None,
    use_length: bool = False,
    out=None,
    name=None,
) -> ndarray:
    """Softmax along ``axis`` (optionally over the first ``length`` entries only)."""
    return ndarray(
        _nd_ops.softmax(as_np(data), length, axis, temperature, dtype, use_length, out=out)
    )


def log_softmax(
    data,
    axis: int = -1,
    temperature=None,
    dtype=None,
    use_length: bool = False,
    length=None,
    out=None,
    name=None,
) -> ndarray:
    """Log-softmax along ``axis``."""
    return ndarray(
        _nd_ops.log_softmax(as_np(data), length, axis, temperature, dtype, use_length, out=out)
    )


def fully_connected(
    x,
    weight,
    bias=None,
    num_hidden=None,
    no_bias: bool = False,
    flatten: bool = True,
    out=None,
    name=None,
) -> ndarray:
    """x · weightᵀ + bias (no bias with ``no_bias=True``), as one GEMM."""
    return ndarray(
        _nd_ops.FullyConnected(
            as_np(x), weight, bias, num_hidden, no_bias=no_bias, flatten=flatten, out=out
        )
    )


def dropout(
    data, p: float = 0.5, mode: str = "training", axes=None, cudnn_off=True, out=None, name=None
) -> ndarray:
    """Inverted dropout in training mode (``mode='always'``: always)."""
    return ndarray(_nd_ops.Dropout(as_np(data), p, mode, axes or (), out=out))


def one_hot(
    data, depth: int, on_value=1.0, off_value=0.0, dtype="float32", out=None, name=None
) -> ndarray:
    """One-hot encoding along a new last axis."""
    return ndarray(_nd_ops.one_hot(as_np(data), depth, on_value, off_value, dtype, out=out))


def pick(data, index, axis: int = -1, keepdims: bool = False, mode: str = "clip", out=None):
    """``data[i, index[i]]`` along ``axis``."""
    data = as_np(data)
    index = as_np(index, data.context)
    if index._dtype_name != data._dtype_name:
        index = _core.astype(index, data._dtype_name)
    return ndarray(_nd_ops.pick(data, index, axis, keepdims, mode, out=out))


def batch_dot(a, b, transpose_a: bool = False, transpose_b: bool = False, out=None, name=None):
    """Batched matrix product of 3-D arrays."""
    return ndarray(_nd_ops.batch_dot(as_np(a), as_np(b), transpose_a, transpose_b, out=out))


def _special_shape(in_shape: tuple, spec: tuple) -> list:
    out, i, j = [], 0, 0
    while j < len(spec):
        code = spec[j]
        if code >= 0 or code == -1:
            out.append(code)
            i += 1
        elif code == -2:
            out.append(in_shape[i])
            i += 1
        elif code == -3:
            if in_shape[i] != 1:
                raise MXNetValueError(
                    f"npx.reshape: -3 skips a size-1 dimension, but dimension {i} has size "
                    f"{in_shape[i]}"
                )
            i += 1
        elif code == -4:
            out.extend(in_shape[i:])
            i = len(in_shape)
        elif code == -5:
            out.append(in_shape[i] * in_shape[i + 1])
            i += 2
        elif code == -6:
            if j + 2 >= len(spec):
                raise MXNetValueError("npx.reshape: -6 needs two following sizes")
            first, second = spec[j + 1], spec[j + 2]
            size = in_shape[i]
            if first == -1:
                first = size // second
            if second == -1:
                second = size // first
            if first * second != size:
                raise MXNetValueError(
                    f"npx.reshape: -6 cannot split dimension {i} of size {size} into "
                    f"({spec[j + 1]}, {spec[j + 2]})"
                )
            out.extend([first, second])
            i += 1
            j += 2
        else:
            raise MXNetValueError(f"npx.reshape: unknown shape code {code}")
        j += 1
    return out


def reshape(a, newshape, reverse: bool = False, order: str = "C") -> ndarray:
    """Reshape with MXNet's NumPy-extension codes: -1 infer, -2 copy a dimension, -3 drop a
    size-1 dimension, -4 copy the remaining ones, -5 merge two, -6 split one into two."""
    from ..numpy.shape_ops import reshape as np_reshape

    a = as_np(a)
    spec = (newshape,) if isinstance(newshape, numbers.Integral) else tuple(newshape)
    if reverse:
        if -6 in spec:
            raise NotImplementedError("npx.reshape: reverse=True with -6 is not supported")
        shape = _special_shape(tuple(reversed(a.shape)), tuple(reversed(spec)))[::-1]
    else:
        shape = _special_shape(tuple(a.shape), spec)
    return np_reshape(a, tuple(shape), order)


# As MXNet's operators (and the nd front end): an unknown keyword is "Cannot find argument"
# (MXNetError), and binding errors name the argument.
for _name in __all__:
    globals()[_name] = checked_api(globals()[_name])
