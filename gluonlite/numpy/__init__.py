"""``gluonlite.numpy`` (``mx.np``): MXNet's NumPy interface on gluonlite's core.

``mx.np.ndarray`` subclasses ``nd.NDArray`` and shares its C++ tensor: ``x.as_np_ndarray()``
and ``y.as_nd_ndarray()`` copy nothing. Functions follow NumPy's signatures and MXNet
1.9.1's ``mx.np`` behaviour (float32 default, 0-d reductions, NumPy indexing and dtype
promotion, ``ctx=`` arguments). Deliberate difference: ``device=`` is accepted as an alias
of ``ctx=`` (MXNet 2's name).
"""

import numpy as _onp

from ..ndarray.ndarray import NDArray as _NDArray
from . import linalg, random  # noqa: F401
from .creation import *  # noqa: F401,F403
from .linalg_ops import *  # noqa: F401,F403
from .math_ops import *  # noqa: F401,F403
from .methods import install as _install
from .multiarray import ndarray
from .shape_ops import *  # noqa: F401,F403

_install()

# NumPy's dtype objects and constants, as mx.np re-exports them
for _name in (
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    "dtype",
    "pi",
    "e",
    "inf",
    "nan",
    "newaxis",
):
    globals()[_name] = getattr(_onp, _name)
bool = _onp.bool_  # noqa: A001  (mx.np.bool is numpy's bool_)


def _as_np_ndarray(self: _NDArray) -> ndarray:
    """This NDArray's data as an ``mx.np.ndarray`` (shared storage and autograd state)."""
    return ndarray(self)


def _as_nd_ndarray(self: _NDArray) -> _NDArray:
    """This array as a legacy ``nd.NDArray`` (shared storage and autograd state)."""
    return self if type(self) is _NDArray else _NDArray(self)


for _method in (_as_np_ndarray, _as_nd_ndarray):  # nd.NDArray's bridges to mx.np
    setattr(_NDArray, _method.__name__.lstrip("_"), _method)
