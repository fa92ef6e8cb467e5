"""NDArray's members written in Python, declared for readers and type checkers.

``gluonlite._core.NDArray`` is the C++ class (its members: gluonlite/_core.pyi, generated).
When gluonlite.ndarray is imported, ``_install_methods`` (ndarray.py) and
``_install_op_methods`` (ops.py) attach the rest of MXNet's NDArray API to it. This file
declares exactly those members; the generated stub's ``class NDArray(NDArrayMethods)``
merges them in. tests/test_stubs.py checks it against the class at run time: every
attached member declared, with the same parameters, and nothing more.
"""

from collections.abc import Iterator
from typing import Any, Callable, Literal, TypeAlias

import numpy as np

from gluonlite._core import NDArray
from gluonlite.context import Context
from gluonlite.numpy import ndarray as _np_ndarray

_Axis: TypeAlias = int | tuple[int, ...] | list[int] | None
_Out: TypeAlias = NDArray | None

class NDArrayMethods:
    # ---- Python protocols, printing, indexing (ndarray.py)
    def __repr__(self) -> str: ...
    def __str__(self) -> str: ...
    def __getitem__(self, key: Any) -> NDArray: ...
    def __setitem__(self, key: Any, value: Any) -> None: ...
    def __bool__(self) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[NDArray]: ...
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray: ...
    def __reduce__(self) -> tuple[Callable[[np.ndarray, str], NDArray], tuple[np.ndarray, str]]: ...
    def __pos__(self) -> NDArray: ...
    def __abs__(self) -> NDArray: ...

    # ---- conversion and copies
    def reshape(self, *shape: Any, **kwargs: Any) -> NDArray: ...
    def astype(self, dtype: Any, copy: bool = True) -> NDArray: ...
    def copyto(self, other: NDArray | Context) -> NDArray: ...
    def copy(self) -> NDArray: ...
    def as_in_context(self, context: Context) -> NDArray: ...
    def as_in_ctx(self, context: Context) -> NDArray: ...
    def asscalar(self) -> Any: ...
    def item(self) -> Any: ...
    def tolist(self) -> Any: ...
    def tostype(self, stype: str) -> NDArray: ...
    def zeros_like(self, out: _Out = None, name: str | None = None) -> NDArray: ...
    def ones_like(self, out: _Out = None, name: str | None = None) -> NDArray: ...

    # ---- autograd and synchronization
    def backward(
        self, out_grad: NDArray | None = None, retain_graph: bool = False, train_mode: bool = True
    ) -> None: ...
    def wait_to_read(self) -> None: ...
    def wait_to_write(self) -> None: ...

    # ---- properties
    @property
    def context(self) -> Context: ...
    @property
    def ctx(self) -> Context: ...
    @property
    def stype(self) -> Literal["default"]: ...
    @property
    def T(self) -> NDArray: ...
    @property
    def handle(self) -> int: ...
    @property
    def writable(self) -> bool: ...

    # ---- reductions
    def sum(
        self,
        axis: _Axis = None,
        keepdims: bool = False,
        exclude: bool = False,
        out: _Out = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> NDArray: ...
    def mean(
        self,
        axis: _Axis = None,
        keepdims: bool = False,
        exclude: bool = False,
        out: _Out = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> NDArray: ...
    def max(
        self,
        axis: _Axis = None,
        keepdims: bool = False,
        exclude: bool = False,
        out: _Out = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> NDArray: ...
    def min(
        self,
        axis: _Axis = None,
        keepdims: bool = False,
        exclude: bool = False,
        out: _Out = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> NDArray: ...
    def prod(
        self,
        axis: _Axis = None,
        keepdims: bool = False,
        exclude: bool = False,
        out: _Out = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> NDArray: ...

    # ---- nd functions as methods (ops.py): the array is their first argument
    def abs(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def sign(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def exp(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def log(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def sqrt(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def rsqrt(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def square(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def sigmoid(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def tanh(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def relu(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def softsign(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def sin(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def cos(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def floor(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def ceil(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def round(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def reciprocal(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def arccos(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def arccosh(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def arcsin(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def arcsinh(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def arctan(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def arctanh(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def cbrt(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def cosh(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def degrees(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def expm1(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def fix(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def log10(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def log1p(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def log2(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def radians(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def rcbrt(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def rint(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def sinh(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def tan(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def trunc(self, out: _Out = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
    def argmax(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def argmin(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def norm(
        self,
        ord: int = 2,
        axis: _Axis = None,
        out_dtype: Any = None,
        keepdims: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def softmax(
        self,
        length: NDArray | None = None,
        axis: int = -1,
        temperature: float | None = None,
        dtype: Any = None,
        use_length: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def log_softmax(
        self,
        length: NDArray | None = None,
        axis: int = -1,
        temperature: float | None = None,
        dtype: Any = None,
        use_length: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def transpose(
        self,
        axes: tuple[int, ...] | list[int] | None = None,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def swapaxes(
        self, dim1: int = 0, dim2: int = 0, out: _Out = None, name: str | None = None
    ) -> NDArray: ...
    def expand_dims(self, *args: Any, inplace: bool = False, **kwargs: Any) -> NDArray: ...
    def squeeze(self, *args: Any, inplace: bool = False, **kwargs: Any) -> NDArray: ...
    def flatten(self, *args: Any, inplace: bool = False, **kwargs: Any) -> NDArray: ...
    def split(
        self,
        num_outputs: int,
        axis: int = 1,
        squeeze_axis: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> Any: ...
    def slice_axis(
        self, axis: int, begin: int, end: int | None, out: _Out = None, name: str | None = None
    ) -> NDArray: ...
    def clip(
        self, a_min: float, a_max: float, out: _Out = None, name: str | None = None
    ) -> NDArray: ...
    def broadcast_to(
        self, shape: tuple[int, ...] | None = None, out: _Out = None, name: str | None = None
    ) -> NDArray: ...
    def broadcast_like(
        self,
        rhs: NDArray,
        lhs_axes: Any = None,
        rhs_axes: Any = None,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...

    # ---- attached from index_ops.py
    def argsort(
        self,
        axis: int = -1,
        is_ascend: bool = True,
        dtype: str = "float32",
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def slice(
        self,
        begin: tuple[int | None, ...] | list[int | None] | None = None,
        end: tuple[int | None, ...] | list[int | None] | None = None,
        step: tuple[int | None, ...] | list[int | None] = (),
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def slice_like(
        self,
        shape_like: NDArray,
        axes: tuple[int, ...] | list[int] = (),
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def sort(
        self, axis: int = -1, is_ascend: bool = True, out: _Out = None, name: str | None = None
    ) -> NDArray: ...
    def topk(
        self,
        axis: int = -1,
        k: int = 1,
        ret_typ: Literal["value", "indices", "mask", "both"] = "indices",
        is_ascend: bool = False,
        dtype: str = "float32",
        out: _Out = None,
        name: str | None = None,
    ) -> Any: ...

    # ---- attached from nn_extra_ops.py
    def softmin(
        self,
        axis: int = -1,
        temperature: float | None = None,
        dtype: Any = None,
        use_length: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...

    # ---- attached by gluonlite.numpy
    def as_nd_ndarray(self) -> NDArray: ...
    def as_np_ndarray(self) -> _np_ndarray: ...

    # ---- attached from ops.py
    def one_hot(
        self,
        depth: int,
        on_value: float = 1.0,
        off_value: float = 0.0,
        dtype: str = "float32",
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def pick(
        self,
        index: NDArray,
        axis: int = -1,
        keepdims: bool = False,
        mode: str = "clip",
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def take(
        self,
        indices: Any,
        axis: int = 0,
        mode: str = "clip",
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...

    # ---- attached from shape_ops.py
    def broadcast_axes(
        self,
        axis: int | tuple[int, ...] = (),
        size: int | tuple[int, ...] = (),
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def depth_to_space(
        self, block_size: int | None = None, out: _Out = None, name: str | None = None
    ) -> NDArray: ...
    def diag(
        self, k: int = 0, axis1: int = 0, axis2: int = 1, out: _Out = None, name: str | None = None
    ) -> NDArray: ...
    def flip(self, axis: _Axis = None, out: _Out = None, name: str | None = None) -> NDArray: ...
    def pad(
        self,
        mode: str = "constant",
        pad_width: tuple[int, ...] | None = None,
        constant_value: float = 0.0,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def repeat(
        self,
        repeats: int | None = None,
        axis: int | None = None,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def reshape_like(
        self,
        rhs: NDArray,
        lhs_begin: int | None = None,
        lhs_end: int | None = None,
        rhs_begin: int | None = None,
        rhs_end: int | None = None,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def slice_assign(self, rhs: Any, begin: Any, end: Any, step: Any) -> NDArray: ...
    def slice_assign_scalar(self, value: Any, begin: Any, end: Any, step: Any) -> NDArray: ...
    def space_to_depth(
        self, block_size: int | None = None, out: _Out = None, name: str | None = None
    ) -> NDArray: ...
    def split_v2(
        self, indices_or_sections: Any = None, axis: int = 0, squeeze_axis: bool = False
    ) -> Any: ...
    def tile(
        self,
        reps: tuple[int, ...] | list[int] | None = None,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...

    # ---- attached from util_ops.py
    def argmax_channel(self, out: _Out = None, name: str | None = None) -> NDArray: ...
    def nanprod(
        self,
        axis: _Axis = None,
        keepdims: bool = False,
        exclude: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def nansum(
        self,
        axis: _Axis = None,
        keepdims: bool = False,
        exclude: bool = False,
        out: _Out = None,
        name: str | None = None,
    ) -> NDArray: ...
    def shape_array(self, out: _Out = None, name: str | None = None) -> NDArray: ...
    def size_array(self, out: _Out = None, name: str | None = None) -> NDArray: ...
