"""``Block`` and ``HybridBlock``: naming, child/parameter registration, hooks, forward.

Names follow MXNet 1.9.1 exactly, since scripts print them: outside any name scope a
block takes ``<class name lower-cased><n>`` from a per-thread, per-class counter that
keeps rising across models (``dense0``, ``dense1``...); inside ``with
parent.name_scope():`` the counter is the parent's own and the parent's prefix is
prepended (``mlp0_dense0_``).

Differences from MXNet, on purpose: a Parameter assigned as an attribute is part of
``collect_params()`` (so it gets initialized); ``collect_params(pattern)`` that selects
nothing warns and suggests ``'.*' + pattern``. ``hybridize()`` is accepted and runs the
same eager code (identical results).
"""

from __future__ import annotations

import re
import threading
import warnings
import weakref
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Tuple

from .. import _core
from .. import name as _name
from .. import ndarray as nd
from ..context import current_context
from ..numpy.multiarray import _wrap_any as _np_wrap
from ..numpy_extension import _state as _np_state
from ..numpy_extension.io import save as _npx_save
from ..symbol.symbol import Symbol as _Symbol
from . import _param_io
from .parameter import DEFAULT_INIT, DeferredInitializationError, Parameter, ParameterDict
from .utils import HookHandle, _flat_values, _indent, _infer_by_probing, shape_is_known

__all__ = ["Block", "HybridBlock"]

_name_state = threading.local()  # .counter: hint -> next number, for blocks outside scopes


def _next_global_name(hint: str) -> str:
    counter = getattr(_name_state, "counter", None)
    if counter is None:
        counter = _name_state.counter = {}
    number = counter.get(hint, 0)
    counter[hint] = number + 1
    return "%s%d" % (hint, number)


class _BlockScope:
    """The name scope of one block: children created inside it get its prefix."""

    _current = threading.local()

    def __init__(self, block: "Block") -> None:
        self._block = block
        # hint -> next number, kept by the block across its name_scope() calls; a scope
        # object lives only for its ``with`` (one held by the block would make a cycle, and
        # a dropped network would wait for the garbage collector to free its arrays)
        self._counter: Dict[str, int] = block.__dict__.setdefault("_scope_counter", {})
        self._old_scope: Optional["_BlockScope"] = None

    @staticmethod
    def create(
        prefix: Optional[str], params: Optional[ParameterDict], hint: str
    ) -> Tuple[str, ParameterDict]:
        """Prefix and ParameterDict of a new block, given the scope it is created in."""
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = _next_global_name(hint) + "_"
            params = (
                ParameterDict(prefix) if params is None else ParameterDict(params.prefix, params)
            )
            return prefix, params
        if prefix is None:
            number = current._counter.get(hint, 0)
            prefix = "%s%d_" % (hint, number)
            current._counter[hint] = number + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self) -> "_BlockScope":
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._block._empty_prefix:
            return
        _BlockScope._current.value = self._old_scope


def _holds_unregistered_block(value: Any, child_ids: set) -> bool:
    if isinstance(value, Block):
        return id(value) not in child_ids
    if isinstance(value, (list, tuple)):
        return any(_holds_unregistered_block(v, child_ids) for v in value)
    if isinstance(value, dict):
        return any(_holds_unregistered_block(v, child_ids) for v in value.values())
    return False


# A Block's own bookkeeping containers, which never hold unregistered Blocks.
_MISSING = object()
# Values that are never registered (neither Block, Parameter nor container).
_PLAIN_VALUE_TYPES = frozenset((str, int, float, bool, type(None)))
_INTERNAL_CONTAINERS = frozenset(
    ("_children", "_reg_params", "_forward_hooks", "_forward_pre_hooks", "_flags")
)


class _HookPause(threading.local):
    """Set while a hybridized block's first call runs its children imperatively."""

    active = False


_HOOKS_PAUSED = _HookPause()


