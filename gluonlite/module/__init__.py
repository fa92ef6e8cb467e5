"""``mx.mod`` / ``mx.module``: MXNet 1.x's Module API, training Symbol graphs."""

from . import base_module, module  # noqa: F401  (mx.mod.module, as in MXNet)
from .base_module import BaseModule
from .module import Module

__all__ = ["BaseModule", "Module"]
