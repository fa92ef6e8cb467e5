"""``nd.sparse``: MXNet's row-sparse and CSR NDArrays.

How they are stored. A sparse array is an NDArray subclass whose tensor holds the full
values, zeros outside the stored structure, together with a record of the positions that
were stored explicitly (a zero may be stored, as in MXNet). So:

- every dense operator accepts a sparse array and returns a dense result, which is what
  MXNet's storage fallback does for operators without a sparse kernel; gradients flow
  through them unchanged;
- ``data``, ``indices`` and ``indptr`` are computed when read: the stored positions are the
  explicit ones together with every nonzero, the rule of MXNet's ``cast_storage``;
- the row-sparse optimizer updates (``lazy_update``) touch only the stored rows of the
  gradient, as MXNet's kernels do (``gluonlite/optimizer/optimizer.py``).

The API and its semantics are MXNet's; the memory saving is not: a sparse array takes the
memory of its dense form.
"""

from __future__ import annotations

import numbers
from typing import Any, Optional, Tuple, cast

import numpy as np

from .. import _core
from ..base import MXNetError
from ..context import Context, _as_context
from . import ndarray as _nd
from .ndarray import NDArray

__all__ = [
    "BaseSparseNDArray",
    "CSRNDArray",
    "RowSparseNDArray",
    "csr_matrix",
    "row_sparse_array",
    "array",
    "zeros",
    "empty",
    "dot",
    "retain",
    "cast_storage",
    "add",
    "subtract",
    "multiply",
    "divide",
    "elemwise_add",
    "elemwise_sub",
    "elemwise_mul",
    "elemwise_div",
    "zeros_like",
]

_SPARSE_STYPES = ("row_sparse", "csr")


def _host(source: Any, dtype: Any = None) -> np.ndarray:
    """``source`` (NDArray, numpy array, list) as a numpy array."""
    host = source.asnumpy() if isinstance(source, NDArray) else np.asarray(source)
    return host.astype(dtype) if dtype is not None else host


def _values(source: Any, dtype: Any) -> np.ndarray:
    """The stored values of constructor parts: ``dtype``, else the array's own, else
    float32 for lists (as MXNet)."""
    values = _host(source, dtype)
    if dtype is None and not isinstance(source, (NDArray, np.ndarray)):
        values = values.astype(np.float32)
    return values


def _out_of_range(ids: np.ndarray, bound: int) -> Optional[int]:
    """The first id outside [0, bound), or None."""
    bad = ids[(ids < 0) | (ids >= bound)]
    return int(bad[0]) if bad.size else None


def _dense_on(host: np.ndarray, ctx: Optional[Context], dtype: Any) -> NDArray:
    return _nd.array(host, ctx=ctx, dtype=dtype if dtype is not None else host.dtype)


