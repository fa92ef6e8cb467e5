"""Embedding layer (MXNet 1.x ``gluon.nn.Embedding``)."""

from __future__ import annotations

from typing import Any

from ...base import MXNetError
from ..block import HybridBlock
from . import _checks
from .conv_layers import op_error

__all__ = ["Embedding"]


class Embedding(HybridBlock):
    """Map integer indices to rows of a (input_dim, output_dim) weight.

    Out-of-range indices are clipped to [0, input_dim - 1], as in MXNet. With
    ``sparse_grad=True`` the weight's gradient is a RowSparseNDArray (its stored rows:
    the rows with a nonzero gradient), so lazy optimizer updates touch only those rows.
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        dtype: Any = "float32",
        weight_initializer: Any = None,
        sparse_grad: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        input_dim = _checks.positive_int("Embedding", "input_dim", input_dim)
        output_dim = _checks.positive_int("Embedding", "output_dim", output_dim)
        self._kwargs = {
            "input_dim": input_dim,
            "output_dim": output_dim,
            "dtype": dtype,
            "sparse_grad": sparse_grad,
        }
        self.weight = self.params.get(
            "weight",
            shape=(input_dim, output_dim),
            init=weight_initializer,
            dtype=dtype,
            allow_deferred_init=True,
            grad_stype="row_sparse" if sparse_grad else "default",
        )

    def hybrid_forward(self, F: Any, x: Any, weight: Any) -> Any:
        try:
            return F.Embedding(x, weight, name="fwd", **self._kwargs)
        except MXNetError as error:
            raise op_error(self, error) from None

    def __repr__(self) -> str:
        return "{block_name}({input_dim} -> {output_dim}, {dtype})".format(
            block_name=self.__class__.__name__, **self._kwargs
        )
