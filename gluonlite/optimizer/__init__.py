"""``gluonlite.optimizer`` (``mx.optimizer``): optimizers, most with fused C++ update kernels."""

from . import optimizer  # noqa: F401  (mx.optimizer.optimizer, as in MXNet)
from .adaptive import AdaDelta, AdaGrad, Adam, Adamax, Nadam, RMSProp
from .follow_leader import FTML, Ftrl
from .lamb import LAMB
from .optimizer import Optimizer, Updater, create, get_updater, register
from .sgd import NAG, SGD, SGLD, Signum, ccSGD

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
    "Adamax",
    "Nadam",
    "FTML",
    "Ftrl",
    "LAMB",
    "SGLD",
]
