"""Base definitions shared by every module (MXNet's ``mxnet.base``)."""

from __future__ import annotations

import os
import platform

import numpy as np

__all__ = [
    "MXNetError",
    "MXNetIndexError",
    "MXNetValueError",
    "MXNetTypeError",
    "NotImplementedForSymbol",
    "string_types",
    "numeric_types",
    "integer_types",
    "mx_real_t",
    "data_dir_default",
    "data_dir",
    "py_str",
]


class MXNetError(RuntimeError):
    """Error raised by gluonlite's core, the same class MXNet raises (a RuntimeError)."""


# Errors from the core that Python would spell IndexError/ValueError/TypeError, while MXNet
# reports many of them (a bad axis, a bad shape) as MXNetError: each is both, so a ported
# script's `except MXNetError:` and a Pythonic `except IndexError:` both catch it.
class MXNetIndexError(MXNetError, IndexError):
    """An index or axis out of range."""


class MXNetValueError(MXNetError, ValueError):
    """An argument with a bad value."""


class MXNetTypeError(MXNetError, TypeError):
    """An argument of an unsupported type or dtype."""


class NotImplementedForSymbol(MXNetError):
    """Kept for API compatibility; gluonlite has no Symbol API."""


string_types = (str,)
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
mx_real_t = np.float32


def data_dir_default() -> str:
    """Where downloads go unless ``MXNET_HOME`` says otherwise (``~/.mxnet``, as MXNet)."""
    if platform.system() == "Windows":
        return os.path.join(os.environ.get("APPDATA", ""), "mxnet")
    return os.path.join(os.path.expanduser("~"), ".mxnet")


def data_dir() -> str:
    """The data directory for downloads (model-zoo weights): ``$MXNET_HOME`` or the default."""
    return os.getenv("MXNET_HOME", data_dir_default())


def py_str(x) -> str:
    """Decodes C-side bytes to ``str`` (UTF-8); a ``str`` comes back unchanged."""
    if isinstance(x, str):
        return x
    if isinstance(x, (bytes, bytearray)):
        return x.decode("utf-8")
    raise TypeError(f"py_str expects bytes or str, got {type(x).__name__}")


# MXNet's numeric dtype codes: ``__dtype__`` graph attributes, ``.params`` records and the
# dtypes CustomOpProp.create_operator receives
DTYPE_CODES = {
    "float32": 0,
    "float64": 1,
    "float16": 2,
    "uint8": 3,
    "int32": 4,
    "int8": 5,
    "int64": 6,
    "bool": 7,
}
