"""Gluon: the imperative neural-network API (``gluonlite.gluon``, as ``mxnet.gluon``)."""

import importlib as _importlib
import importlib.util as _importlib_util

from . import block, contrib, data, loss, model_zoo, nn, parameter, rnn, utils
from .block import Block, HybridBlock
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict, tensor_types
from .symbol_block import SymbolBlock


def _import_if_present(name: str):
    """Import an optional submodule only if its file exists (errors inside it propagate)."""
    spec = _importlib_util.find_spec(__name__ + "." + name)
    if spec is None or spec.origin is None:  # absent, or an empty folder (namespace)
        return None
    return _importlib.import_module(__name__ + "." + name)


# Written by other parts of the project; bound here when they exist.
trainer = _import_if_present("trainer")
if trainer is not None:
    Trainer = trainer.Trainer
else:
    del trainer
