"""gluonlite: MXNet 1.x's Gluon API on a small C++/CUDA tensor and autograd core.

Port an MXNet script by changing its imports::

    import gluonlite as mx
    from gluonlite import nd, autograd, gluon, init
"""

import sys as _sys

from . import (
    _core,  # noqa: F401
    autograd,
    base,
    context,
    ndarray,
    numpy,
    numpy_extension,
    random,
)
from . import ndarray as nd
from . import numpy as np
from . import numpy_extension as npx
from .base import MXNetError
from .context import (
    Context,
    cpu,
    cpu_pinned,
    current_context,
    get_num_threads,
    gpu,
    num_gpus,
    set_num_threads,
)
from .util import is_np_shape, np_shape, set_np_shape  # noqa: F401  (mx.np_shape, ...)

_sys.modules[__name__ + ".nd"] = ndarray
_sys.modules[__name__ + ".np"] = numpy
_sys.modules[__name__ + ".npx"] = numpy_extension

__version__ = "0.1.0"


def __getattr__(name):
    # Gluon, init and friends are imported on first use: keeps `import gluonlite` fast and
    # lets the NDArray core stand alone.
    import importlib

    aliases = {
        "init": "initializer",
        "initializer": "initializer",
        "gluon": "gluon",
        "optimizer": "optimizer",
        "lr_scheduler": "lr_scheduler",
        "metric": "metric",
        "util": "util",
        "test_utils": "test_utils",
        "recordio": "recordio",
        "image": "image",
        "img": "image",
        "contrib": "contrib",
        "runtime": "runtime",
        "name": "name",
        "io": "io",
        "operator": "operator",
        "sym": "symbol",
        "symbol": "symbol",
        "mod": "module",
        "module": "module",
        "model": "model",
        "onnx": "onnx",
        "kv": "kvstore",
        "kvstore": "kvstore",
    }
    if name in aliases:
        module = importlib.import_module("." + aliases[name], __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'gluonlite' has no attribute {name!r}")
