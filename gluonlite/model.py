"""``mx.model``: MXNet 1.x checkpoints (``prefix-symbol.json`` + ``prefix-%04d.params``).

A checkpoint is a graph file written by ``Symbol.save`` and a parameter file written by
``nd.save`` whose keys are ``arg:<name>`` (arguments) and ``aux:<name>`` (auxiliary
states). Files move both ways between gluonlite and MXNet 1.9.1. ``BatchEndParam`` is what
``Module.fit`` and ``Module.score`` hand to batch callbacks.
"""

from __future__ import annotations

import logging
import os
from collections import namedtuple
from typing import Any, Dict, Tuple

from . import ndarray as nd
from .base import MXNetError
from .context import cpu

__all__ = ["BatchEndParam", "save_checkpoint", "load_checkpoint", "load_params"]

BatchEndParam = namedtuple("BatchEndParam", ["epoch", "nbatch", "eval_metric", "locals"])


def _params_file(prefix: str, epoch: int) -> str:
    return "%s-%04d.params" % (prefix, epoch)


def _require_file(fname: str, what: str) -> None:
    # MXNet reports a missing file as an MXNetError from its file reader
    if not os.path.isfile(fname):
        raise MXNetError(
            "Cannot load the checkpoint's %s: file '%s' does not exist" % (what, fname)
        )


def _on_cpu(prefix: str, params: Dict[str, Any], what: str) -> Dict[str, Any]:
    arrays = {}
    for name, value in params.items():
        if not isinstance(value, nd.NDArray):
            raise TypeError(
                "save_checkpoint('%s'): %s '%s' must be an NDArray, got %s"
                % (prefix, what, name, type(value).__name__)
            )
        arrays[name] = value.as_in_context(cpu())
    return arrays


def save_checkpoint(
    prefix: str,
    epoch: int,
    symbol: Any,
    arg_params: Dict[str, Any],
    aux_params: Dict[str, Any],
    remove_amp_cast: bool = True,
) -> None:
    """Write ``prefix-symbol.json`` (unless ``symbol`` is None) and ``prefix-%04d.params``
    (``epoch``) holding ``arg:<name>`` then ``aux:<name>`` arrays, in the dicts' order."""
    arrays = {"arg:%s" % k: v for k, v in _on_cpu(prefix, arg_params, "argument").items()}
    arrays.update({"aux:%s" % k: v for k, v in _on_cpu(prefix, aux_params, "aux state").items()})
    if symbol is not None:
        if not hasattr(symbol, "save"):
            raise TypeError(
                "save_checkpoint('%s'): symbol must be a Symbol (or None), got %s"
                % (prefix, type(symbol).__name__)
            )
        symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
    param_name = _params_file(prefix, epoch)
    nd.utils.save_for_mode(param_name, arrays)
    logging.info('Saved checkpoint to "%s"', param_name)


def load_params(prefix: str, epoch: int) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """``(arg_params, aux_params)`` from ``prefix-%04d.params``, in the file's order; keys
    with another prefix than ``arg:``/``aux:`` are skipped, as MXNet does."""
    fname = _params_file(prefix, epoch)
    _require_file(fname, "parameters")
    saved = nd.load(fname)
    arg_params: Dict[str, Any] = {}
    aux_params: Dict[str, Any] = {}
    if not saved:
        logging.warning("Params file '%s' is empty", fname)
        return arg_params, aux_params
    if not isinstance(saved, dict):
        # MXNet fails on such a file with AttributeError ('list' object has no 'items')
        raise AttributeError(
            "'%s' holds %d unnamed arrays, not a checkpoint: its arrays need 'arg:<name>' or "
            "'aux:<name>' keys (save them with mx.model.save_checkpoint or nd.save of a dict)"
            % (fname, len(saved))
        )
    for key, value in saved.items():
        kind, sep, name = key.partition(":")
        if not sep:
            raise ValueError(
                "'%s' is not a checkpoint file: its key '%s' has no 'arg:'/'aux:' prefix"
                % (fname, key)
            )
        if kind == "arg":
            arg_params[name] = value
        elif kind == "aux":
            aux_params[name] = value
    return arg_params, aux_params


def load_checkpoint(prefix: str, epoch: int) -> Tuple[Any, Dict[str, Any], Dict[str, Any]]:
    """``(symbol, arg_params, aux_params)`` from ``prefix-symbol.json`` and
    ``prefix-%04d.params``."""
    from .symbol import load as load_symbol

    symbol_file = "%s-symbol.json" % prefix
    _require_file(symbol_file, "graph")
    symbol = load_symbol(symbol_file)
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params
