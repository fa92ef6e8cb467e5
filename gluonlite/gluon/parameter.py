"""Parameters: ``Parameter``, ``Constant``, ``ParameterDict`` (MXNet 1.x Gluon semantics).

A Parameter holds one NDArray per context (``_data``), each with its gradient attached
(``attach_grad``), so ``grad()`` is simply ``data.grad``. Unknown dimensions are 0;
such a parameter defers its initialization until a forward pass fills its shape in.

Differences from MXNet, on purpose (same exception classes, clearer messages):
deferred-init errors name the owning block, the unknown dimension and the fix;
``set_data`` with a wrong shape reports expected vs given the right way round;
``initialize(verbose=True)`` prints which initializer went to which parameter; an
explicit dict-level init that every selected parameter overrides is reported.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
import weakref
from collections import OrderedDict
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .. import _core, autograd, initializer
from .. import ndarray as nd
from ..base import MXNetError
from ..context import Context, cpu, current_context
from ..ndarray import NDArray
from ..ndarray.ndarray import _dtype_name
from ..ndarray.sparse import _wrap as _sparse_view
from ..numpy_extension import _state as _np_state
from . import _param_io
from .utils import _indent, shape_is_known

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "ParameterDict", "tensor_types"]

tensor_types = (nd.NDArray,)

_GRAD_REQS = ("write", "add", "null")


class DeferredInitializationError(MXNetError):
    """A parameter was used before its deferred initialization could run."""


def _ctx_key(ctx: Context) -> Tuple[int, int]:
    """Lookup key of a context: (1 for CPU memory, 2 for GPU, device id).

    Pinned/shared CPU memory counts as the CPU (as in MXNet). The same key is read off
    an NDArray as ``(x._device_type, x._device_id)`` on the forward hot path.
    """
    return (2 if ctx.device_type == "gpu" else 1), ctx.device_id


class _DefaultInit:
    """Marks 'no initializer passed' so an explicit one can be told apart."""

    def __repr__(self) -> str:
        return "Uniform(scale=0.07)"


DEFAULT_INIT = _DefaultInit()


def _resolve_default(init: Any) -> Any:
    return initializer.Uniform() if init is None or init is DEFAULT_INIT else init


_HOST = cpu()  # read only
_NOT_PAUSED = contextlib.nullcontext()  # reusable: initialization's scope outside record()


def _is_host(ctx: Context) -> bool:
    return ctx.device_type == "cpu" and ctx.device_id == 0


def _host_zeros(shape: Any, dtype: Any) -> NDArray:
    """``nd.zeros(shape, ctx=cpu(), dtype=dtype)`` for a shape already checked: the array an
    initializer fills (called once per parameter, so without nd.zeros' argument checks)."""
    return _core.full(shape, 0.0, _dtype_name(dtype), _HOST._core_type, _HOST.device_id)


class Parameter:
    """A weight of a Block: name, shape (0 = unknown), dtype, init, grad_req, lr/wd mult."""

    def __init__(
        self,
        name: str,
        grad_req: str = "write",
        shape: Any = None,
        dtype: Any = np.float32,
        lr_mult: float = 1.0,
        wd_mult: float = 1.0,
        init: Any = None,
        allow_deferred_init: bool = False,
        differentiable: bool = True,
        stype: str = "default",
        grad_stype: str = "default",
    ) -> None:
        self._data: Optional[List[Any]] = None
        self._grad_attached = False
        self._ctx_list: Optional[List[Context]] = None
        self._ctx_map: Dict[Tuple[int, int], int] = {}
        self._trainer: Any = None  # see _set_trainer
        self._deferred_init: tuple = ()  # (init, ctx_list, default_init, data or None)
        # Serialises deferred-init completion: several threads may make a net's first call.
        self._init_lock = threading.RLock()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req: Optional[str] = None
        self._owner: Optional[weakref.ref] = None  # first block that registered it
        self._dim_names: Optional[Sequence[Optional[str]]] = None  # e.g. Dense: in_units
        self._init_verbose = False
        if isinstance(shape, int):
            shape = (shape,)
        if shape is not None:
            shape = tuple(shape) if -1 not in shape else tuple(0 if d == -1 else d for d in shape)
        self._shape = shape
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        if grad_req in _GRAD_REQS:  # nothing exists yet for the setter's other work
            self._grad_req = grad_req if differentiable else "null"
        else:
            self.grad_req = grad_req  # raises, naming the value
        self.init = init
        if stype != "default" or grad_stype != "default":
            for kind, value in (("stype", stype), ("grad_stype", grad_stype)):
                if value not in ("default", "row_sparse", "csr"):
                    raise AssertionError(
                        "%s for Parameter '%s' must be one of 'default', "
                        "'row_sparse', or 'csr', but got '%s'" % (kind, name, value)
                    )
        self._stype = stype
        self._grad_stype = grad_stype

    def __repr__(self) -> str:
        return "Parameter {name} (shape={shape}, dtype={dtype})".format(
            name=self.name, shape=self.shape, dtype=self.dtype
        )

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_owner"] = None  # weakrefs do not pickle
        if type(state["_trainer"]) is weakref.ref:
            state["_trainer"] = None
        del state["_init_lock"]  # nor do locks
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._init_lock = threading.RLock()

    # ---------------------------------------------------------------- attributes
    @property
    def grad_req(self) -> Optional[str]:
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req not in _GRAD_REQS:
            raise AssertionError(
                "grad_req must be one of 'write', 'add', or 'null', but got '%s'" % req
            )
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad_attached and self._data is not None:
            self._grad_attached = False
            self._data = [d.detach() for d in self._data]
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self) -> Any:
        return self._dtype

    @dtype.setter
    def dtype(self, dtype: Any) -> None:
        self.cast(dtype)

    @property
    def shape(self) -> Optional[Tuple[int, ...]]:
        """The shape; an unknown dimension reads 0, or -1 under NumPy shape semantics (MXNet)."""
        shape = self._shape
        if shape is not None and _np_state.np_shape() and 0 in shape:
            return tuple(-1 if dim == 0 else dim for dim in shape)
        return shape

    @shape.setter
    def shape(self, new_shape: Sequence[int]) -> None:
        new_shape = tuple(0 if dim == -1 else dim for dim in new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        if not self._shape_fits(new_shape):
            raise AssertionError(
                "Cannot set the shape of Parameter '%s' to %s: it has shape %s, and only its "
                "unknown (0) dimensions may change." % (self.name, new_shape, self._shape)
            )
        self._shape = new_shape

    def _shape_fits(self, new_shape: Tuple[int, ...]) -> bool:
        shape = self._shape
        return (
            shape is not None
            and len(shape) == len(new_shape)
            and all(old in (0, new) for new, old in zip(new_shape, shape))
        )

    @property
    def stype(self) -> str:
        return self._stype

    @property
    def _grad(self) -> Optional[List[Any]]:
        """Live gradient arrays, one per context (None when grad_req is 'null')."""
        data = self._settled_data(raise_pending=False)
        if not self._grad_attached or data is None:
            return None
        return [d.grad for d in data]

    def _trainer_alive(self) -> Any:
        """The Trainer this parameter was last given to, or None (none, or collected)."""
        trainer = self._trainer
        return trainer() if type(trainer) is weakref.ref else trainer

    def _set_trainer(self, trainer: Any) -> None:
        current = self._trainer_alive()
        if self._stype != "default" and current and trainer and current is not trainer:
            raise RuntimeError(
                "Failed to set the trainer for Parameter '%s' because it was already set. "
                "More than one trainers for a %s Parameter is not supported."
                % (self.name, self._stype)
            )
        # A dense parameter holds its Trainer weakly: the Trainer holds its parameters, and
        # the cycle would keep a dropped network's arrays alive until the garbage collector
        # runs. A sparse one holds it as MXNet does, since row_sparse_data() pulls through
        # it (``Trainer([p], 'sgd')`` unassigned must still serve p.row_sparse_data()).
        if trainer is None:
            self._trainer = None
        else:
            self._trainer = weakref.ref(trainer) if self._stype == "default" else trainer

    # ----------------------------------------------------------- error messages
    def _owner_text(self) -> str:
        owner = self._owner() if self._owner is not None else None
        if owner is None:
            return ""
        text = repr(owner)
        if "\n" in text:  # containers and custom blocks print several lines
            text = type(owner).__name__
        return " of block '%s' (%s)" % (owner.name, text)

    def _unknown_dims_text(self) -> Tuple[str, str]:
        """('dimension 1 (in_units)', 'in_units=...') for the unknown dims of the shape."""
        if self._shape is None:
            return "the whole shape", "a shape"
        dims, fixes = [], []
        for i, size in enumerate(self._shape):
            if size == 0:
                label = self._dim_names[i] if self._dim_names and i < len(self._dim_names) else None
                dims.append("dimension %d (%s)" % (i, label) if label else "dimension %d" % i)
                if label:
                    fixes.append("%s=..." % label)
        return ", ".join(dims), (", ".join(fixes) if fixes else "")

    def _deferred_error(self) -> DeferredInitializationError:
        owner = self._owner() if self._owner is not None else None
        if self._deferred_init and self._deferred_init[3] is not None:
            why = "its value was given with set_data() and is applied at the first forward pass"
        else:
            dims, _ = self._unknown_dims_text()
            why = "its shape %s has unknown %s" % (self._shape, dims)
        _, fix = self._unknown_dims_text()
        fix = (
            "passing %s when creating the layer" % fix
            if fix
            else "giving the layer its input size (in_units, in_channels, num_features, etc.)"
        )
        plain = ""
        from .block import HybridBlock  # circular at import time only

        if owner is not None and not isinstance(owner, HybridBlock):
            plain = (
                " This block is a plain Block, which cannot infer shapes from its "
                "input: give the parameter its full shape."
            )
        return DeferredInitializationError(
            "Parameter '%s'%s has not been initialized yet because initialization was "
            "deferred: %s. Actual initialization happens during the first forward pass. "
            "Please pass one batch of data through the network (net(x)) before accessing "
            "Parameters, or avoid deferred initialization by %s.%s"
            % (self.name, self._owner_text(), why, fix, plain)
        )

    def _check_and_get(self, arr_list: Optional[List[Any]], ctx: Any) -> Any:
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            idx = self._ctx_map.get(_ctx_key(ctx))
            if idx is not None:
                return arr_list[idx]
            raise RuntimeError(
                "Parameter '%s' was not initialized on context %s. It was only initialized "
                "on %s. Move the input with x.as_in_context(...) or the parameters with "
                "reset_ctx(...)." % (self.name, str(ctx), str(self._ctx_list))
            )
        if self._deferred_init:
            raise self._deferred_error()
        raise RuntimeError(
            "Parameter '%s' has not been initialized. Note that you should initialize "
            "parameters and create Trainer with Block.collect_params() instead of "
            "Block.params because the later does not include Parameters of nested child "
            "Blocks" % self.name
        )

    # ----------------------------------------------------------- initialization
    def initialize(
        self,
        init: Any = None,
        ctx: Any = None,
        default_init: Any = DEFAULT_INIT,
        force_reinit: bool = False,
    ) -> None:
        """Initialize on ``ctx`` (a Context or list). Precedence: ``init`` > ``self.init`` >
        ``default_init``. Deferred while the shape has unknown (0) dimensions."""
        default_init = _resolve_default(default_init)
        if self._data is not None and not force_reinit:
            warnings.warn(
                "Parameter '%s' is already initialized, ignoring. Set "
                "force_reinit=True to re-initialize." % self.name,
                stacklevel=2,
            )
            return
        self._data = None
        self._grad_attached = False
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if init is None:
            init = default_init if self.init is None else self.init
        if not shape_is_known(self._shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                if self._init_verbose:
                    dims, _ = self._unknown_dims_text()
                    print(
                        "Deferred %s, shape %s (unknown %s): it will be initialized with %s "
                        "at the first forward pass"
                        % (self.name, self._shape, dims, initializer.describe(init))
                    )
                return
            raise ValueError(
                "Cannot initialize Parameter '%s' because it has invalid shape: "
                "%s." % (self.name, str(self._shape))
            )
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self) -> None:
        """Run the recorded initialization now that the shape is known.

        Atomic per parameter: a thread arriving while another completes it waits, then
        finds it done. ``_deferred_init`` is cleared only once ``_data`` is in place, so no
        thread ever sees the parameter as neither deferred nor initialized.
        """
        with self._init_lock:
            if self._deferred_init:
                self._finish_deferred_init_locked()

    def _finish_deferred_init_locked(self) -> None:
        init, ctx, default_init, data = self._deferred_init
        if not shape_is_known(self._shape):
            dims, fix = self._unknown_dims_text()
            raise AssertionError(
                "Cannot initialize Parameter '%s'%s because it has invalid shape: %s (unknown "
                "%s). Please specify %s (in_units, in_channels, etc for `Block`s)."
                % (self.name, self._owner_text(), str(self._shape), dims, fix or "the full shape")
            )
        np_mode = _np_state.np_array()
        # autograd.pause() is entered only when there is a state to pause: an
        # initialization outside record() and train_mode() is the common case
        paused = _core.is_recording() or _core.is_training()
        with autograd.pause() if paused else _NOT_PAUSED:
            owned = data is None  # made here: it may become the parameter's own array
            if owned:
                data = _host_zeros(self._shape, self._dtype)
                if np_mode:  # MXNet's initializers see mx.np arrays in NumPy mode
                    data = data.as_np_ndarray()
                desc = initializer.InitDesc(self.name, {"__init__": init})
                initializer.create(default_init)(desc, data)
                if self._init_verbose:
                    own = self.init is not None and init is self.init and "__by__" not in desc.attrs
                    print(
                        "Initialized %s, shape %s, with %s%s"
                        % (
                            self.name,
                            self._shape,
                            desc.attrs.get("__applied__", init),
                            " (the parameter's own init)" if own else "",
                        )
                    )
            self._init_impl(data, ctx, owned=owned, np_mode=np_mode)
        self._deferred_init = ()
        self._init_verbose = False

    def _init_impl(
        self,
        data: Any,
        ctx_list: Sequence[Context],
        owned: bool = False,
        np_mode: Optional[bool] = None,
    ) -> None:
        """Copy ``data`` onto every context and attach the gradients. ``owned``: nothing
        else holds ``data``, so on its own context it is used as is, not copied."""
        if np_mode is None:
            np_mode = _np_state.np_array()
        if owned and len(ctx_list) == 1 and _is_host(ctx_list[0]):  # owned data is on cpu(0)
            if not np_mode and self._stype == "default" and self._grad_stype == "default":
                # the common case, a dense array on the CPU: its gradient attached here
                # directly (measured: about a tenth of initialize()'s time per layer)
                req = self._grad_req
                if req != "null":
                    data.attach_grad(req)
                self._grad_attached = req != "null"
                self._ctx_list = [ctx_list[0]]
                self._ctx_map = {(1, 0): 0}
                self._data = [data]  # last: forward passes read _data without the lock
                return
            arrays = [data]
        else:
            arrays = [data.copyto(c) for c in ctx_list]
        if np_mode:  # NumPy mode: the parameter holds mx.np.ndarrays, as MXNet
            from ..numpy.multiarray import ndarray as np_ndarray

            arrays = [a if type(a) is np_ndarray else np_ndarray(a) for a in arrays]
        if self._stype != "default":
            arrays = [_sparse_view(a, self._stype) for a in arrays]
        self._init_grad(arrays)
        self._ctx_list = list(ctx_list)
        self._ctx_map = {_ctx_key(c): i for i, c in enumerate(self._ctx_list)}
        self._data = arrays  # last: forward passes read _data without the lock

    def _init_grad(self, arrays: Optional[List[Any]] = None) -> None:
        req = self._grad_req
        if req == "null":
            self._grad_attached = False
            return
        targets = self._data if arrays is None else arrays
        assert targets is not None  # called once the data exists
        stype = None if self._grad_stype == "default" else self._grad_stype
        for arr in targets:
            arr.attach_grad(req, stype=stype)
        self._grad_attached = True

    def _reduce(self) -> Any:
        """The average of the per-context copies, on the CPU."""
        arrays = self._check_and_get(self._data, list)
        total = arrays[0].copyto(cpu())
        if len(arrays) == 1:
            return total
        for arr in arrays[1:]:
            total = total + arr.copyto(cpu())
        return total / len(arrays)

    def _load_check(
        self,
        data: Any,
        ctx: Any = None,
        cast_dtype: bool = False,
        dtype_source: str = "current",
        source: str = "",
    ) -> None:
        """Raise, changing nothing, when ``data`` cannot become this parameter's value.

        ``source`` (e.g. "key '0.weight' in file 'net.params'") is put in the messages
        next to the parameter's own name.
        """
        where = " (%s)" % source if source else ""
        if cast_dtype and dtype_source not in ("current", "saved"):
            raise AssertionError(
                "dtype_source must be 'current' or 'saved', got '%s'" % dtype_source
            )
        if self._shape is not None and not (
            len(self._shape) == len(data.shape) and self._shape_fits(tuple(data.shape))
        ):
            raise AssertionError(
                "Failed loading Parameter '%s'%s from saved params: shape incompatible "
                "expected %s vs saved %s"
                % (self.name, where, str(self._shape), str(tuple(data.shape)))
            )
        if (
            not cast_dtype
            and self._dtype is not None
            and np.dtype(self._dtype) != np.dtype(data.dtype)
        ):
            raise AssertionError(
                "Failed loading Parameter '%s'%s from saved params: dtype incompatible "
                "expected %s vs saved %s. Set cast_dtype=True to cast the dtype of saved "
                "params." % (self.name, where, str(self._dtype), str(data.dtype))
            )
        if isinstance(ctx, Context):
            ctx = [ctx]
        current = (
            self._ctx_list
            if self._data is not None
            else (self._deferred_init[1] if self._deferred_init else None)
        )
        if ctx is not None and current is not None and set(ctx) != set(current):
            raise AssertionError(
                "Failed to load Parameter '%s' on %s because it was previous initialized on "
                "%s. Load without ctx, or move the parameters first with reset_ctx()."
                % (self.name, str(ctx), str(current))
            )

    def _load_init(
        self,
        data: Any,
        ctx: Any,
        cast_dtype: bool = False,
        dtype_source: str = "current",
        source: str = "",
    ) -> None:
        """Take loaded ``data`` as this parameter's value (used by parameter loading).

        A never-initialized or still-deferred parameter takes the saved shape and is
        initialized with the data (on ``ctx``, the deferred contexts, or the CPU).
        """
        self._load_check(data, ctx, cast_dtype, dtype_source, source)
        if isinstance(ctx, Context):
            ctx = [ctx]
        self._shape = tuple(data.shape)
        if self._dtype is not None and np.dtype(self._dtype) != np.dtype(data.dtype):
            if dtype_source == "current":
                data = data.astype(self._dtype)
            else:
                self.cast(data.dtype)  # value and gradient follow the file's dtype
        if self._data is None:
            if self._deferred_init:
                ctx = self._deferred_init[1]
            elif ctx is None:
                ctx = [cpu()]
            with autograd.pause():
                self._init_impl(data, ctx)
        else:
            self.set_data(data)
        self._deferred_init = ()

    # ------------------------------------------------------------------- access
    def set_data(self, data: Any) -> None:
        """Set the value on every context; on a deferred parameter, becomes its initial value."""
        shape = tuple(data.shape)
        if self._shape is not None and not self._shape_fits(shape):
            raise AssertionError(
                "Parameter '%s' has shape %s; set_data got an array of shape %s, which is "
                "incompatible." % (self.name, self._shape, shape)
            )
        self.shape = shape
        if self._data is None:
            if not self._deferred_init:
                raise AssertionError("Parameter '%s' has not been initialized" % self.name)
            if not isinstance(data, nd.NDArray):
                data = nd.array(data, dtype=self._dtype)
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        trainer = self._trainer_alive()
        if (
            trainer is not None
            and getattr(trainer, "_kv_initialized", False)
            and getattr(trainer, "_update_on_kvstore", False)
        ):
            if self not in getattr(trainer, "_params_to_init", ()):
                trainer._reset_kvstore()
        with autograd.pause():  # a new value, not a step of the recorded computation
            for arr in self._data:
                arr[:] = data

    def data(self, ctx: Optional[Context] = None) -> Any:
        """The value on ``ctx`` (the only copy, or the current context's)."""
        if self._stype != "default":
            raise RuntimeError(
                "Cannot return a copy of Parameter '%s' on ctx %s via data() because its "
                "storage type is %s. Please use row_sparse_data() instead."
                % (self.name, str(ctx), self._stype)
            )
        return self._check_and_get(self._settled_data(), ctx)

    def _settled_data(self, raise_pending: bool = True) -> Optional[List[Any]]:
        """``_data``, read so that a first call racing with another thread's completion of
        the deferred initialization never sees "not initialized": ``_data`` is set before
        ``_deferred_init`` is cleared, so ``_deferred_init`` is read first, then ``_data``
        again; a pending initialization raises DeferredInitializationError (the forward pass
        then completes it, waiting on the lock)."""
        arrays = self._data
        if arrays is None:
            pending = self._deferred_init
            arrays = self._data
            if arrays is None and pending and raise_pending:
                raise self._deferred_error()
        return arrays

    def list_data(self) -> List[Any]:
        """The values on all contexts, in ``list_ctx()`` order."""
        if self._stype != "default":
            raise RuntimeError(
                "Cannot return copies of Parameter '%s' on all contexts via list_data() "
                "because its storage type is %s. Please use row_sparse_data() instead."
                % (self.name, self._stype)
            )
        return self._check_and_get(self._settled_data(), list)

    def row_sparse_data(self, row_id: Any) -> Any:
        """A row-sparse parameter's value on ``row_id``'s context, holding the rows in
        ``row_id`` (pulled from the Trainer's kvstore; the other rows read zero)."""
        if self._stype != "row_sparse":
            raise RuntimeError(
                "Cannot return a copy of Parameter %s via row_sparse_data() because its "
                "storage type is %s. Please use data() instead." % (self.name, self._stype)
            )
        return self._get_row_sparse(row_id.context if isinstance(row_id, NDArray) else None, row_id)

    def list_row_sparse_data(self, row_id: Any) -> List[Any]:
        """The row-sparse value on every context, each holding the rows in ``row_id``."""
        if self._stype != "row_sparse":
            raise RuntimeError(
                "Cannot return copies of Parameter '%s' on all contexts via "
                "list_row_sparse_data() because its storage type is %s. Please use data() "
                "instead." % (self.name, self._stype)
            )
        return self._get_row_sparse(list, row_id)

    def _get_row_sparse(self, ctx: Any, row_id: Any) -> Any:
        if not isinstance(row_id, NDArray):
            raise TypeError("row_id must have NDArray type, but %s is given" % type(row_id))
        trainer = self._trainer_alive()
        if not trainer:
            raise RuntimeError(
                "Cannot get row_sparse data for Parameter '%s' when no Trainer is created "
                "with it." % self.name
            )
        results = self._check_and_get(self._data, ctx)
        trainer._row_sparse_pull(self, results, row_id)
        return results

    def grad(self, ctx: Optional[Context] = None) -> Any:
        """The gradient buffer on ``ctx``."""
        if self._data is not None and not self._grad_attached:
            raise RuntimeError(
                "Cannot get gradient array for Parameter '%s' because grad_req='null'" % self.name
            )
        return self._check_and_get(self._grad, ctx)

    def list_grad(self) -> List[Any]:
        """The gradient buffers on all contexts."""
        if self._data is not None and not self._grad_attached:
            raise RuntimeError(
                "Cannot get gradient array for Parameter '%s' because grad_req='null'" % self.name
            )
        return self._check_and_get(self._grad, list)

    def list_ctx(self) -> List[Context]:
        """The contexts it lives on (the recorded ones while deferred)."""
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise RuntimeError("Parameter '%s' has not been initialized" % self.name)
        assert self._ctx_list is not None  # set with the data
        return self._ctx_list

    def zero_grad(self) -> None:
        """Set the gradient buffers to 0."""
        grads = self._grad
        if grads is None:
            return
        with autograd.pause():
            for g in grads:
                g[:] = 0

    def reset_ctx(self, ctx: Any) -> None:
        """Move the value (averaged over the current copies) onto ``ctx``."""
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise ValueError(
                "Cannot reset context for Parameter '%s' because it has not been "
                "initialized." % self.name
            )

    def var(self) -> Any:
        """This parameter as a graph variable (``mx.sym.var``) with its name, shape, dtype,
        initializer and multipliers as attributes; made once and kept."""
        if getattr(self, "_var", None) is None:
            from .. import symbol

            self._var = symbol.var(
                self.name,
                shape=self.shape,
                dtype=self.dtype,
                lr_mult=self.lr_mult,
                wd_mult=self.wd_mult,
                init=self.init,
                stype=self._stype,
            )
        return self._var

    def cast(self, dtype: Any) -> None:
        """Change the dtype of the value and the gradient (values kept)."""
        self._dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            old_grads = self._grad
            self._data = [arr.astype(dtype) for arr in self._data]
            if old_grads is None:
                return
            self._init_grad()
            assert self._grad is not None  # old_grads existed, so the new ones do
            for new, old in zip(self._grad, old_grads):
                new[:] = old.astype(dtype)


class _ConstantValue(initializer.Initializer):
    """Initializer of a Constant parameter: copies its value."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def _init_weight(self, _: str, arr: Any) -> None:
        self.value.copyto(arr)


class Constant(Parameter):
    """A parameter that never gets a gradient (grad_req 'null'); its init copies ``value``."""

    def __init__(self, name: str, value: Any) -> None:
        if not isinstance(value, nd.NDArray):
            value = nd.array(value)
        self.value = value
        init_name = "Constant_{}_{}".format(name, id(self))
        # MXNet registers a per-constant alias; a factory keeps the value by reference.
        initializer._REGISTRY[init_name.lower()] = lambda: _ConstantValue(value)
        super().__init__(
            name, grad_req="null", shape=value.shape, dtype=value.dtype, init=init_name
        )

    def __repr__(self) -> str:
        return "Constant {name} (shape={shape}, dtype={dtype})".format(
            name=self.name, shape=self.shape, dtype=self.dtype
        )

    @property
    def grad_req(self) -> Optional[str]:
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn(
                'Constant parameter "{}" does not support grad_req other than '
                '"null", and new value "{}" is ignored.'.format(self.name, req),
                stacklevel=2,
            )
        self._grad_req = "null"


class ParameterDict:
    """An ordered name -> Parameter dict with a ``prefix``, optionally backed by ``shared``."""

    def __init__(self, prefix: str = "", shared: Optional["ParameterDict"] = None) -> None:
        self._prefix = prefix
        self._params: "OrderedDict[str, Parameter]" = OrderedDict()
        self._shared = shared

    def __repr__(self) -> str:
        name = self._prefix + " " if self._prefix else ""
        content = "\n".join(_indent("  {0}".format(v), 2) for v in self.values())
        return "{name}(\n{content}\n)".format(name=name, content=content)

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def items(self):
        """(name, Parameter) pairs, in insertion order."""
        return self._params.items()

    def keys(self):
        """Full parameter names."""
        return self._params.keys()

    def values(self):
        """The Parameters."""
        return self._params.values()

    @property
    def prefix(self) -> str:
        """Prepended to every name given to ``get``."""
        return self._prefix

    def _get_impl(self, name: str) -> Optional[Parameter]:
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._params[name]
        return None

    def get(self, name: str, **kwargs: Any) -> Parameter:
        """Return ``prefix + name``, creating it with ``kwargs`` if absent.

        For an existing one, unknown (0) dims of its shape are filled from ``shape``;
        any other attribute that differs raises AssertionError.
        """
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for key, value in kwargs.items():
            # the stored shape keeps 0 for unknown dims (param.shape reads -1 in NumPy mode)
            existing: Any = param._shape if key == "shape" else getattr(param, key, None)
            if existing is None:
                setattr(param, key, value)
                continue
            if key == "shape" and value is not None and len(value) == len(existing):
                merged = _merge_shapes(value, existing)
                if merged is not None:
                    param._shape = merged
                    continue
            elif key == "dtype" and value is not None and np.dtype(value) == np.dtype(existing):
                continue
            if value is not None and not _same(value, existing):
                raise AssertionError(
                    "Cannot retrieve Parameter '%s' because desired attribute does not match "
                    "with stored for attribute '%s': desired '%s' vs stored '%s'."
                    % (name, key, str(value), str(existing))
                )
        return param

    def get_constant(self, name: str, value: Any = None) -> "Constant":
        """Return the Constant ``prefix + name``, creating it from ``value`` if absent."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError(
                    "No constant named '{}'. Please specify value if you want to "
                    "create a new constant.".format(name)
                )
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise AssertionError(
                    "Parameter '{}' already exists but it is not a constant.".format(name)
                )
            if isinstance(value, nd.NDArray):
                value = value.asnumpy()
            value = np.asarray(value)
            if param.shape != value.shape or not (param.value.asnumpy() == value).all():
                raise AssertionError(
                    "Constant '{}' already exists but it's value doesn't match new value".format(
                        name
                    )
                )
        # A Parameter of that name that is not a Constant comes back as is, as in MXNet.
        return param  # type: ignore[return-value]

    def update(self, other: Any) -> None:
        """Add the parameters of ``other``; a different object under a used name is an error."""
        for key, value in other.items():
            if key in self._params and self._params[key] is not value:
                raise AssertionError(
                    "Cannot update self with other because they have "
                    "different Parameters with the same name '%s'" % key
                )
        for key, value in other.items():
            self._params[key] = value

    def initialize(
        self,
        init: Any = DEFAULT_INIT,
        ctx: Any = None,
        verbose: bool = False,
        force_reinit: bool = False,
    ) -> None:
        """Initialize every parameter; ``init`` is only the default (own inits win).

        ``verbose=True`` prints which initializer each parameter got.
        """
        explicit = init is not DEFAULT_INIT and init is not None
        init = _resolve_default(init)
        if verbose and isinstance(init, initializer.Initializer):
            init.set_verbosity(verbose=verbose)  # MXNet's logging.info report
        if ctx is None:  # resolved once for all the parameters
            ctx = [current_context()]
        elif isinstance(ctx, Context):
            ctx = [ctx]
        dispatches = isinstance(init, (initializer.Mixed, initializer.Load))
        overridden = []
        applied = 0
        for param in self.values():
            param._init_verbose = verbose  # kept while deferred: reported when it runs
            try:
                fresh = param._data is None or force_reinit
                param.initialize(None, ctx, init, force_reinit=force_reinit)
            finally:
                if not param._deferred_init:
                    param._init_verbose = False
            if fresh:
                if param.init is not None and not dispatches:
                    overridden.append(param)
                else:
                    applied += 1
        if explicit and overridden and not applied:
            warnings.warn(
                "initialize(%s) did not apply to any parameter: each one has its own init, "
                "which takes precedence: %s. To override, set the init on the parameters "
                "(e.g. params.setattr('init', ...) or param.init = ...) and re-initialize "
                "with force_reinit=True, or call param.initialize(init=..., "
                "force_reinit=True)."
                % (
                    initializer.describe(init),
                    ", ".join(
                        "%s (init=%s)" % (p.name, initializer.describe(p.init)) for p in overridden
                    ),
                ),
                UserWarning,
                stacklevel=2,
            )

    def zero_grad(self) -> None:
        """Set every gradient to 0."""
        for param in self.values():
            param.zero_grad()

    def reset_ctx(self, ctx: Any) -> None:
        """Move every parameter onto ``ctx``."""
        for param in self.values():
            param.reset_ctx(ctx)

    def list_ctx(self) -> List[Context]:
        """The contexts any parameter lives on."""
        found: List[Context] = []
        for param in self.values():
            for ctx in param.list_ctx():
                if ctx not in found:
                    found.append(ctx)
        return found

    def setattr(self, name: str, value: Any) -> None:
        """Set one attribute (``grad_req``, ``lr_mult``, ``init``...) on every parameter."""
        for param in self.values():
            setattr(param, name, value)

    def save(self, filename: str, strip_prefix: str = "") -> None:
        """Save the values (averaged over contexts) under their names minus ``strip_prefix``.

        The file is replaced atomically (see ``nd.save``).
        """
        arrays = {}
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise ValueError(
                    "Prefix '%s' is to be striped before saving, but Parameter's name '%s' "
                    "does not start with '%s'. this may be due to your Block shares "
                    "parameters from other Blocks or you forgot to use 'with name_scope()' "
                    "when creating child blocks. For more info on naming, please see "
                    "https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/"
                    "naming.html" % (strip_prefix, param.name, strip_prefix)
                )
            arrays[param.name[len(strip_prefix) :]] = param._reduce()
        nd.utils.save_for_mode(filename, arrays)

    def load(
        self,
        filename: str,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
        restore_prefix: str = "",
        cast_dtype: bool = False,
        dtype_source: str = "current",
    ) -> None:
        """Load values saved by ``save`` (``restore_prefix`` is prepended to the names).

        gluonlite: when the names differ from the parameters' only by their counters (a
        model built twice in one process), the file is matched in order; see ``_param_io``.
        """
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise AssertionError(
                        "restore_prefix is '%s' but Parameters name '%s' does not start with "
                        "'%s'. For more info on naming, please see https://mxnet.io/api/"
                        "python/docs/tutorials/packages/gluon/blocks/naming.html"
                        % (restore_prefix, name, restore_prefix)
                    )
        loaded = _param_io.as_param_dict(nd.load(filename), filename)
        self.load_dict(
            loaded,
            ctx,
            allow_missing,
            ignore_extra,
            restore_prefix,
            filename,
            cast_dtype,
            dtype_source,
        )

    def load_dict(
        self,
        param_dict: Any,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
        restore_prefix: str = "",
        filename: Optional[str] = None,
        cast_dtype: bool = False,
        dtype_source: str = "current",
    ) -> None:
        """Load from a name -> NDArray dict (or (name, NDArray) pairs); ``arg:``/``aux:``
        prefixes are stripped. Nothing changes unless every value fits."""
        source = "file: %s" % filename if filename else "param_dict"
        pairs = _param_io.match_legacy(
            self._params, param_dict, restore_prefix, source, allow_missing, ignore_extra
        )
        _param_io.load_pairs(
            pairs, ctx, cast_dtype, dtype_source, "file '%s'" % filename if filename else "the dict"
        )


def _merge_shapes(wanted: Sequence[int], stored: Sequence[int]) -> Optional[Tuple[int, ...]]:
    """Fill unknown (0) dims of either shape from the other; None when they conflict."""
    merged = []
    for want, have in zip(wanted, stored):
        if want == have or want in (0, -1):
            merged.append(have)
        elif have in (0, -1):
            merged.append(want)
        else:
            return None
    return tuple(merged)


def _same(value: Any, existing: Any) -> bool:
    try:
        return bool(value == existing)
    except (ValueError, TypeError):
        return value is existing
