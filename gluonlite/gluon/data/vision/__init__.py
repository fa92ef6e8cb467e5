"""Vision datasets and image transforms (``gluonlite.gluon.data.vision``, as MXNet's)."""

from . import transforms  # noqa: F401
from .datasets import *  # noqa: F401,F403
from .datasets import __all__  # noqa: F401
