"""``gluonlite.init``: the same module as ``gluonlite.initializer`` (as in MXNet).

MXNet exposes one module under both names (``mx.init is mx.initializer``), so a
custom class registered through either name is visible through the other. This
file makes ``import gluonlite.init`` return the initializer module itself.
"""

import sys

from . import initializer as _initializer
from .initializer import *  # noqa: F401,F403  (re-export, for tools reading this file)
from .initializer import InitDesc, Initializer, alias, create, register  # noqa: F401

# The import system returns whatever sits in sys.modules under this name.
sys.modules[__name__] = _initializer
