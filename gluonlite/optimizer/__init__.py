"""``gluonlite.optimizer`` (``mx.optimizer``): optimizers with fused C++ update kernels."""

from . import optimizer  # noqa: F401  (mx.optimizer.optimizer, as in MXNet)
from .adaptive import AdaDelta, AdaGrad, Adam, RMSProp
from .optimizer import Optimizer, Updater, create, get_updater, register
from .sgd import NAG, SGD, Signum, ccSGD

__all__ = [
    "Optimizer",
    "Updater",
    "create",
    "get_updater",
    "register",
    "SGD",
    "ccSGD",
    "NAG",
    "Signum",
    "Adam",
    "RMSProp",
    "AdaGrad",
    "AdaDelta",
]
