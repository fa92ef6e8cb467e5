"""Small helpers shared by the Gluon layer (MXNet 1.x ``mxnet.gluon.utils``)."""

from __future__ import annotations

import math
import warnings
import weakref
from collections import OrderedDict
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

# Re-exported: MXNet's gluon.utils has these private URL helpers too (datasets, model_store).
from ._download import _get_repo_file_url as _get_repo_file_url
from ._download import _get_repo_url as _get_repo_url
from ._download import check_sha1, download, replace_file

__all__ = [
    "HookHandle",
    "shape_is_known",
    "split_data",
    "split_and_load",
    "clip_global_norm",
    "check_sha1",
    "download",
    "replace_file",
]


def _indent(text: str, num_spaces: int) -> str:
    """Indent every line of ``text`` but the first by ``num_spaces`` spaces.

    Used by the nested ``repr`` of blocks and parameter dicts.
    """
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    pad = " " * num_spaces
    return lines[0] + "\n" + "\n".join(pad + line for line in lines[1:])


def _brief_print_list(items: Iterable[Any], limit: int = 7) -> str:
    """``'a', 'b', ..., 'z'`` style listing of at most ``limit`` items."""
    listed = list(items)
    if len(listed) > limit:
        head = _brief_print_list(listed[: limit // 2], limit)
        tail = _brief_print_list(listed[-limit // 2 :], limit)
        return head + ", ..., " + tail
    return ", ".join("'%s'" % str(i) for i in listed)


def _flat_values(value: Any, keep_none: bool = True) -> List[Any]:
    """The leaves of nested lists and tuples of inputs or outputs, in order (Nones dropped
    unless ``keep_none``)."""
    flat: List[Any] = []
    _collect_leaves(value, keep_none, flat)
    return flat


def _collect_leaves(item: Any, keep_none: bool, flat: List[Any]) -> None:
    # a module function, not a closure: a recursive closure is a reference cycle, garbage
    # for the collector on every call
    if isinstance(item, (list, tuple)):
        for inner in item:
            _collect_leaves(inner, keep_none, flat)
    elif keep_none or item is not None:
        flat.append(item)


def shape_is_known(shape: Optional[Sequence[int]]) -> bool:
    """True when ``shape`` is given and has no unknown (0) dimension.

    MXNet 1.x legacy shape semantics: 0 marks a dimension inferred later.
    """
    if shape is None:
        return False
    for dim in shape:
        if dim == 0 or dim is None or dim < 0:
            return False
    return True


class HookHandle:
    """A handle returned by ``register_forward_hook``; ``detach()`` removes the hook.

    Hooks are keyed by ``id(hook)`` as in MXNet, so registering the very same
    function twice on one block keeps a single entry.
    """

    def __init__(self) -> None:
        self._hooks_dict_ref: Optional[Callable[[], Optional[OrderedDict]]] = None
        self._id: Optional[int] = None

    def attach(self, hooks_dict: OrderedDict, hook: Callable) -> None:
        """Register ``hook`` in ``hooks_dict`` (a block's hook table)."""
        if self._hooks_dict_ref is not None:
            raise AssertionError("The same handle cannot be attached twice.")
        self._id = id(hook)
        hooks_dict[self._id] = hook
        self._hooks_dict_ref = weakref.ref(hooks_dict)

    def detach(self) -> None:
        """Remove the hook; detaching twice is harmless."""
        if self._hooks_dict_ref is None:
            return
        hooks_dict = self._hooks_dict_ref()
        if hooks_dict is not None and self._id in hooks_dict:
            del hooks_dict[self._id]

    def __getstate__(self) -> tuple:
        return (self._hooks_dict_ref() if self._hooks_dict_ref else None, self._id)

    def __setstate__(self, state: tuple) -> None:
        hooks_dict, self._id = state
        self._hooks_dict_ref = weakref.ref(hooks_dict) if hooks_dict is not None else (lambda: None)

    def __enter__(self) -> "HookHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.detach()


def split_data(
    data: Any, num_slice: int, batch_axis: int = 0, even_split: bool = True
) -> List[Any]:
    """Split an NDArray into ``num_slice`` slices along ``batch_axis``.

    With ``even_split=False`` the first ``size % num_slice`` slices get one extra row, and
    slices past the end are empty (MXNet 1.9.1's behaviour).
    """
    from .. import ndarray as nd

    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            "data with shape %s cannot be evenly split into %d slices along axis %d. "
            "Use a batch size that's multiple of %d or set even_split=False to allow "
            "uneven partitioning of data." % (str(data.shape), num_slice, batch_axis, num_slice)
        )
    if num_slice == 1:
        return [data]
    each, extras = divmod(size, num_slice)
    bounds = [0]
    for i in range(num_slice):
        bounds.append(bounds[-1] + each + (1 if i < extras else 0))
    if getattr(data, "stype", "default") == "csr":  # row slices of a CSRNDArray stay CSR
        if batch_axis != 0:
            raise ValueError(
                "split_data: a CSRNDArray splits along axis 0 only, got %d" % batch_axis
            )
        return [data[bounds[i] : bounds[i + 1]] for i in range(num_slice)]
    return [
        nd.slice_axis(data, axis=batch_axis, begin=bounds[i], end=bounds[i + 1])
        for i in range(num_slice)
    ]


def split_and_load(
    data: Any, ctx_list: Iterable[Any], batch_axis: int = 0, even_split: bool = True
) -> List[Any]:
    """Split ``data`` along ``batch_axis`` and load each slice onto one context.

    ``data`` may be an NDArray or anything ``nd.array`` accepts (it is then created on
    the first context).
    """
    from .. import ndarray as nd

    ctx_list = list(ctx_list)
    if not isinstance(data, nd.NDArray):
        data = nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(c) for s, c in zip(slices, ctx_list)]


def clip_global_norm(arrays: Sequence[Any], max_norm: float, check_isfinite: bool = True) -> Any:
    """Scale ``arrays`` in place so that their joint L2 norm is at most ``max_norm``.

    Returns the norm before clipping: a Python-side scalar when ``check_isfinite`` (which
    also warns if it is nan or inf), else a 1-element NDArray, so no device sync is forced.
    Unlike MXNet, float64 and float16 arrays work (MXNet fails on a dtype mismatch).
    """
    from .. import autograd
    from .. import ndarray as nd

    assert len(arrays) > 0, "clip_global_norm: arrays must not be empty"
    ctx = arrays[0].context
    dtype = arrays[0].dtype
    with autograd.pause():
        total = None
        for array in arrays:
            squares = nd.sum(nd.square(array)).reshape((1,)).as_in_context(ctx)
            if squares.dtype != dtype:
                squares = squares.astype(dtype)
            total = squares if total is None else total + squares
        total_norm = nd.sqrt(total)
        if check_isfinite:
            norm_value = total_norm.asscalar()
            if not math.isfinite(norm_value):
                warnings.warn(
                    UserWarning("nan or inf is detected. Clipping results will be undefined."),
                    stacklevel=2,
                )
        scale = nd.minimum(max_norm / (total_norm + 1e-8), 1.0)
        for array in arrays:
            factor = scale.as_in_context(array.context)
            if factor.dtype != array.dtype:
                factor = factor.astype(array.dtype)
            array *= factor
    return norm_value if check_isfinite else total_norm


# ---------------------------------------------------------------- deferred shape inference
# MXNet infers unknown parameter dimensions of a custom HybridBlock by running its
# hybrid_forward once on symbols. gluonlite has no symbols: it runs hybrid_forward once
# with a stand-in (_ShapeProbe) for each parameter of unknown shape and an ``F`` that,
# when an op meets a stand-in, reads the missing dimensions off the op's other inputs.


def _probe_operator(op: str, reflected: bool = False) -> Callable[["_ShapeProbe", Any], Any]:
    """A _ShapeProbe operator: resolve the probe against the other operand, then apply ``op``."""

    def method(self: "_ShapeProbe", other: Any) -> Any:
        value = self._like(other)
        return getattr(other, op)(value) if reflected else getattr(value, op)(other)

    return method


class _ShapeProbe:
    """Stands for a parameter of unknown shape during one inference run."""

    def __init__(self, param: Any, ctx: Any) -> None:
        self.param = param
        self.ctx = ctx

    @property
    def shape(self) -> Optional[Tuple[int, ...]]:
        return self.param._shape

    def resolve(self, shape: Sequence[int]) -> Any:
        """Fix the parameter's shape (only its unknown dims may change); zeros stand in."""
        from .. import ndarray as nd

        old = self.param._shape
        if old is not None and len(old) == len(shape):
            shape = tuple(o if o else n for o, n in zip(old, shape))
        self.param.shape = tuple(int(d) for d in shape)
        return nd.zeros(self.param.shape, ctx=self.ctx, dtype=self.param.dtype)

    def _like(self, other: Any) -> Any:
        """Elementwise use: unknown dims come from the other operand, trailing-aligned."""
        other_shape = tuple(getattr(other, "shape", ()))
        mine = self.param._shape or (0,) * len(other_shape)
        offset = len(other_shape) - len(mine)
        guess = tuple(
            other_shape[offset + i] if offset + i >= 0 else dim for i, dim in enumerate(mine)
        )
        return self.resolve(guess)

    __add__ = _probe_operator("__add__")
    __radd__ = _probe_operator("__add__", True)
    __sub__ = _probe_operator("__sub__")
    __rsub__ = _probe_operator("__sub__", True)
    __mul__ = _probe_operator("__mul__")
    __rmul__ = _probe_operator("__mul__", True)
    __truediv__ = _probe_operator("__truediv__")
    __rtruediv__ = _probe_operator("__truediv__", True)


def _features(data: Any, flatten: bool) -> int:
    if not flatten:
        return data.shape[-1]
    count = 1
    for dim in data.shape[1:]:
        count *= dim
    return count


def _infer_fully_connected(args: dict) -> None:
    data, weight, bias = args.get("data"), args.get("weight"), args.get("bias")
    hidden = args.get("num_hidden")
    if isinstance(weight, _ShapeProbe):
        hidden = hidden or (weight.shape[0] if weight.shape else 0)
        args["weight"] = weight.resolve((hidden, _features(data, args.get("flatten", True))))
    if isinstance(bias, _ShapeProbe):
        hidden = hidden or args["weight"].shape[0]
        args["bias"] = bias.resolve((hidden,))


def _infer_dot(args: dict) -> None:
    lhs: Any = args.get("lhs")  # a _ShapeProbe, an NDArray or a number
    rhs: Any = args.get("rhs")
    trans_a, trans_b = args.get("transpose_a", False), args.get("transpose_b", False)
    if isinstance(rhs, _ShapeProbe) and not isinstance(lhs, _ShapeProbe):
        inner = lhs.shape[0] if trans_a else lhs.shape[-1]
        known = rhs.shape or (0, 0)
        args["rhs"] = rhs.resolve((known[0], inner) if trans_b else (inner,) + tuple(known[1:]))
    elif isinstance(lhs, _ShapeProbe) and not isinstance(rhs, _ShapeProbe):
        inner = rhs.shape[-1] if trans_b else rhs.shape[0]
        known = lhs.shape or (0, 0)
        args["lhs"] = lhs.resolve((inner, known[-1]) if trans_a else tuple(known[:-1]) + (inner,))


def _infer_elementwise(args: dict) -> None:
    lhs, rhs = args.get("lhs"), args.get("rhs")
    if isinstance(lhs, _ShapeProbe) and not isinstance(rhs, _ShapeProbe):
        args["lhs"] = lhs._like(rhs)
    elif isinstance(rhs, _ShapeProbe) and not isinstance(lhs, _ShapeProbe):
        args["rhs"] = rhs._like(lhs)


_INFER_RULES = {"FullyConnected": _infer_fully_connected, "dot": _infer_dot}
for _op in (
    "broadcast_add",
    "broadcast_sub",
    "broadcast_mul",
    "broadcast_div",
    "elemwise_add",
    "elemwise_sub",
    "elemwise_mul",
    "elemwise_div",
    "add",
    "subtract",
    "multiply",
    "divide",
    "maximum",
    "minimum",
    "broadcast_maximum",
    "broadcast_minimum",
):
    _INFER_RULES[_op] = _infer_elementwise


class _InferenceF:
    """The ``F`` of the inference run: ``nd``, with ops that resolve parameter stand-ins."""

    __name__ = "gluonlite.symbol"  # MXNet's first, shape-inferring pass sees mxnet.symbol

    def __getattr__(self, name: str) -> Any:
        import inspect

        from .. import ndarray as nd

        fn = getattr(nd, name)
        if not callable(fn) or isinstance(fn, type):
            return fn

        def call(*args: Any, **kwargs: Any) -> Any:
            if not any(isinstance(a, _ShapeProbe) for a in list(args) + list(kwargs.values())):
                return fn(*args, **kwargs)
            rule = _INFER_RULES.get(name)
            if rule is None:
                names = [
                    a.param.name
                    for a in list(args) + list(kwargs.values())
                    if isinstance(a, _ShapeProbe)
                ]
                raise ValueError(
                    "cannot infer the unknown dimensions of %s through F.%s; "
                    "give the parameter its full shape or override "
                    "infer_shape(self, *inputs)" % (", ".join(names), name)
                )
            bound = inspect.signature(fn).bind(*args, **kwargs)
            arguments = dict(bound.arguments)
            rule(arguments)
            extra = arguments.pop("kwargs", {})
            return fn(**arguments, **extra)

        return call


def _infer_by_probing(block: Any, params: Dict[str, Any], ctx: Any, inputs: tuple) -> None:
    """Run ``block.hybrid_forward`` once with stand-ins, filling unknown parameter dims."""
    from .. import autograd
    from .. import ndarray as nd

    values = {}
    for name, param in params.items():
        if param._data is not None:
            values[name] = param.data(ctx)
        elif shape_is_known(param.shape):
            values[name] = nd.zeros(param.shape, ctx=ctx, dtype=param.dtype)
        else:
            values[name] = _ShapeProbe(param, ctx)
    with autograd.pause():
        block.hybrid_forward(_InferenceF(), *inputs, **values)
