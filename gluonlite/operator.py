"""Custom operators written in Python (MXNet's ``mxnet.operator``).

Subclass :class:`CustomOpProp` to describe an operator (its arguments, outputs, shapes and
dtypes) and :class:`CustomOp` to compute it, register the property class with
``@register("name")``, then call it with ``nd.Custom(*inputs, op_type="name", **kwargs)``.
Under ``autograd.record()`` the outputs join the graph and ``CustomOp.backward`` supplies the
gradients. ``nd.Custom`` itself lives in ``gluonlite/ndarray/custom.py``.
"""

from __future__ import annotations

import warnings
from typing import Callable, Dict, List

from .base import DTYPE_CODES, MXNetError, MXNetValueError  # noqa: F401  (custom.py reads it here)

__all__ = [
    "CustomOp",
    "CustomOpProp",
    "register",
]


_REGISTRY: Dict[str, type] = {}


class CustomOp:
    """The computation of a custom operator; override ``forward`` and ``backward``.

    Both run unrecorded (``autograd.is_recording()`` is False inside). Write results with
    ``self.assign(dst, req, src)``, which honours the request for each output or gradient.
    """

    def __init__(self) -> None:
        pass

    def forward(self, is_train: bool, req: List[str], in_data, out_data, aux) -> None:
        """Compute ``out_data`` from ``in_data`` (and the auxiliary states ``aux``)."""

    def backward(self, req: List[str], out_grad, in_data, out_data, in_grad, aux) -> None:
        """Compute ``in_grad`` from ``out_grad``; ``req[i]`` is 'null' where none is needed.

        gluonlite hands over zero-filled ``in_grad`` buffers with req 'write' and adds the
        results into the graph's gradients itself, where MXNet may pass the variable's own
        buffer with req 'add'; an operator that writes through ``assign`` sees no difference.
        """

    def assign(self, dst, req: str, src) -> None:
        """Write ``src`` into ``dst`` as ``req`` asks: 'write'/'inplace' copy, 'add' adds,
        'null' does nothing."""
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] = dst + src
        else:
            raise MXNetValueError(
                "CustomOp.assign: req must be 'null', 'write', 'inplace' or 'add', got %r" % (req,)
            )


class CustomOpProp:
    """The description of a custom operator: names, shapes, dtypes, backward needs.

    Keyword arguments given to ``nd.Custom`` reach ``__init__`` as strings, as in MXNet.
    ``need_top_grad=False`` declares an operator (a loss, typically) whose backward does not
    use the incoming gradient.
    """

    def __init__(self, need_top_grad: bool = True) -> None:
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape: List[list]):
        """``(in_shapes, out_shapes[, aux_shapes])``; by default every output has the first
        input's shape."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type: list):
        """``(in_types, out_types[, aux_types])``; by default everything has the first input's
        dtype."""
        first = in_type[0]
        return (
            in_type,
            [first] * len(self.list_outputs()),
            [first] * len(self.list_auxiliary_states()),
        )

    def list_outputs(self) -> List[str]:
        """Names of the outputs."""
        return ["output"]

    def list_arguments(self) -> List[str]:
        """Names of the inputs that receive gradients."""
        return ["data"]

    def list_auxiliary_states(self) -> List[str]:
        """Names of the auxiliary states: inputs after the arguments, mutable, no gradient."""
        return []

    def declare_backward_dependency(self, out_grad, in_data, out_data) -> list:
        """Ids of the arrays ``backward`` reads; the others are not kept for it."""
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes: List[list], in_dtypes: List[int]) -> CustomOp:
        """The CustomOp instance for one call (inputs' context, shapes and dtype codes)."""
        return CustomOp()


def register(reg_name: str) -> Callable[[type], type]:
    """Class decorator registering a CustomOpProp subclass as ``op_type=reg_name``."""
    if not isinstance(reg_name, str) or not reg_name:
        raise MXNetValueError(
            "operator.register: the name must be a non-empty string, got %r" % (reg_name,)
        )

    def do_register(prop_cls: type) -> type:
        if not isinstance(prop_cls, type):
            raise MXNetValueError(
                "operator.register(%r) decorates a CustomOpProp subclass, got %r"
                % (reg_name, prop_cls)
            )
        if reg_name in _REGISTRY and _REGISTRY[reg_name] is not prop_cls:
            warnings.warn(
                "New registration is overriding existing custom operator %s" % reg_name,
                stacklevel=2,
            )
        _REGISTRY[reg_name] = prop_cls
        return prop_cls

    return do_register


def lookup(op_type: str) -> type:
    """The property class registered as ``op_type``, or MXNetError naming the known ones."""
    try:
        return _REGISTRY[op_type]
    except (KeyError, TypeError):
        raise MXNetError(
            "Cannot find custom operator %r; registered custom operators: %s. Register its "
            "CustomOpProp with @mx.operator.register(%r)."
            % (op_type, ", ".join(sorted(_REGISTRY)) or "none", op_type)
        ) from None


register("custom_op")(CustomOpProp)
