"""``gluonlite.nd``: MXNet's NDArray API."""
from .ndarray import *  # noqa: F401,F403
from .ndarray import NDArray, _install_methods
from .ops import *  # noqa: F401,F403
from .nn_ops import *  # noqa: F401,F403
from . import random  # noqa: F401
from .utils import save, load, load_frombuffer, save_tobuffer  # noqa: F401

_install_methods()
