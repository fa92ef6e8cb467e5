"""Base definitions shared by every module (MXNet's ``mxnet.base``)."""
from __future__ import annotations

import numpy as np

__all__ = ["MXNetError", "NotImplementedForSymbol", "string_types", "numeric_types",
           "integer_types", "mx_real_t"]


class MXNetError(RuntimeError):
    """Error raised by gluonlite's core, the same class MXNet raises (a RuntimeError)."""


class NotImplementedForSymbol(MXNetError):
    """Kept for API compatibility; gluonlite has no Symbol API."""


string_types = (str,)
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
mx_real_t = np.float32