class Block:
    """Base class of all layers and models; subclasses implement ``forward``."""

    _empty_prefix: bool
    _prefix: str
    _params: ParameterDict
    _name: str
    _children: "OrderedDict[str, Block]"
    _reg_params: Dict[str, Parameter]
    _forward_hooks: "OrderedDict[int, Callable]"
    _forward_pre_hooks: "OrderedDict[int, Callable]"
    _scope_counter: Dict[str, int]

    def __init__(
        self, prefix: Optional[str] = None, params: Optional[ParameterDict] = None
    ) -> None:
        block_prefix, block_params = _BlockScope.create(prefix, params, self._alias())
        # Internal fields go straight into __dict__: none is a child or a Parameter, so
        # __setattr__'s registration checks have nothing to do for them.
        self.__dict__.update(
            _empty_prefix=prefix == "",
            _prefix=block_prefix,
            _params=block_params,
            _name=block_prefix[:-1] if block_prefix.endswith("_") else block_prefix,
            _children=OrderedDict(),  # name -> Block
            _reg_params={},  # attribute name -> Parameter
            _forward_hooks=OrderedDict(),  # id -> Callable
            _forward_pre_hooks=OrderedDict(),
        )
        self.__dict__["_scope_counter"] = {}  # see _BlockScope

    def __repr__(self) -> str:
        modstr = "\n".join(
            "  ({key}): {block}".format(key=key, block=_indent(repr(block), 2))
            for key, block in self.__dict__.items()
            if isinstance(block, Block)
        )
        return "{name}(\n{modstr}\n)".format(name=self.__class__.__name__, modstr=modstr)

    def __setattr__(self, name: str, value: Any) -> None:
        """Register Block and Parameter attributes (as children / own parameters)."""
        existing = self.__dict__.get(name, _MISSING)
        if type(value) in _PLAIN_VALUE_TYPES and (
            type(existing) in _PLAIN_VALUE_TYPES
            or (existing is _MISSING and not hasattr(type(self), name))
        ):  # nothing to register or to refuse: the common case of a private field
            object.__setattr__(self, name, value)
            return
        if existing is _MISSING and hasattr(type(self), name):  # a class attribute/property
            existing = getattr(self, name, _MISSING)
        if existing is not _MISSING:
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError(
                    "Changing attribute type for {name} from {type1} to {type2}"
                    "is not allowed.".format(name=name, type1=type(existing), type2=type(value))
                )
        if isinstance(value, (list, tuple, dict)) and name not in _INTERNAL_CONTAINERS:
            # Remembered so collect_params checks only these for unregistered Blocks.
            self.__dict__.setdefault("_container_attrs", set()).add(name)
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise AssertionError(
                    "Overriding Parameter attribute %s is not allowed. If you want to share "
                    "parameters between blocks, please set 'params' at Block construction "
                    "instead." % name
                )
            self._reg_params[name] = value
            if value._owner is None:
                value._owner = weakref.ref(self)
        super().__setattr__(name, value)

    def _check_container_with_block(self, stacklevel: int = 3) -> None:
        names = self.__dict__.get("_container_attrs")
        if not names:
            return
        child_ids = None
        for name, value in self.__dict__.items():
            if (
                name not in names
                or name.startswith("__")
                or not isinstance(value, (list, tuple, dict))
            ):
                continue
            if child_ids is None:
                child_ids = {id(c) for c in self._children.values()}
            if _holds_unregistered_block(value, child_ids):
                warnings.warn(
                    '"{name}" is an unregistered container with Blocks. Note that Blocks '
                    "inside the list, tuple or dict will not be registered automatically. "
                    "Make sure to register them using register_child() or switching to "
                    "nn.Sequential/nn.HybridSequential instead. ".format(
                        name=self.__class__.__name__ + "." + name
                    ),
                    stacklevel=stacklevel,
                )

    def _alias(self) -> str:
        return self.__class__.__name__.lower()

    @property
    def prefix(self) -> str:
        """Prefix of this block's names (``'dense0_'``)."""
        return self._prefix

    @property
    def name(self) -> str:
        """The prefix without its trailing underscore (``'dense0'``)."""
        return self._name

    def name_scope(self) -> _BlockScope:
        """``with self.name_scope():`` children created inside get this block's prefix."""
        return _BlockScope(self)

    @property
    def params(self) -> ParameterDict:
        """This block's own ParameterDict (children excluded: see ``collect_params``)."""
        return self._params

    def _own_params(self) -> "OrderedDict[str, Parameter]":
        """params, plus Parameters assigned as attributes but not obtained from params."""
        params = self._params._params
        for param in self._reg_params.values():
            if params.get(param.name) is not param:
                break
        else:  # every attribute's Parameter came from params (the usual case): no copy
            return params  # read-only use by callers
        own = OrderedDict(self._params.items())
        known = set(id(p) for p in own.values())
        for param in self._reg_params.values():
            if id(param) not in known:
                own[param.name] = param
                known.add(id(param))
        return own

    def _collect(
        self, pattern: Optional["re.Pattern"], out: ParameterDict, stacklevel: int
    ) -> None:
        self._check_container_with_block(stacklevel)
        collected = out._params
        for key, param in self._own_params().items():
            if pattern is not None and not pattern.match(key):
                continue
            existing = collected.get(key)
            if existing is not None and existing is not param:
                raise AssertionError(
                    "Cannot update self with other because they have "
                    "different Parameters with the same name '%s'" % key
                )
            collected[key] = param
        for child in self._children.values():
            child._collect(pattern, out, stacklevel + 1)

    def collect_params(self, select: Optional[str] = None) -> ParameterDict:
        """Parameters of this block and all children, keyed by full name, each once.

        ``select`` is a regex matched with ``re.match`` (anchored at the start of the
        name): ``'.*weight'`` selects weights, ``'weight'`` selects nothing (and warns).
        """
        ret = ParameterDict(self._params.prefix)
        pattern = re.compile(select) if select else None
        self._collect(pattern, ret, stacklevel=4)
        if select and pattern is not None and not ret._params:
            everything = ParameterDict(self._params.prefix)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._collect(None, everything, stacklevel=4)
            if everything._params:
                hint = (
                    ""
                    if select.startswith(".*")
                    else " Did you mean '.*%s'? The pattern must match from the start of names "
                    "such as '%s'." % (select, next(iter(everything._params)))
                )
                warnings.warn(
                    "collect_params('%s') selected no parameters: patterns are "
                    "applied with re.match.%s" % (select, hint),
                    stacklevel=2,
                )
        return ret

    def _collect_params_with_prefix(self, prefix: str = "") -> Dict[str, Parameter]:
        """Parameters keyed by structural path (``'0.weight'``), used by save/load."""
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def register_child(self, block: "Block", name: Optional[str] = None) -> None:
        """Add ``block`` as a child under ``name`` (default: its position)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook: Callable) -> HookHandle:
        """``hook(block, inputs)`` runs before ``forward``; returns a detachable handle."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook: Callable) -> HookHandle:
        """``hook(block, inputs, output)`` runs after ``forward``; returns a detachable handle."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def register_op_hook(
        self, callback: Callable[[bytes, bytes, Any], Any], monitor_all: bool = False
    ) -> None:
        """``callback(name, op_name, array)`` for every operator a hybridized block (this one
        or a child) runs: each output, and with ``monitor_all`` each input too. Names are
        bytes, as MXNet passes them; see gluon/_op_hook.py for MXNet's naming."""
        if not callable(callback):
            raise TypeError("register_op_hook: callback must be callable, got %r" % (callback,))
        self._op_hook = (callback, bool(monitor_all))
        for child in self._children.values():
            child.register_op_hook(callback, monitor_all)

    def apply(self, fn: Callable[["Block"], Any]) -> "Block":
        """Call ``fn`` on every child (recursively, children first), then on self."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def initialize(
        self,
        init: Any = DEFAULT_INIT,
        ctx: Any = None,
        verbose: bool = False,
        force_reinit: bool = False,
    ) -> None:
        """Initialize all parameters (``collect_params().initialize``); default Uniform(0.07)."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Accepted for compatibility; children are hybridized too (results are unchanged)."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype: Any) -> None:
        """Cast all parameters (and children's) to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for param in self._own_params().values():
            param.cast(dtype)

    def save_parameters(self, filename: str, deduplicate: bool = False) -> None:
        """Save parameters under structural names (``'0.weight'``, ``'hidden.bias'``).

        Structural names do not depend on name counters, so the file loads into any
        instance of the same architecture. ``deduplicate=True`` saves a shared parameter
        once, as MXNet does: under its last name, at its first name's position. The file
        is replaced atomically (see ``nd.save``).
        """
        params = self._collect_params_with_prefix()
        if deduplicate:
            last_name = {id(p): name for name, p in params.items()}
            unique: Dict[str, Parameter] = {}
            for param in params.values():
                name = last_name[id(param)]
                if name not in unique:
                    unique[name] = param
            params = unique
        save = _npx_save if _np_state.np_array() else nd.save  # V3 records in NumPy mode
        save(filename, {key: param._reduce() for key, param in params.items()})

    def save_params(self, filename: str) -> None:
        """Deprecated (MXNet warns too): ``collect_params().save`` with this block's prefix
        stripped. ``save_parameters`` is the current form."""
        warnings.warn(
            "save_params is deprecated. Please use save_parameters. Note that if you want load "
            "from SymbolBlock later, please use export instead.",
            stacklevel=2,
        )
        self.collect_params().save(filename, strip_prefix=self.prefix)

    def load_params(
        self,
        filename: str,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
    ) -> None:
        """Deprecated (MXNet warns too): ``load_parameters``."""
        warnings.warn("load_params is deprecated. Please use load_parameters.", stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def save(self, prefix: str) -> None:
        """Saves the block structure and parameters: ``<prefix>-model.json`` and
        ``<prefix>-model.params`` (MXNet 1.9's ``Block.save``; see _model_io.py)."""
        from ._model_io import save_model

        save_model(self, prefix)

    def load(self, prefix: str) -> None:
        """Loads what ``save`` wrote into a model built the same way, in the same order."""
        from ._model_io import load_model

        load_model(self, prefix)

    def load_parameters(
        self,
        filename: str,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
        cast_dtype: bool = False,
        dtype_source: str = "current",
    ) -> None:
        """Load parameters saved by ``save_parameters``, ``collect_params().save`` or ``export``.

        Structural keys are matched by structure. A file whose keys have no ``.`` takes
        MXNet's legacy path (global names, ``arg:``/``aux:`` stripped, this block's prefix
        prepended); gluonlite also matches such a file when its names carry other counters
        (see ``_param_io``). Nothing changes unless every loaded value fits its parameter;
        a never-initialized or deferred parameter takes the saved shape.
        """
        loaded = _param_io.as_param_dict(nd.load(filename), filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if loaded and not any("." in key for key in loaded):
            pairs = _param_io.match_legacy(
                self.collect_params()._params,
                loaded,
                self.prefix,
                "file: %s" % filename,
                allow_missing,
                ignore_extra,
            )
        else:
            pairs = _param_io.match_structural(
                params, loaded, filename, allow_missing, ignore_extra
            )
        _param_io.load_pairs(pairs, ctx, cast_dtype, dtype_source, "file '%s'" % filename)

    def __call__(self, *args: Any) -> Any:
        """Run the pre-hooks, ``forward``, then the hooks."""
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
        out = self.forward(*args)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
        return out

    def forward(self, *args: Any) -> Any:
        """Override to define the computation."""
        raise NotImplementedError

    def summary(self, *inputs: Any) -> None:
        """Print each layer's output shape and parameter count, as MXNet's table.

        Runs ``self(*inputs)`` with a forward hook on every block (not on Sequential
        containers), so the net must be initialized (deferred shapes are filled by this very
        forward) and not hybridized (AssertionError, as in MXNet).
        """
        from ._summary import print_summary

        print_summary(self, *inputs)


def _first_context(args: Tuple[Any, ...]) -> Any:
    for arg in args:
        if isinstance(arg, nd.NDArray):
            return arg.context
        if isinstance(arg, (list, tuple)):
            ctx = _first_context(tuple(arg))
            if ctx is not None:
                return ctx
    return None


_ONE_ARRAY = ((False,), [0])  # the structure key of a call with one array


def _holds_symbol(values: Any) -> bool:
    for value in values:
        if isinstance(value, _Symbol):
            return True
        if isinstance(value, (list, tuple)) and _holds_symbol(value):
            return True
    return False


def _holds_ndarray(values: Any) -> bool:
    for value in values:
        if isinstance(value, nd.NDArray):
            return True
        if isinstance(value, (list, tuple)) and _holds_ndarray(value):
            return True
    return False


class HybridBlock(Block):
    """A Block whose computation is ``hybrid_forward(F, x, *args, **params)`` with ``F = nd``.

    Its own parameters are passed to ``hybrid_forward`` as keyword arguments (by attribute
    name). Unknown parameter dimensions are filled by ``infer_shape(*inputs)`` at the first
    forward, then the deferred initialization runs.
    """

    _active: bool
    _flags: List[Tuple[str, Any]]

    def __init__(
        self, prefix: Optional[str] = None, params: Optional[ParameterDict] = None
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self.__dict__.update(_active=False, _flags=[])  # _flags: (name, value) pairs

    def register_child(self, block: Block, name: Optional[str] = None) -> None:
        """Add a child; it must be a HybridBlock too. A traced graph is dropped (the next
        call traces the new structure)."""
        self.__dict__.pop("_cached_graph", None)
        if not isinstance(block, HybridBlock):
            raise ValueError(
                "Children of HybridBlock must also be HybridBlock, but %s has type %s. If you "
                "are using Sequential, please try HybridSequential instead."
                % (str(block), str(type(block)))
            )
        super().register_child(block, name)

    def hybridize(
        self,
        active: bool = True,
        backend: Any = None,
        clear: bool = True,
        static_alloc: bool = False,
        static_shape: bool = False,
        inline_limit: int = 2,
        forward_bulk_size: Any = None,
        backward_bulk_size: Any = None,
        **kwargs: Any,
    ) -> None:
        """Trace ``hybrid_forward`` into a graph at the next call and replay it afterwards
        (see _cached_graph.py); ``active=False`` goes back to imperative calls."""
        self._active = active
        self.__dict__.pop("_cached_graph", None)
        self._flags = [
            ("static_alloc", static_alloc),
            ("static_shape", static_shape),
            ("inline_limit", inline_limit),
        ]
        super().hybridize(
            active,
            static_alloc=static_alloc,
            static_shape=static_shape,
            inline_limit=inline_limit,
            **kwargs,
        )

    def infer_shape(self, *args: Any) -> None:
        """Fill the unknown dimensions of this block's parameters from the inputs.

        Layers such as Dense override it. The default runs ``hybrid_forward`` once with
        stand-ins for the unknown parameters (MXNet runs it once on symbols instead); ops
        called through ``F`` (FullyConnected, dot, elementwise ones) read the missing
        dimensions off their other inputs.
        """
        unknown = [p for p in self._reg_params.values() if not shape_is_known(p.shape)]
        if not unknown:
            return
        ctx = _first_context(args) or current_context()
        _infer_by_probing(self, self._reg_params, ctx, args)
        still = [p.name for p in unknown if not shape_is_known(p.shape)]
        if still:
            raise DeferredInitializationError(
                "Cannot infer the unknown dimensions of %s in block '%s' (%s): hybrid_forward "
                "did not pass them to an op through F that determines them. Give the "
                "parameters their full shape (e.g. an in_units argument) or override "
                "infer_shape(self, *inputs) to set param.shape from the inputs."
                % (", ".join("'%s'" % n for n in still), self.name, type(self).__name__)
            )

    def infer_type(self, *args: Any) -> None:
        """Parameter dtypes are fixed at creation in gluonlite; nothing to infer."""

    def _deferred_infer_shape(self, *args: Any) -> None:
        try:
            self.infer_shape(*args)
        except DeferredInitializationError:
            raise
        except Exception as error:
            raise ValueError(
                "Deferred initialization failed because shape cannot be inferred. {}".format(error)
            ) from error

    def _finish_deferred(self, *args: Any) -> None:
        self._deferred_infer_shape(*args)
        for param in self._own_params().values():
            param._finish_deferred_init()

    def _gather_params(self, x: Any, args: tuple) -> Dict[str, Any]:
        """Each registered parameter's array on the input's context (by attribute name)."""
        if isinstance(x, nd.NDArray):
            # hot path: look the input's device up without building a Context
            key = (x._device_type, x._device_id)
            found = {}
            for name, param in self._reg_params.items():
                data = param._data
                idx = param._ctx_map.get(key)
                found[name] = (
                    data[idx] if data is not None and idx is not None else param.data(x.context)
                )
            return found
        ctx = _first_context((x,) + args)
        return {name: param.data(ctx) for name, param in self._reg_params.items()}

    def forward(self, x: Any, *args: Any) -> Any:
        """Gather the parameters on the input's context and call ``hybrid_forward``.

        With Symbol inputs, ``hybrid_forward`` runs with ``F = mx.sym`` and the parameters
        as variables (``Parameter.var()``), and the result is the block's graph.
        """
        if isinstance(x, _Symbol) or (args and _holds_symbol(args)):
            return self._symbolic_forward(x, *args)
        if not isinstance(x, nd.NDArray) and not _holds_ndarray((x,) + args):
            raise ValueError(
                "In HybridBlock, there must be one NDArray or one Symbol in the input. Please "
                "check the type of the args. Block '%s' got none." % self.name
            )
        if self._active and not _np_state.np_array():
            if not args and isinstance(x, nd.NDArray):  # the common call: one array
                cache = self.__dict__.get("_cached_graph")
                if cache is not None and cache.key == _ONE_ARRAY and cache.replays:
                    hook = None if _HOOKS_PAUSED.active else self.__dict__.get("_op_hook")
                    return cache([x], x, hook)
            return self._cached_forward(x, args)
        return self._imperative_forward(x, *args)

    def _imperative_forward(self, x: Any, *args: Any) -> Any:
        if args:  # export() traces as many inputs as the last forward had
            self.__dict__["_num_inputs"] = len(_flat_values((x,) + args, keep_none=False))
        elif "_num_inputs" in self.__dict__:
            del self.__dict__["_num_inputs"]
        params = {}
        if self._reg_params:
            try:
                params = self._gather_params(x, args)
            except DeferredInitializationError:
                self._finish_deferred(x, *args)
                params = self._gather_params(x, args)
        if _np_state.np_array():  # NumPy mode: mx.np.ndarray results, as MXNet
            return _np_wrap(self.hybrid_forward(nd, x, *args, **params))
        return self.hybrid_forward(nd, x, *args, **params)

    def _cached_forward(self, x: Any, args: tuple) -> Any:
        """A hybridized call: replay the traced graph (see _cached_graph.py)."""
        from . import _cached_graph

        flat: List[Any] = []
        fmt: List[Any] = []
        _cached_graph.flatten_inputs((x,) + args, flat, fmt)
        first = None
        for value in flat:
            if value is None:
                continue
            if not isinstance(value, nd.NDArray):
                raise ValueError(
                    "When hybridized, the input of HybridBlock input must be (nested) list of "
                    "Symbol or NDArray, but got %s of type %s" % (value, type(value))
                )
            if first is None:
                first = value
            elif (value._device_type, value._device_id) != (first._device_type, first._device_id):
                contexts = sorted({str(a.context) for a in flat if a is not None})
                raise ValueError(
                    "Find multiple contexts in the input, After hybridized, the HybridBlock only "
                    "supports one input context. You can print the ele.ctx in the input "
                    "arguments to inspect their contexts. Find all contexts = [%s] (block "
                    "'%s')" % (", ".join(contexts), self.name)
                )
        cache = self.__dict__.get("_cached_graph")
        key = _cached_graph.structure_key(flat, fmt)
        if cache is not None and cache.key != key:
            stored, given = cache.key[1], key[1]
            if stored != given:
                raise ValueError(
                    "The argument structure of HybridBlock does not match the cached version. "
                    "Stored format = %s, input format = %s (block '%s'; call hybridize() "
                    "again to trace it anew)" % (stored, given, self.name)
                )
            cache = None  # the same arrays with Nones elsewhere: trace again
        op_hook = None if _HOOKS_PAUSED.active else self.__dict__.get("_op_hook")
        if cache is None:
            # finishes deferred initialization; hybridized children report nothing here: the
            # op hook sees this block's graph, replayed below
            paused, _HOOKS_PAUSED.active = (
                _HOOKS_PAUSED.active,
                op_hook is not None or _HOOKS_PAUSED.active,
            )
            # tag what this call records (autograd.get_symbol), as the replays will be
            group = _cached_graph.register_group(self.name) if _core.is_recording() else 0
            tagged = _cached_graph.enter_group(group)
            try:
                out = self._imperative_forward(x, *args)
            finally:
                _HOOKS_PAUSED.active = paused
                if tagged:
                    _core.set_record_group(0)
            cache = _cached_graph.build(self, flat, fmt, out, group if tagged else 0)
            self.__dict__["_cached_graph"] = cache
            if op_hook is None or first is None or not cache.replays:
                return out
        if first is None or isinstance(cache, _cached_graph.Untraceable):
            return self._imperative_forward(x, *args)
        return cache(flat, first, op_hook)

    def _symbolic_forward(self, x: Any, *args: Any) -> Any:
        from .. import symbol

        if _holds_ndarray((x,) + args):
            raise ValueError(
                "In HybridBlock, there must be one NDArray or one Symbol in the input. Please "
                "check the type of the args. Block '%s' got both Symbols and NDArrays." % self.name
            )
        params = {name: param.var() for name, param in self._reg_params.items()}
        if self._empty_prefix:  # prefix='': its nodes are named in the enclosing scope
            return self.hybrid_forward(symbol, x, *args, **params)
        # nodes are named inside the block's prefix, as MXNet's name scope does (dense0_fwd)
        with _name.Prefix(self.prefix):
            return self.hybrid_forward(symbol, x, *args, **params)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        """Override: the computation, with ``F`` the ``nd`` module and params as kwargs."""
        raise NotImplementedError

    def _graph(self) -> Any:
        """The block's graph: ``hybrid_forward`` traced with variables ``data`` (one input)
        or ``data0``, ``data1``, ... (several), as MXNet names them."""
        from .. import symbol
        from ._cached_graph import input_names

        names = input_names([True] * getattr(self, "_num_inputs", 1))
        out = self(*[symbol.var(name) for name in names])
        outputs = _flat_values(out, keep_none=False)
        return outputs[0] if len(outputs) == 1 else symbol.Group(outputs)

    def export(self, path: str, epoch: int = 0, remove_amp_cast: bool = True) -> Any:
        """Write ``path-symbol.json`` (the traced graph) and ``path-%04d.params``.

        The parameter file holds ``arg:<name>`` for the graph's arguments and
        ``aux:<name>`` for its auxiliary states (BatchNorm's running statistics), as
        MXNet's ``export`` writes; both files load in MXNet 1.9.1 (``SymbolBlock.imports``,
        ``mx.model.load_checkpoint``) and in gluonlite. The graph's inputs are as many as
        the last forward had. Unlike MXNet, no ``hybridize()`` is needed first.
        """
        graph = self._graph()
        graph.save("%s-symbol.json" % path, remove_amp_cast=remove_amp_cast)
        arg_names = set(graph.list_arguments())
        aux_names = set(graph.list_auxiliary_states())
        arrays = {}
        for name, param in self.collect_params().items():
            if name in arg_names:
                arrays["arg:%s" % name] = param._reduce()
            elif name in aux_names:
                arrays["aux:%s" % name] = param._reduce()
        nd.utils.save_for_mode("%s-%04d.params" % (path, epoch), arrays)
        return graph