class BaseSparseNDArray(NDArray):
    """Shared by RowSparseNDArray and CSRNDArray (see the module docstring)."""

    _STYPE = "default"

    def __init__(self, tensor: NDArray, stored: Optional[np.ndarray] = None) -> None:
        super().__init__(tensor)
        # row_sparse: sorted explicit row ids; csr: a bool mask of explicit entries; or None
        self._stored = stored

    # ---- MXNet's sparse surface --------------------------------------------------------
    @property
    def stype(self) -> str:
        """The storage type: 'row_sparse' or 'csr'."""
        return self._STYPE

    def __repr__(self) -> str:
        shape = "x".join(str(d) for d in self.shape)
        return "\n<%s %s @%s>" % (type(self).__name__, shape, self.context)

    __str__ = __repr__

    def _same_kind(self, tensor: NDArray) -> "BaseSparseNDArray":
        """A sparse array of this kind over ``tensor``, with this array's structure."""
        return type(self)(tensor, self._structure_record())

    def _structure_record(self) -> Optional[np.ndarray]:
        raise NotImplementedError()

    def copy(self) -> "BaseSparseNDArray":
        """A deep copy, with the same storage type and stored positions."""
        return self._same_kind(_core.clone(self))

    def copyto(self, other: Any) -> Any:
        """Copies into ``other`` (an NDArray, which keeps its storage type) or onto a Context."""
        if isinstance(other, Context):
            return self._same_kind(_core.to_device(self, other._core_type, other.device_id))
        result = NDArray.copyto(self, other)
        if isinstance(other, BaseSparseNDArray):
            other._take_structure(self)
        return result

    def as_in_context(self, context: Context) -> "BaseSparseNDArray":
        """This array on ``context``: self when already there, else a copy."""
        return self if self.context == context else self.copyto(context)

    as_in_ctx = as_in_context

    def astype(self, dtype: Any, copy: bool = True) -> "BaseSparseNDArray":
        """Casts to ``dtype``, keeping the storage type."""
        if not copy and np.dtype(dtype) == np.dtype(self.dtype):
            return self
        return self._same_kind(_core.astype(self, _nd._dtype_name(dtype)))

    def detach(self) -> "BaseSparseNDArray":
        """The same values, detached from the recorded graph, with the storage type kept."""
        return self._same_kind(NDArray.detach(self))

    def tostype(self, stype: str) -> NDArray:
        """A copy with storage type ``stype`` ('default', 'row_sparse' or 'csr')."""
        return cast_storage(self, stype)

    def attach_grad(self, grad_req: str = "write", stype: Optional[str] = None) -> None:
        """Attach a gradient buffer; its storage type is this array's unless given."""
        NDArray.attach_grad(self, grad_req, stype if stype is not None else self._STYPE)

    def check_format(self, full_check: bool = True) -> None:
        """MXNet's structure check. The structure is derived from the values, so it is
        always well formed; the call exists for scripts that make it."""

    def __setitem__(self, key: Any, value: Any) -> None:
        if not _nd.is_whole_key(key):
            raise MXNetError(
                "%s only supports assignment to the whole array (x[:] = value), got key %r"
                % (type(self).__name__, key)
            )
        if isinstance(value, NDArray):
            if value is not self:
                value.copyto(self)
                if not isinstance(value, BaseSparseNDArray):
                    self._stored = None
            return
        if isinstance(value, (numbers.Real, np.generic)):
            _core.fill_(self, float(value))
            self._stored = None
            return
        _core.copy_(self, _nd.array(value, ctx=self.context, dtype=self.dtype))
        self._stored = None

    def _take_structure(self, source: "BaseSparseNDArray") -> None:
        self._stored = None

    # ---- arithmetic, with MXNet's output storage (see _ARITHMETIC_STORAGE) ----------------
    def __add__(self, other: Any) -> NDArray:
        return _arithmetic("+", self, other, NDArray.__add__(self, other))

    def __sub__(self, other: Any) -> NDArray:
        return _arithmetic("-", self, other, NDArray.__sub__(self, other))

    def __mul__(self, other: Any) -> NDArray:
        return _arithmetic("*", self, other, NDArray.__mul__(self, other))

    def __truediv__(self, other: Any) -> NDArray:
        return _arithmetic("/", self, other, NDArray.__truediv__(self, other))

    def __rmul__(self, other: Any) -> NDArray:
        result = NDArray.__rmul__(self, other)
        return _wrap(result, self._STYPE) if isinstance(other, numbers.Number) else result

    def __neg__(self) -> NDArray:
        return _wrap(NDArray.__neg__(self), self._STYPE)

    def __reduce__(self) -> tuple:
        return (_rebuild, (self._STYPE, NDArray(self), self._stored))


def _rebuild(stype: str, dense: NDArray, stored: Optional[np.ndarray]) -> "BaseSparseNDArray":
    return _CLASSES[stype](dense, stored)


class RowSparseNDArray(BaseSparseNDArray):
    """A row-sparse array (MXNet's ``RowSparseNDArray``): the rows in ``indices`` are stored
    (values in ``data``), every other row is zero."""

    _STYPE = "row_sparse"

    def _row_ids(self) -> np.ndarray:
        host = self.asnumpy()
        if host.ndim == 0 or host.shape[0] == 0:
            rows = np.zeros(0, np.int64)
        else:
            rows = np.flatnonzero(host.reshape(host.shape[0], -1).any(axis=1))
        if self._stored is not None:
            rows = np.union1d(rows, self._stored)
        return rows.astype(np.int64)

    def _structure_record(self) -> Optional[np.ndarray]:
        return self._row_ids()

    def _take_structure(self, source: BaseSparseNDArray) -> None:
        self._stored = source._row_ids() if isinstance(source, RowSparseNDArray) else None

    @property
    def indices(self) -> NDArray:
        """The stored row ids (int64, ascending)."""
        return _nd.array(self._row_ids(), ctx=self.context, dtype="int64")

    @property
    def data(self) -> NDArray:
        """The stored rows, shape ``(len(indices),) + shape[1:]``."""
        return _core.take(self, self.indices, 0, "clip")

    def __getitem__(self, key: Any) -> NDArray:
        if isinstance(key, slice) and key == slice(None):
            return self
        raise MXNetError(
            "RowSparseNDArray only supports x[:] for reading; got key %r (read rows with "
            "nd.sparse.retain or convert with tostype('default'))" % (key,)
        )

    def retain(self, indices: Any) -> "RowSparseNDArray":
        """The rows whose ids are in ``indices`` (the others zero)."""
        return retain(self, indices)


