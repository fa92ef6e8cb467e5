"""``nd.sparse``: gluonlite stores every array densely.

MXNet's sparse storage types (CSR and row-sparse) are not implemented. This module exists
so that ``import mxnet.ndarray.sparse`` in a ported script works and every use of it
raises NotImplementedError saying so, rather than an ImportError at the top of the file
or, worse, a silently dense result. Dense equivalents: ``nd.array(scipy_matrix.toarray())``
for ``csr_matrix``, ``nd.dot`` for ``sparse.dot``.
"""

from __future__ import annotations

from typing import Any, NoReturn

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
]


def _refuse(name: str) -> NoReturn:
    raise NotImplementedError(
        "nd.sparse.%s: sparse storage (csr, row_sparse) is not supported by gluonlite; arrays "
        "are dense (use nd.array / nd.dot on dense data)" % name
    )


class BaseSparseNDArray:
    """Not available: gluonlite has no sparse NDArray (isinstance checks are False)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _refuse(type(self).__name__)


class CSRNDArray(BaseSparseNDArray):
    """Not available (see the module docstring)."""


class RowSparseNDArray(BaseSparseNDArray):
    """Not available (see the module docstring)."""


def csr_matrix(*args: Any, **kwargs: Any) -> NoReturn:
    """Not available: raises NotImplementedError (gluonlite arrays are dense)."""
    _refuse("csr_matrix")


def row_sparse_array(*args: Any, **kwargs: Any) -> NoReturn:
    """Not available: raises NotImplementedError (gluonlite arrays are dense)."""
    _refuse("row_sparse_array")


def array(*args: Any, **kwargs: Any) -> NoReturn:
    """Not available: raises NotImplementedError (gluonlite arrays are dense)."""
    _refuse("array")


def zeros(*args: Any, **kwargs: Any) -> NoReturn:
    """Not available: raises NotImplementedError (gluonlite arrays are dense)."""
    _refuse("zeros")


def empty(*args: Any, **kwargs: Any) -> NoReturn:
    """Not available: raises NotImplementedError (gluonlite arrays are dense)."""
    _refuse("empty")


def dot(*args: Any, **kwargs: Any) -> NoReturn:
    """Not available: raises NotImplementedError (gluonlite arrays are dense)."""
    _refuse("dot")


def retain(*args: Any, **kwargs: Any) -> NoReturn:
    """Not available: raises NotImplementedError (gluonlite arrays are dense)."""
    _refuse("retain")


def cast_storage(*args: Any, **kwargs: Any) -> NoReturn:
    """Not available: raises NotImplementedError (gluonlite arrays are dense)."""
    _refuse("cast_storage")
