"""Small helpers shared by the Gluon layer (MXNet 1.x ``mxnet.gluon.utils``)."""
from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import Any, Callable, Iterable, List, Optional, Sequence

__all__ = ['HookHandle', 'shape_is_known', 'split_data', 'split_and_load']


def _indent(text: str, num_spaces: int) -> str:
    """Indent every line of ``text`` but the first by ``num_spaces`` spaces.

    Used by the nested ``repr`` of blocks and parameter dicts.
    """
    lines = text.split('\n')
    if len(lines) == 1:
        return text
    pad = ' ' * num_spaces
    return lines[0] + '\n' + '\n'.join(pad + line for line in lines[1:])


def _brief_print_list(items: Sequence[Any], limit: int = 7) -> str:
    """``'a', 'b', ..., 'z'`` style listing of at most ``limit`` items."""
    items = list(items)
    if len(items) > limit:
        head = _brief_print_list(items[:limit // 2], limit)
        tail = _brief_print_list(items[-limit // 2:], limit)
        return head + ', ..., ' + tail
    return ', '.join("'%s'" % str(i) for i in items)


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
            raise AssertionError('The same handle cannot be attached twice.')
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
        self._hooks_dict_ref = weakref.ref(hooks_dict) if hooks_dict is not None \
            else (lambda: None)

    def __enter__(self) -> 'HookHandle':
        return self

    def __exit__(self, *exc: Any) -> None:
        self.detach()


def split_data(data: Any, num_slice: int, batch_axis: int = 0,
               even_split: bool = True) -> List[Any]:
    """Split an NDArray into ``num_slice`` slices along ``batch_axis``."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            "data with shape %s cannot be evenly split into %d slices along axis %d. "
            "Use a batch size that's multiple of %d or set even_split=False to allow "
            "uneven partitioning of data." % (str(data.shape), num_slice, batch_axis, num_slice))
    if size < num_slice:
        raise ValueError(
            "Too many slices for data with shape %s. Arguments are num_slice=%d and "
            "batch_axis=%d." % (str(data.shape), num_slice, batch_axis))
    step = size // num_slice
    bounds = [i * step for i in range(num_slice)] + [size]
    if num_slice == 1:
        return [data]
    slices = []
    for i in range(num_slice):
        index = [slice(None)] * len(data.shape)
        index[batch_axis] = slice(bounds[i], bounds[i + 1])
        slices.append(data[tuple(index)] if batch_axis else data[bounds[i]:bounds[i + 1]])
    return slices


def split_and_load(data: Any, ctx_list: Iterable[Any], batch_axis: int = 0,
                   even_split: bool = True) -> List[Any]:
    """Split ``data`` along ``batch_axis`` and load each slice onto one context."""
    from .. import ndarray as nd
    ctx_list = list(ctx_list)
    if not isinstance(data, nd.NDArray):
        data = nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(c) for s, c in zip(slices, ctx_list)]
