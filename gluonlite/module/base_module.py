"""``mx.mod.BaseModule``: the training and evaluation loops shared by every module.

A module is driven through ``bind`` (input shapes), ``init_params``, ``init_optimizer``,
then ``forward`` / ``backward`` / ``update`` per batch; ``fit``, ``score`` and ``predict``
here are those steps in MXNet 1.9.1's order, with its log lines (``Epoch[0]
Train-acc=...``, ``Epoch[0] Time cost=...``, ``Epoch[0] Validation-acc=...``) and its
callbacks (``BatchEndParam(epoch, nbatch, eval_metric, locals)`` after every batch, and
``(epoch, symbol, arg_params, aux_params)`` after every epoch).

Differences from MXNet, on purpose: ``predict`` on an array runs the graph in inference
mode (MXNet runs it in training mode when the module was bound for training, so Dropout
drops); ``monitor`` is not supported.
"""

from __future__ import annotations

import logging
import time
import warnings
from typing import Any, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from .. import metric as _metric
from .. import ndarray as nd
from ..initializer import Uniform
from ..io import DataBatch, DataDesc, DataIter
from ..model import BatchEndParam

__all__ = ["BaseModule"]

# argument names that are parameters, not inputs, when suggesting what a name could be
_PARAM_SUFFIXES = ("_weight", "_bias", "_gamma", "_beta")
# MXNet's default initializer for init_params and fit
DEFAULT_INITIALIZER = Uniform(0.01)


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def check_input_names(symbol: Any, names: Sequence[str], typename: str, throw: bool) -> None:
    """Every name must be an argument of ``symbol``: ValueError (``throw``) or UserWarning,
    with MXNet's text and the arguments the name could have meant."""
    args = symbol.list_arguments()
    for name in names:
        if name in args:
            continue
        candidates = [arg for arg in args if not arg.endswith(_PARAM_SUFFIXES)]
        msg = (
            "\033[91mYou created Module with Module(..., %s_names=%s) but input with name "
            "'%s' is not found in symbol.list_arguments(). Did you mean one of:\n\t%s\033[0m"
            % (typename, str(list(names)), name, "\n\t".join(candidates))
        )
        if throw:
            raise ValueError(msg)
        warnings.warn(msg, stacklevel=3)


def _as_descs(shapes: Iterable[Any], what: str) -> List[DataDesc]:
    descs = []
    for item in shapes:
        if isinstance(item, DataDesc):
            descs.append(item)
        elif isinstance(item, (list, tuple)) and len(item) in (2, 3, 4):
            descs.append(DataDesc(*item))
        else:
            raise ValueError(
                "%s_shapes must list (name, shape) pairs or DataDescs, got %r" % (what, item)
            )
    return descs


def _check_names_match(names: Sequence[str], descs: List[DataDesc], what: str, throw: bool) -> None:
    if sorted(names) == sorted(d.name for d in descs):
        return
    msg = "Data provided by %s_shapes don't match names specified by %s_names (%s vs. %s)" % (
        what,
        what,
        str(descs),
        str(list(names)),
    )
    if throw:
        raise ValueError(msg)
    warnings.warn(msg, stacklevel=4)


def parse_data_desc(
    data_names: Sequence[str],
    label_names: Sequence[str],
    data_shapes: Any,
    label_shapes: Any,
) -> Tuple[List[DataDesc], Optional[List[DataDesc]]]:
    """``(data descs, label descs or None)`` from ``bind``'s shapes, checked against the
    module's names (a data mismatch raises ValueError, a label mismatch warns)."""
    if isinstance(data_shapes, (str, DataDesc)) or not isinstance(data_shapes, (list, tuple)):
        raise ValueError(
            "data_shapes must be a list of (name, shape) pairs or DataDescs, got %r"
            % (data_shapes,)
        )
    data_descs = _as_descs(data_shapes, "data")
    _check_names_match(data_names, data_descs, "data", True)
    label_descs = None
    if label_shapes is not None:
        label_descs = _as_descs(label_shapes, "label")
        _check_names_match(label_names, label_descs, "label", False)
    else:
        _check_names_match(label_names, [], "label", False)
    return data_descs, label_descs


