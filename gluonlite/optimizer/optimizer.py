"""The optimizer base class, the registry and the Updater (MXNet 1.9.1's ``mx.optimizer``).

An optimizer turns (index, weight, grad, state) into an in-place update of the weight.
The built-in ones call one fused C++ kernel per parameter (``gluonlite._core.*_update``);
a user subclass may still write ``update`` with NDArray operations, as in MXNet.
"""

from __future__ import annotations

import math
import numbers
import pickle
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence, cast

import numpy as np

from .. import _core
from .. import ndarray as nd
from ..ndarray import NDArray

__all__ = ["Optimizer", "Updater", "create", "get_updater", "register"]


def _check_number(owner: str, name: str, value: Any, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            "%s: %s must be a number%s, got %r"
            % (owner, name, " or None" if allow_none else "", value)
        )


class Optimizer:
    """Base class of all optimizers (MXNet's signature and bookkeeping).

    ``rescale_grad`` multiplies every gradient (the Trainer sets it to 1/batch_size);
    ``clip_gradient`` clips the rescaled gradient to [-c, c]; ``wd`` is the L2 weight
    decay; the learning rate is ``learning_rate`` or, when given, ``lr_scheduler(num_update)``.
    Per-parameter ``lr_mult``/``wd_mult`` come from the Gluon parameters (``param_dict``),
    else from ``set_lr_mult``/``set_wd_mult``. Differs from MXNet: ``sym`` (the Symbol API)
    is not supported.
    """

    opt_registry: Dict[str, type] = {}

    def __init__(
        self,
        rescale_grad: float = 1.0,
        param_idx2name: Optional[dict] = None,
        wd: float = 0.0,
        clip_gradient: Optional[float] = None,
        learning_rate: Optional[float] = None,
        lr_scheduler: Any = None,
        sym: Any = None,
        begin_num_update: int = 0,
        multi_precision: bool = False,
        param_dict: Optional[dict] = None,
    ) -> None:
        owner = type(self).__name__
        _check_number(owner, "rescale_grad", rescale_grad)
        _check_number(owner, "wd", wd)
        _check_number(owner, "clip_gradient", clip_gradient, allow_none=True)
        _check_number(owner, "learning_rate", learning_rate, allow_none=True)
        if sym is not None:
            raise NotImplementedError(
                "%s: sym= (the Symbol API) is not supported by gluonlite; "
                "use set_lr_mult/set_wd_mult or Parameter.lr_mult" % owner
            )
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if self.lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            if self.lr_scheduler.base_lr != learning_rate:
                # MXNet prints (not warns) this, so scripts see the same output.
                print(
                    UserWarning(
                        "learning rate from ``lr_scheduler`` has been overwritten "
                        "by ``learning_rate`` in optimizer."
                    )
                )
                self.lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult: Dict[Any, float] = {}
        self.wd_mult: Dict[Any, float] = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts: Dict[int, Dict[Any, int]] = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0  # gluonlite updates one parameter per fused call
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise AssertionError("param_idx2name should be a dict of param indexes to names.")
        self.idx2name = param_idx2name.copy()
        self.sym_info = ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ------------------------------------------------------------------ registry
    @staticmethod
    def register(klass: type) -> type:
        """Register an Optimizer subclass under its lower-cased class name."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            warnings.warn(
                "WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s"
                % (
                    klass.__module__,
                    klass.__name__,
                    Optimizer.opt_registry[name].__module__,
                    Optimizer.opt_registry[name].__name__,
                ),
                stacklevel=2,
            )
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name: str, **kwargs: Any) -> "Optimizer":
        """An instance of the optimizer registered as ``name`` (case-insensitive)."""
        if not isinstance(name, str):
            raise TypeError(
                "optimizer must be given by name (a str such as 'sgd'), got %s"
                % type(name).__name__
            )
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            raise ValueError(
                "Cannot find optimizer %s. Registered optimizers: %s"
                % (name, ", ".join(sorted(Optimizer.opt_registry)))
            )
        return klass(**kwargs)

    # ------------------------------------------------------------ learning rate
    @property
    def learning_rate(self) -> float:
        """The current learning rate (from the scheduler when there is one)."""
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        assert self.lr is not None  # None only with a scheduler
        return self.lr

    def set_learning_rate(self, lr: float) -> None:
        """Set the learning rate; not allowed when an lr_scheduler drives it."""
        if self.lr_scheduler is not None:
            raise UserWarning(
                "LRScheduler of the optimizer has already been defined. Note "
                "that set_learning_rate can mutate the value of the learning "
                "rate of the optimizer only when the LRScheduler of the "
                "optimizer is undefined."
            )
        self.lr = lr

    def set_lr_scale(self, args_lrscale: Any) -> None:
        """[DEPRECATED] Use set_lr_mult."""
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult: Dict[Any, float]) -> None:
        """Per-parameter learning-rate multipliers, by name or index."""
        self.lr_mult = {}
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: Dict[Any, float]) -> None:
        """Per-parameter weight-decay multipliers, by name or index.

        With ``param_idx2name``, parameters whose names end neither in ``_weight`` nor
        ``_gamma`` get no weight decay unless given here (MXNet's rule).
        """
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith("_weight") or n.endswith("_gamma")):
                self.wd_mult[n] = 0.0
        self.wd_mult.update(args_wd_mult)

    # ------------------------------------------------------- update bookkeeping
    def _set_current_context(self, device_id: int) -> None:
        """Switch to the per-device update counts (one Updater per device in Gluon)."""
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index: Any) -> None:
        """Count one more update of ``index`` (or each of a list) and advance num_update."""
        counts = self._index_update_count
        for idx in index if isinstance(index, (list, tuple)) else (index,):
            count = counts.get(idx, self.begin_num_update) + 1
            counts[idx] = count
            if count > self.num_update:
                self.num_update = count

    def _get_lr(self, index: Any) -> float:
        """Learning rate of ``index``: the global one times its lr_mult (the Gluon
        parameter's, else set_lr_mult's by index, else by name)."""
        lr = self.learning_rate
        param = self.param_dict.get(index)
        if param is not None:
            return lr * param.lr_mult
        if index in self.lr_mult:
            return lr * self.lr_mult[index]
        if index in self.idx2name:
            return lr * self.lr_mult.get(self.idx2name[index], 1.0)
        return lr

    def _get_lrs(self, indices: Sequence[Any]) -> List[float]:
        return [self._get_lr(index) for index in indices]

    def _get_wd(self, index: Any) -> float:
        """Weight decay of ``index``: the global one times its wd_mult (looked up like
        the lr_mult)."""
        param = self.param_dict.get(index)
        if param is not None:
            return self.wd * param.wd_mult
        if index in self.wd_mult:
            return self.wd * self.wd_mult[index]
        if index in self.idx2name:
            return self.wd * self.wd_mult.get(self.idx2name[index], 1.0)
        return self.wd

    def _get_wds(self, indices: Sequence[Any]) -> List[float]:
        return [self._get_wd(index) for index in indices]

    # ------------------------------------------------------------------ states
    def create_state(self, index: Any, weight: NDArray) -> Any:
        """Auxiliary state (momentum, moments...) for one weight; None when stateless."""
        return None

    def _fp16_warning(self) -> str:
        return (
            "Accumulating with float16 in optimizer can lead to poor accuracy or slow "
            "convergence. Consider using multi_precision=True option of the optimizer"
        )

    def _pack_mp_state(self, state: Any, weight32: NDArray) -> tuple:
        """The multi-precision state layout: (weight32, state) here; SGD and NAG reverse it."""
        return (weight32, state)

    def _unpack_mp_state(self, mp_state: tuple) -> tuple:
        """(state, weight32) from a multi-precision state."""
        return mp_state[1], mp_state[0]

    def create_state_multi_precision(self, index: Any, weight: NDArray) -> Any:
        """Like create_state, plus a float32 master copy of a float16 weight when
        ``multi_precision`` is on."""
        if self.multi_precision and weight.dtype == np.float16:
            weight32 = weight.astype(np.float32)
            return self._pack_mp_state(self.create_state(index, weight32), weight32)
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn(self._fp16_warning(), stacklevel=2)
        return self.create_state(index, weight)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        """Update ``weight`` in place from ``grad`` and ``state``."""
        raise NotImplementedError()

    def _check_arrays(self, weight: Any, grad: Any) -> None:
        """MXNet's assertion that ``update`` gets NDArrays, naming the culprit."""
        if type(weight) is NDArray and type(grad) is NDArray:
            return
        for what, arr in (("weight", weight), ("grad", grad)):
            if not isinstance(arr, NDArray):
                raise AssertionError(
                    "%s.update: %s must be an NDArray, got %s"
                    % (type(self).__name__, what, type(arr).__name__)
                )

    def update_multi_precision(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any
    ) -> None:
        """``update``, through the float32 master copy for float16 weights under
        multi_precision (generic path for optimizers written with NDArray ops)."""
        if self.multi_precision and weight.dtype == np.float16:
            state, weight32 = self._unpack_mp_state(state)
            self.update(index, weight32, grad.astype(np.float32), state)
            weight[:] = weight32  # copy_ casts to float16
        else:
            self.update(index, weight, grad, state)

    def __getstate__(self) -> dict:
        ret = self.__dict__.copy()
        del ret["param_dict"]  # the Gluon parameters are not part of a saved state
        return ret

    def __setstate__(self, state: dict) -> None:
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


class FusedOptimizer(Optimizer):
    """An optimizer whose update is one fused C++ call per parameter.

    Subclasses implement ``_fused_update(index, weight, grad, state, weight32)``;
    ``weight32`` is the float32 master copy under multi-precision, else None.
    """

    def _clip(self) -> float:
        # MXNet hands clip_gradient to its kernels only when truthy; -1 disables clipping.
        return float(self.clip_gradient) if self.clip_gradient else -1.0

    def _count_update(self, index: Any) -> tuple:
        """Count one more update of ``index``; its (lr, wd) for this update."""
        self._update_count(index)
        return self._get_lr(index), self._get_wd(index)

    def _fused_update(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        raise NotImplementedError()

    def _updates_lazily(self) -> bool:
        """Whether a row-sparse gradient updates only its stored rows (MXNet's
        ``lazy_update``; AdaGrad's sparse kernel always does)."""
        return bool(getattr(self, "lazy_update", False))

    def _apply(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any, weight32: Optional[NDArray]
    ) -> None:
        if type(grad) is not NDArray and grad.stype == "row_sparse" and self._updates_lazily():
            update_stored_rows(
                lambda w, g, s, w32: self._fused_update(index, w, g, s, w32),
                weight,
                grad,
                state,
                weight32,
            )
        else:
            self._fused_update(index, weight, grad, state, weight32)

    def update(self, index: Any, weight: NDArray, grad: NDArray, state: Any) -> None:
        """Update ``weight`` (and ``state``) in place: one fused kernel call."""
        self._check_arrays(weight, grad)
        self._apply(index, weight, grad, state, None)

    def _uses_master(self, weight: NDArray, state: Any) -> bool:
        return self.multi_precision and weight.dtype == np.float16

    def update_multi_precision(
        self, index: Any, weight: NDArray, grad: NDArray, state: Any
    ) -> None:
        """Update; float16 weights under multi_precision update their float32 master copy
        in the same fused call."""
        self._check_arrays(weight, grad)
        if self._uses_master(weight, state):
            state, weight32 = self._unpack_mp_state(state)
            self._apply(index, weight, grad, state, weight32)
        else:
            self._apply(index, weight, grad, state, None)


def update_stored_rows(
    update: Callable[..., None],
    weight: NDArray,
    grad: NDArray,
    state: Any,
    weight32: Optional[NDArray] = None,
) -> None:
    """MXNet's lazy update for a row-sparse ``grad``: ``update(weight, grad, state,
    weight32)``, a dense update, is applied to the gradient's stored rows only (gathered,
    updated, written back); the other rows of the weight and the states are not touched,
    not even by weight decay."""
    rows = cast(Any, grad).indices  # a RowSparseNDArray

    def gather(arr: Any) -> Any:
        if isinstance(arr, NDArray):
            return _core.take(arr, rows, 0, "clip")
        if isinstance(arr, (tuple, list)):
            return type(arr)(gather(a) for a in arr)
        return arr

    def scatter(target: Any, values: Any) -> None:
        if isinstance(target, NDArray):
            _core.index_put_(target, rows, values)
        elif isinstance(target, (tuple, list)):
            for t, v in zip(target, values):
                scatter(t, v)

    parts = (weight, grad, state, weight32)
    gathered = [gather(part) for part in parts]
    update(*gathered)
    for i in (0, 2, 3):
        scatter(parts[i], gathered[i])


_MISSING = object()


class Updater:
    """Keeps the states of one device's weights and applies the optimizer to them."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.states: Dict[Any, Any] = {}
        self.states_synced: Dict[Any, bool] = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index: Any, grad: Any, weight: Any) -> None:
        """Update ``weight`` from ``grad``; each may be one array or a list (with indices)."""
        indices: Sequence[Any]
        grads: Sequence[Any]
        weights: Sequence[Any]
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = (index,), (grad,), (weight,)
        else:
            indices, grads, weights = index, grad, weight
        if not weights:
            return
        optimizer = self.optimizer
        optimizer._set_current_context(weights[0]._device_id)
        states, synced = self.states, self.states_synced
        for idx, g, w in zip(indices, grads, weights):
            if isinstance(idx, bytes):
                idx = idx.decode()
            state = states.get(idx, _MISSING)
            if state is _MISSING:
                state = states[idx] = optimizer.create_state_multi_precision(idx, w)
                synced[idx] = True
            elif not synced[idx]:  # loaded states: move them onto the weight's device
                state = states[idx] = self.sync_state_context(state, w.context)
                synced[idx] = True
            optimizer.update_multi_precision(idx, w, g, state)

    def sync_state_context(self, state: Any, context: Any) -> Any:
        """``state`` (NDArrays, nested tuples/lists) moved onto ``context``."""
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states: bytes) -> None:
        """Restore states (and the optimizer, when it was dumped) from ``get_states`` bytes."""
        loaded = pickle.loads(states)
        if isinstance(loaded, tuple) and len(loaded) == 2:
            self.states, self.optimizer = loaded
        else:
            self.states = loaded
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer: bool = False) -> bytes:
        """The states pickled; with ``dump_optimizer`` also the optimizer (lr, schedule...)."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer: Optimizer) -> Updater:
    """An Updater applying ``optimizer``."""
    return Updater(optimizer)


def _zeros_like(weight: NDArray, dtype: Any = None, stype: str = "default") -> NDArray:
    """A zero state array on the weight's device (dtype: the weight's unless given)."""
    return nd.zeros(
        weight.shape,
        weight.context,
        dtype=dtype if dtype is not None else weight.dtype,
        stype=stype,
    )


def _bias_corrected_lr(lr: float, beta1: float, beta2: float, t: int) -> float:
    """Adam's step size at update t: lr sqrt(1 - beta2^t) / (1 - beta1^t)."""
    return lr * math.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
