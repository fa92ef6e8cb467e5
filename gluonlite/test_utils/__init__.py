"""Testing helpers (MXNet 1.9.1's ``mxnet.test_utils``), for ported scripts and MXNet's tests.

``from gluonlite.test_utils import *`` exports what MXNet's star-import does: the helpers and
the modules MXNet's test files take from it (``mx``, ``np``, ``os``, ``sys``, ``rnd``, ...).
``ss`` (scipy.stats) and ``requests`` are imported when first asked for, if installed.
"""

import bz2
import errno
import gzip
import importlib as _importlib
import importlib.util as _importlib_util
import json
import logging
import numbers
import os
import platform
import struct
import sys
import time
import traceback
import zipfile
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np
import numpy.random as rnd
import numpy.testing as npt

import gluonlite as mx

from .. import _core
from ..context import Context, current_context
from ..ndarray import array
from ..ndarray.ndarray import _STORAGE_TYPE_STR_TO_ID
from ..runtime import Features
from ..util import getenv, setenv, use_np
from ._compare import (
    almost_equal,
    assert_allclose,
    assert_almost_equal,
    assert_almost_equal_ignore_nan,
    collapse_sum_like,
    compare_ndarray_tuple,
    default_atols,
    default_numeric_eps,
    default_rtols,
    effective_dtype,
    get_atol,
    get_etol,
    get_rtol,
    get_tolerance,
    get_tols,
    np_reduce,
    same,
)
from ._environment import assert_exception, discard_stderr, environment, retry
from ._gradient import check_numeric_gradient, compare_optimizer
from ._random import (
    chi_square_check,
    default_dtype,
    gen_buckets_probs_with_ppf,
    mean_check,
    rand_ndarray,
    rand_shape_2d,
    rand_shape_3d,
    rand_shape_nd,
    rand_sparse_ndarray,
    random_arrays,
    random_sample,
    random_uniform_arrays,
    var_check,
    verify_generator,
)
from ._symbolic import check_symbolic_backward, check_symbolic_forward

_features = Features()


def list_gpus() -> range:
    """Indices of the usable GPUs (empty without one), the usual GPU-detection idiom."""
    return range(_core.num_gpus())


def default_context() -> Context:
    """The context tests run on: the current default context."""
    return current_context()


def set_default_context(ctx: Context) -> None:
    """Makes ``ctx`` the default context of this thread (what ``mx.current_context()`` gives)."""
    if not isinstance(ctx, Context):
        raise TypeError(f"set_default_context: ctx must be a Context, got {type(ctx).__name__}")
    Context._default.value = ctx


# Optional modules MXNet's test_utils imports at the top: loaded on first use here, so that
# `import gluonlite.test_utils` stays quick; a star-import asks for them and loads them then.
_LAZY_MODULES = {"ss": "scipy.stats", "requests": "requests"}
_AVAILABLE_LAZY = [
    name
    for name, module in _LAZY_MODULES.items()
    if _importlib_util.find_spec(module.split(".")[0]) is not None
]


def __getattr__(name):
    if name in _AVAILABLE_LAZY:
        module = _importlib.import_module(_LAZY_MODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'gluonlite.test_utils' has no attribute {name!r}")


# MXNet's test_utils has no __all__, so its star-import hands out every public global,
# modules included; this list is those of its globals that gluonlite has.
__all__ = [
    # modules and names MXNet's tests take from the star-import
    "mx",
    "np",
    "npt",
    "rnd",
    "os",
    "sys",
    "time",
    "logging",
    "json",
    "numbers",
    "platform",
    "struct",
    "traceback",
    "gzip",
    "bz2",
    "zipfile",
    "errno",
    "contextmanager",
    "OrderedDict",
    "Context",
    "current_context",
    "array",
    "Features",
    "getenv",
    "setenv",
    "use_np",
    # contexts and dtypes
    "default_context",
    "set_default_context",
    "list_gpus",
    "default_dtype",
    # comparison
    "default_rtols",
    "default_atols",
    "default_numeric_eps",
    "effective_dtype",
    "get_tolerance",
    "get_tols",
    "get_rtol",
    "get_atol",
    "get_etol",
    "same",
    "almost_equal",
    "assert_almost_equal",
    "assert_almost_equal_ignore_nan",
    "assert_allclose",
    "np_reduce",
    "collapse_sum_like",
    "compare_ndarray_tuple",
    "compare_optimizer",
    "check_numeric_gradient",
    "check_symbolic_backward",
    "check_symbolic_forward",
    # random data and generator checks
    "rand_shape_2d",
    "rand_shape_3d",
    "rand_shape_nd",
    "random_arrays",
    "random_uniform_arrays",
    "random_sample",
    "rand_ndarray",
    "rand_sparse_ndarray",
    "gen_buckets_probs_with_ppf",
    "chi_square_check",
    "verify_generator",
    "mean_check",
    "var_check",
    # test control
    "environment",
    "discard_stderr",
    "retry",
    "assert_exception",
] + _AVAILABLE_LAZY