class BaseModule:
    """The module interface and the ``fit`` / ``score`` / ``predict`` loops over it."""

    def __init__(self, logger: Any = logging) -> None:
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol: Any = None
        self._total_exec_bytes = 0

    # ---- loops -----------------------------------------------------------------------

    def forward_backward(self, data_batch: DataBatch) -> None:
        """``forward(data_batch, is_train=True)`` then ``backward()``."""
        self.forward(data_batch, is_train=True)
        self.backward()

    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        """Get ready for the next batch (nothing to do with dense parameters)."""

    def _require(self, *, binded: bool = True, params: bool = True, what: str) -> None:
        if binded and not self.binded:
            raise AssertionError("%s: call bind() first" % what)
        if params and not self.params_initialized:
            raise AssertionError(
                "%s: the parameters are not initialized; call init_params() (or set_params) "
                "first" % what
            )

    def score(
        self,
        eval_data: DataIter,
        eval_metric: Any,
        num_batch: Optional[int] = None,
        batch_end_callback: Any = None,
        score_end_callback: Any = None,
        reset: bool = True,
        epoch: int = 0,
        sparse_row_id_fn: Any = None,
    ) -> List[Tuple[str, float]]:
        """``eval_metric`` over ``eval_data`` (at most ``num_batch`` batches) in inference
        mode, as a list of ``(name, value)``."""
        self._require(what="score")
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, _metric.EvalMetric):
            eval_metric = _metric.create(eval_metric)
        eval_metric.reset()
        done = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                params = BatchEndParam(epoch, nbatch, eval_metric, locals())
                for callback in _as_list(batch_end_callback):
                    callback(params)
            done += 1
        if score_end_callback:
            params = BatchEndParam(epoch, done, eval_metric, locals())
            for callback in _as_list(score_end_callback):
                callback(params)
        return eval_metric.get_name_value()

    def iter_predict(
        self,
        eval_data: DataIter,
        num_batch: Optional[int] = None,
        reset: bool = True,
        sparse_row_id_fn: Any = None,
    ) -> Any:
        """Yield ``(outputs without the batch's padding, batch index, batch)`` per batch."""
        self._require(what="iter_predict")
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad or 0
            outputs = [out[0 : out.shape[0] - pad] for out in self.get_outputs()]
            yield outputs, nbatch, eval_batch

    def predict(
        self,
        eval_data: Any,
        num_batch: Optional[int] = None,
        merge_batches: bool = True,
        reset: bool = True,
        always_output_list: bool = False,
        sparse_row_id_fn: Any = None,
    ) -> Any:
        """The outputs over ``eval_data`` (a DataIter, an NDArray or a numpy array), the
        batches' padding removed; batches concatenated unless ``merge_batches=False``."""
        self._require(what="predict")
        if isinstance(eval_data, (nd.NDArray, np.ndarray)):
            if isinstance(eval_data, np.ndarray):
                eval_data = nd.array(eval_data)
            self.forward(DataBatch([eval_data]), is_train=False)
            return self.get_outputs()[0]
        if not isinstance(eval_data, DataIter):
            raise ValueError("eval_data must be of type NDArray or DataIter")
        batches = [
            [out.copy() for out in outputs]
            for outputs, _, _ in self.iter_predict(eval_data, num_batch, reset, sparse_row_id_fn)
        ]
        if not batches or not merge_batches:
            return batches
        count = len(batches[0])
        if any(len(outs) != count for outs in batches):
            raise AssertionError(
                "Cannot merge batches, as num of outputs is not the same in mini-batches. "
                "Maybe bucketing is used?"
            )
        merged = [nd.concatenate([outs[i] for outs in batches]) for i in range(count)]
        if count == 1 and not always_output_list:
            return merged[0]
        return merged

    def fit(
        self,
        train_data: DataIter,
        eval_data: Optional[DataIter] = None,
        eval_metric: Any = "acc",
        epoch_end_callback: Any = None,
        batch_end_callback: Any = None,
        kvstore: Any = "local",
        optimizer: Any = "sgd",
        optimizer_params: Any = (("learning_rate", 0.01),),
        eval_end_callback: Any = None,
        eval_batch_end_callback: Any = None,
        initializer: Any = DEFAULT_INITIALIZER,
        arg_params: Optional[dict] = None,
        aux_params: Optional[dict] = None,
        allow_missing: bool = False,
        force_rebind: bool = False,
        force_init: bool = False,
        begin_epoch: int = 0,
        num_epoch: Optional[int] = None,
        validation_metric: Any = None,
        monitor: Any = None,
        sparse_row_id_fn: Any = None,
    ) -> None:
        """Train for epochs ``begin_epoch .. num_epoch - 1`` over ``train_data``: bind,
        initialize parameters and optimizer, then forward, backward, update and metric per
        batch; log the training (and ``eval_data``'s validation) metric each epoch."""
        if num_epoch is None:
            raise AssertionError("please specify number of epochs")
        if monitor is not None:
            raise NotImplementedError("Module.fit: monitor= is not supported by gluonlite")
        if not isinstance(train_data, DataIter):
            raise TypeError(
                "fit: train_data must be a DataIter (such as mx.io.NDArrayIter), got %s"
                % type(train_data).__name__
            )
        described: Any = train_data  # every iterator describes its batches (provide_*)
        self.bind(
            data_shapes=described.provide_data,
            label_shapes=described.provide_label,
            for_training=True,
            force_rebind=force_rebind,
        )
        self.init_params(
            initializer=initializer,
            arg_params=arg_params,
            aux_params=aux_params,
            allow_missing=allow_missing,
            force_init=force_init,
        )
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer, optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, _metric.EvalMetric):
            eval_metric = _metric.create(eval_metric)
        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            name_values: List[Tuple[str, float]] = []
            batches = iter(train_data)
            nbatch = 0
            next_batch = next(batches, None)
            while next_batch is not None:
                data_batch = next_batch
                self.forward_backward(data_batch)
                self.update()
                self.update_metric(eval_metric, data_batch.label)
                next_batch = next(batches, None)
                if next_batch is not None:
                    self.prepare(next_batch, sparse_row_id_fn)
                else:
                    name_values = eval_metric.get_global_name_value()
                if batch_end_callback is not None:
                    params = BatchEndParam(epoch, nbatch, eval_metric, locals())
                    for callback in _as_list(batch_end_callback):
                        callback(params)
                nbatch += 1
            for name, value in name_values:
                self.logger.info("Epoch[%d] Train-%s=%f", epoch, name, value)
            self.logger.info("Epoch[%d] Time cost=%.3f", epoch, time.time() - tic)
            arg_values, aux_values = self.get_params()
            self.set_params(arg_values, aux_values)
            if epoch_end_callback is not None:
                for callback in _as_list(epoch_end_callback):
                    callback(epoch, self.symbol, arg_values, aux_values)
            if eval_data:
                results = self.score(
                    eval_data,
                    validation_metric,
                    score_end_callback=eval_end_callback,
                    batch_end_callback=eval_batch_end_callback,
                    epoch=epoch,
                )
                for name, value in results:
                    self.logger.info("Epoch[%d] Validation-%s=%f", epoch, name, value)
            train_data.reset()

    # ---- the interface a module implements --------------------------------------------

    @property
    def symbol(self) -> Any:
        """The module's graph."""
        return self._symbol

    @property
    def data_names(self) -> List[str]:
        raise NotImplementedError

    @property
    def output_names(self) -> List[str]:
        raise NotImplementedError

    @property
    def data_shapes(self) -> List[DataDesc]:
        raise NotImplementedError

    @property
    def label_shapes(self) -> Optional[List[DataDesc]]:
        raise NotImplementedError

    @property
    def output_shapes(self) -> List[Tuple[str, Tuple[int, ...]]]:
        raise NotImplementedError

    def get_params(self) -> Tuple[dict, dict]:
        raise NotImplementedError

    def init_params(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    def set_params(
        self,
        arg_params: dict,
        aux_params: dict,
        allow_missing: bool = False,
        force_init: bool = True,
        allow_extra: bool = False,
    ) -> None:
        """Copy the given parameter values into the module (see ``init_params``)."""
        self.init_params(
            initializer=None,
            arg_params=arg_params,
            aux_params=aux_params,
            allow_missing=allow_missing,
            force_init=force_init,
            allow_extra=allow_extra,
        )

    def bind(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    def init_optimizer(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        raise NotImplementedError

    def backward(self, out_grads: Any = None) -> None:
        raise NotImplementedError

    def get_outputs(self, merge_multi_context: bool = True) -> list:
        raise NotImplementedError

    def get_input_grads(self, merge_multi_context: bool = True) -> list:
        raise NotImplementedError

    def update(self) -> None:
        raise NotImplementedError

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        raise NotImplementedError