class CSRNDArray(BaseSparseNDArray):
    """A 2-D compressed-sparse-row array (MXNet's ``CSRNDArray``): row i's stored values are
    ``data[indptr[i]:indptr[i+1]]`` in the columns ``indices[indptr[i]:indptr[i+1]]``."""

    _STYPE = "csr"

    def _mask(self) -> Tuple[np.ndarray, np.ndarray]:
        host = self.asnumpy()
        mask = host != 0
        if self._stored is not None:
            mask |= self._stored
        return host, mask

    def _structure_record(self) -> Optional[np.ndarray]:
        return self._mask()[1]

    def _take_structure(self, source: BaseSparseNDArray) -> None:
        self._stored = source._mask()[1] if isinstance(source, CSRNDArray) else None

    def _parts(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        host, mask = self._mask()
        rows, cols = np.nonzero(mask)
        indptr = np.concatenate(([0], np.cumsum(mask.sum(axis=1)))).astype(np.int64)
        return host[rows, cols], cols.astype(np.int64), indptr

    @property
    def data(self) -> NDArray:
        """The stored values, row by row."""
        return _nd.array(self._parts()[0], ctx=self.context, dtype=self.dtype)

    @property
    def indices(self) -> NDArray:
        """The column of each stored value (int64)."""
        return _nd.array(self._parts()[1], ctx=self.context, dtype="int64")

    @property
    def indptr(self) -> NDArray:
        """Row i's values are data[indptr[i]:indptr[i+1]] (int64, length rows + 1)."""
        return _nd.array(self._parts()[2], ctx=self.context, dtype="int64")

    def __getitem__(self, key: Any) -> "CSRNDArray":
        rows = self.shape[0]
        if isinstance(key, numbers.Integral):
            index = int(key) + rows if key < 0 else int(key)
            if not 0 <= index < rows:
                raise IndexError("index %d is out of bounds for axis 0 with size %d" % (key, rows))
            key = slice(index, index + 1)
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise MXNetError(
                "CSRNDArray only supports an integer or a contiguous row slice, got key %r" % (key,)
            )
        start, stop, _ = key.indices(rows)
        stop = max(start, stop)
        mask = self._mask()[1][start:stop]
        return CSRNDArray(_core.clone(NDArray.__getitem__(self, slice(start, stop))), mask)

    def asscipy(self) -> Any:
        """The array as a ``scipy.sparse.csr_matrix`` (needs scipy)."""
        try:
            import scipy.sparse as spsp  # type: ignore[import-untyped]
        except ImportError as err:
            raise ImportError("CSRNDArray.asscipy needs scipy: pip install scipy") from err
        data, indices, indptr = self._parts()
        return spsp.csr_matrix((data, indices, indptr), shape=self.shape, dtype=self.dtype)


_CLASSES = {"row_sparse": RowSparseNDArray, "csr": CSRNDArray}

# MXNet 1.9.1's output storage of ``sparse <op> other`` (probed): the operand kinds are
# 'same' (a sparse array of the same type), 'dense' and 'scalar'; absent means dense.
_ARITHMETIC_STORAGE = {
    ("row_sparse", "+", "same"): "row_sparse",
    ("row_sparse", "-", "same"): "row_sparse",
    ("row_sparse", "*", "same"): "row_sparse",
    ("row_sparse", "*", "dense"): "row_sparse",
    ("row_sparse", "*", "scalar"): "row_sparse",
    ("row_sparse", "/", "scalar"): "row_sparse",
    ("csr", "+", "same"): "csr",
    ("csr", "-", "same"): "csr",
    ("csr", "*", "same"): "csr",
    ("csr", "*", "dense"): "csr",
    ("csr", "/", "dense"): "csr",
    ("csr", "*", "scalar"): "csr",
    ("csr", "/", "scalar"): "csr",
}

# Elementwise functions with f(0) = 0: a sparse input gives a sparse output of its type.
ZERO_PRESERVING = frozenset(
    "abs arcsin arcsinh arctan arctanh cbrt ceil degrees expm1 fix floor log1p negative "
    "radians relu rint round sign sin sinh sqrt square tan tanh trunc".split()
)


def _arithmetic(op: str, lhs: BaseSparseNDArray, rhs: Any, result: Any) -> Any:
    if result is NotImplemented:
        return result
    if isinstance(rhs, numbers.Number):
        kind = "scalar"
    elif getattr(rhs, "stype", None) == lhs._STYPE:
        kind = "same"
    elif isinstance(rhs, NDArray) and rhs.stype == "default":
        kind = "dense"
    else:
        return result
    stype = _ARITHMETIC_STORAGE.get((lhs._STYPE, op, kind))
    if stype is None:
        return result
    stored = None
    if kind == "same" and op in "+-" and stype == "row_sparse":
        stored = np.union1d(cast(RowSparseNDArray, lhs)._row_ids(), rhs._row_ids())
    return _wrap(result, stype, stored)


def same_storage(result: NDArray, like: NDArray) -> NDArray:
    """``result`` with ``like``'s storage type (for an f(0) = 0 function of ``like``)."""
    return _wrap(result, like.stype)


def _check_stype(stype: Any, op: str) -> str:
    if stype not in ("default",) + _SPARSE_STYPES:
        raise MXNetError(
            "%s: unknown storage type %r; expected 'default', 'row_sparse' or 'csr'" % (op, stype)
        )
    return stype


def _wrap(dense: NDArray, stype: str, stored: Optional[np.ndarray] = None) -> NDArray:
    """``dense`` seen with storage type ``stype`` (no copy)."""
    if stype == "default":
        return dense
    if stype == "csr" and dense.ndim != 2:
        raise MXNetError("csr storage needs a 2-D array, got shape %s" % (dense.shape,))
    if stype == "row_sparse" and dense.ndim == 0:
        raise MXNetError("row_sparse storage needs at least one dimension, got a 0-d array")
    return _CLASSES[stype](dense, stored)


def cast_storage(data: NDArray, stype: str) -> NDArray:
    """A copy of ``data`` with storage type ``stype`` (stored positions: the nonzeros, and
    for a sparse source of the same kind, its stored positions too)."""
    _check_stype(stype, "cast_storage")
    if not isinstance(data, NDArray):
        raise TypeError("cast_storage: data must be an NDArray, got %s" % type(data).__name__)
    copy = _core.clone(data)
    if stype == "default":
        return copy
    same_kind = isinstance(data, BaseSparseNDArray) and data.stype == stype
    stored = cast(BaseSparseNDArray, data)._structure_record() if same_kind else None
    return _wrap(copy, stype, stored)


def _shape_of(shape: Any, op: str) -> tuple:
    if shape is None:
        raise ValueError("%s: shape is required when building from %s parts" % (op, op))
    return _nd._shape_tuple(shape)


def row_sparse_array(
    arg1: Any, shape: Any = None, ctx: Optional[Context] = None, dtype: Any = None
) -> RowSparseNDArray:
    """A RowSparseNDArray from ``(data, indices)`` with ``shape``, from a shape (zeros), from a
    dense array or from another RowSparseNDArray (copied)."""
    ctx = _as_context(ctx)
    if isinstance(arg1, RowSparseNDArray):
        return arg1.copyto(ctx).astype(dtype or arg1.dtype)
    if isinstance(arg1, tuple) and len(arg1) == 2 and not isinstance(arg1[0], numbers.Integral):
        data = _values(arg1[0], dtype)
        rows = _host(arg1[1]).astype(np.int64).reshape(-1)
        shape = _shape_of(shape, "row_sparse_array")
        if data.shape != (rows.size,) + shape[1:]:
            raise ValueError(
                "row_sparse_array: data of shape %s does not hold %d rows of shape %s"
                % (data.shape, rows.size, shape[1:])
            )
        bad = _out_of_range(rows, shape[0])
        if bad is not None:
            raise IndexError(
                "row_sparse_array: row index %d is out of range for %d rows" % (bad, shape[0])
            )
        if np.unique(rows).size != rows.size:
            raise ValueError("row_sparse_array: indices must not repeat, got %s" % rows.tolist())
        host = np.zeros(shape, dtype=data.dtype)
        host[rows] = data
        return RowSparseNDArray(_dense_on(host, ctx, data.dtype), np.sort(rows))
    if isinstance(arg1, tuple) and all(isinstance(d, numbers.Integral) for d in arg1):
        return cast(RowSparseNDArray, zeros("row_sparse", arg1, ctx=ctx, dtype=dtype))
    host = _host(arg1, dtype)
    dense = _dense_on(host, ctx, dtype or host.dtype)
    return cast(RowSparseNDArray, cast_storage(dense, "row_sparse"))


def csr_matrix(
    arg1: Any, shape: Any = None, ctx: Optional[Context] = None, dtype: Any = None
) -> CSRNDArray:
    """A CSRNDArray from ``(data, indices, indptr)``, from COO ``(data, (row, col))``, from a
    shape (zeros), from a dense or scipy array, or from another CSRNDArray (copied)."""
    ctx = _as_context(ctx)
    if isinstance(arg1, CSRNDArray):
        return arg1.copyto(ctx).astype(dtype or arg1.dtype)
    if hasattr(arg1, "tocsr") and hasattr(arg1, "toarray"):  # a scipy sparse matrix
        coo = arg1.tocoo()
        return csr_matrix((coo.data, (coo.row, coo.col)), arg1.shape, ctx, dtype or arg1.dtype)
    if (
        isinstance(arg1, tuple)
        and len(arg1) in (2, 3)
        and not isinstance(arg1[0], numbers.Integral)
    ):
        data = _values(arg1[0], dtype).reshape(-1)
        if len(arg1) == 2:
            rows, cols = (_host(part).astype(np.int64).reshape(-1) for part in arg1[1])
            if shape is None:
                shape = (
                    int(rows.max()) + 1 if rows.size else 0,
                    int(cols.max()) + 1 if cols.size else 0,
                )
        else:
            cols = _host(arg1[1]).astype(np.int64).reshape(-1)
            indptr = _host(arg1[2]).astype(np.int64).reshape(-1)
            shape = _shape_of(shape, "csr_matrix")
            if indptr.size != shape[0] + 1 or indptr[0] != 0 or np.any(np.diff(indptr) < 0):
                raise ValueError(
                    "csr_matrix: indptr must start at 0, not decrease and have %d entries, "
                    "got %s" % (shape[0] + 1, indptr.tolist())
                )
            if indptr[-1] != data.size or cols.size != data.size:
                raise ValueError(
                    "csr_matrix: %d values and %d column indices, but indptr ends at %d"
                    % (data.size, cols.size, indptr[-1])
                )
            rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
        shape = _nd._shape_tuple(shape)
        if len(shape) != 2:
            raise ValueError("csr_matrix: shape must be 2-D, got %s" % (shape,))
        for what, ids, bound in (("row", rows, shape[0]), ("column", cols, shape[1])):
            bad = _out_of_range(ids, bound)
            if bad is not None:
                raise IndexError(
                    "csr_matrix: %s index %d is out of range for %d %ss" % (what, bad, bound, what)
                )
        host = np.zeros(shape, dtype=data.dtype)
        np.add.at(host, (rows, cols), data)  # duplicates sum, as scipy's constructor does
        mask = np.zeros(shape, dtype=bool)
        mask[rows, cols] = True
        return CSRNDArray(_dense_on(host, ctx, data.dtype), mask)
    if isinstance(arg1, tuple) and all(isinstance(d, numbers.Integral) for d in arg1):
        return cast(CSRNDArray, zeros("csr", arg1, ctx=ctx, dtype=dtype))
    host = _host(arg1, dtype)
    return cast(CSRNDArray, cast_storage(_dense_on(host, ctx, dtype or host.dtype), "csr"))


def array(source_array: Any, ctx: Optional[Context] = None, dtype: Any = None) -> NDArray:
    """A sparse array from a sparse NDArray or a scipy sparse matrix (a copy)."""
    if isinstance(source_array, RowSparseNDArray):
        return row_sparse_array(source_array, ctx=ctx, dtype=dtype)
    if isinstance(source_array, CSRNDArray) or hasattr(source_array, "tocsr"):
        return csr_matrix(source_array, ctx=ctx, dtype=dtype)
    raise ValueError(
        "nd.sparse.array: expected a sparse NDArray or a scipy sparse matrix, got %s (use "
        "csr_matrix or row_sparse_array for dense or raw parts)" % type(source_array).__name__
    )


def zeros(
    stype: str, shape: Any, ctx: Optional[Context] = None, dtype: Any = None, **kwargs: Any
) -> NDArray:
    """An all-zero array of storage type ``stype`` (no stored positions)."""
    _check_stype(stype, "zeros")
    if kwargs:
        raise MXNetError(
            "Cannot find argument '%s', Possible Arguments: stype, shape, ctx, dtype"
            % next(iter(kwargs))
        )
    dense = _nd.zeros(shape, ctx, dtype if dtype is not None else "float32")
    return _wrap(dense, stype)


def empty(stype: str, shape: Any, ctx: Optional[Context] = None, dtype: Any = None) -> NDArray:
    """A sparse array with nothing stored (MXNet's ``empty`` of a sparse type is all zero)."""
    return zeros(stype, shape, ctx, dtype)


def retain(data: NDArray, indices: Any) -> RowSparseNDArray:
    """The rows ``indices`` of the row-sparse ``data``, all of them stored (a row that
    ``data`` does not store is a stored zero row), the others absent."""
    if not isinstance(data, RowSparseNDArray):
        raise MXNetError(
            "retain: data must be a RowSparseNDArray, got storage type %r"
            % getattr(data, "stype", type(data).__name__)
        )
    wanted = _host(indices).astype(np.int64).reshape(-1)
    bad = _out_of_range(wanted, data.shape[0])
    if bad is not None:
        raise IndexError("retain: row id %d is out of range for %d rows" % (bad, data.shape[0]))
    kept = np.unique(wanted)  # every asked row is stored, zero where data has none
    host = np.zeros(data.shape, dtype=data.dtype)
    present = np.intersect1d(data._row_ids(), kept)
    host[present] = data.asnumpy()[present]
    return RowSparseNDArray(_dense_on(host, data.context, data.dtype), kept)


def dot(
    lhs: NDArray,
    rhs: NDArray,
    transpose_a: bool = False,
    transpose_b: bool = False,
    forward_stype: Optional[str] = None,
) -> NDArray:
    """``nd.dot`` for sparse operands, with MXNet's output storage: dot(csr.T, dense) is
    row-sparse, the other combinations dense (or ``forward_stype`` when given)."""
    from . import ops

    return ops.dot(
        lhs, rhs, transpose_a=transpose_a, transpose_b=transpose_b, forward_stype=forward_stype
    )


def _elementwise(op: str, name: str) -> Any:
    def fn(lhs: NDArray, rhs: Any, out: Optional[NDArray] = None) -> NDArray:
        from . import ops

        result = getattr(ops, name)(lhs, rhs)
        if isinstance(lhs, BaseSparseNDArray):
            result = _arithmetic(op, lhs, rhs, result)
        if out is not None:
            out[:] = result
            return out
        return result

    fn.__name__ = name
    fn.__doc__ = "Elementwise ``lhs %s rhs``, with MXNet's output storage for sparse operands." % op
    return fn


elemwise_add = add = _elementwise("+", "elemwise_add")
elemwise_sub = subtract = _elementwise("-", "elemwise_sub")
elemwise_mul = multiply = _elementwise("*", "elemwise_mul")
elemwise_div = divide = _elementwise("/", "elemwise_div")


def zeros_like(data: NDArray, out: Optional[NDArray] = None) -> NDArray:
    """Zeros with ``data``'s shape, dtype, context and storage type (nothing stored)."""
    if out is not None:
        _core.fill_(out, 0.0)
        return out
    return zeros(data.stype, data.shape, data.context, data.dtype)


def __getattr__(name: str) -> Any:
    # The elementwise functions and reductions of nd accept sparse arrays (dense fallback,
    # and a sparse result for the f(0) = 0 functions); nd.sparse spells them too.
    if name in ZERO_PRESERVING or name in _DENSE_RESULT:
        from . import ops

        return getattr(ops, name)
    raise AttributeError("module 'gluonlite.ndarray.sparse' has no attribute %r" % name)


_DENSE_RESULT = frozenset(
    "arccos arccosh cos cosh exp gamma gammaln log log10 log2 rsqrt sigmoid sum mean norm "
    "where clip concat slice add_n ElementWiseSum broadcast_add broadcast_sub broadcast_mul "
    "broadcast_div broadcast_plus broadcast_minus stop_gradient make_loss Embedding "
    "FullyConnected".split()
)
