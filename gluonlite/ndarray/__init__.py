"""``gluonlite.nd``: MXNet's NDArray API."""

from . import random  # noqa: F401
from .linalg import *  # noqa: F401,F403  (nd.linalg and MXNet's nd.linalg_* aliases)
from .ndarray import *  # noqa: F401,F403
from .ndarray import NDArray, _install_methods
from .nn_ops import *  # noqa: F401,F403
from .ops import *  # noqa: F401,F403
from .utils import load, load_frombuffer, save, save_tobuffer  # noqa: F401

_install_methods()


def __getattr__(name):
    # nd.image pulls in the host-side image kernels: imported on first use
    if name == "image":
        import importlib

        module = importlib.import_module(".image", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'gluonlite.ndarray' has no attribute {name!r}")
