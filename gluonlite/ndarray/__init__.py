"""``gluonlite.nd``: MXNet's NDArray API."""

from . import (
    _internal,  # noqa: F401  (nd._internal: the operators graphs name, _crop_assign, ...)
    contrib,  # noqa: F401
    random,  # noqa: F401
    shape_ops,
    sparse,
)
from .cached_op import CachedOp  # noqa: F401
from .ctc import *  # noqa: F401,F403
from .custom import Custom  # noqa: F401
from .index_ops import *  # noqa: F401,F403
from .legacy_random import *  # noqa: F401,F403  nd.random_uniform, nd.sample_gamma, ...
from .linalg import *  # noqa: F401,F403  (nd.linalg and MXNet's nd.linalg_* aliases)
from .loss_ops import *  # noqa: F401,F403
from .ndarray import *  # noqa: F401,F403
from .ndarray import NDArray, _install_methods
from .nn_extra_ops import *  # noqa: F401,F403
from .nn_ops import *  # noqa: F401,F403
from .ops import *  # noqa: F401,F403
from .optimizer_ops import *  # noqa: F401,F403
from .output_ops import *  # noqa: F401,F403
from .random_pdf import *  # noqa: F401,F403  nd.random_pdf_normal, ...
from .rnn_op import *  # noqa: F401,F403
from .shape_ops import *  # noqa: F401,F403
from .spatial_ops import *  # noqa: F401,F403
from .util_ops import *  # noqa: F401,F403
from .utils import load, load_frombuffer, save, save_tobuffer  # noqa: F401

_install_methods()
shape_ops.install_methods(NDArray)


def __getattr__(name):
    # nd.image pulls in the host-side image kernels: imported on first use
    if name == "image":
        import importlib

        module = importlib.import_module(".image", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'gluonlite.ndarray' has no attribute {name!r}")
