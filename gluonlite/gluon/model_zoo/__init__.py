"""Predefined and pretrained models (``gluonlite.gluon.model_zoo``, as MXNet's)."""

from . import model_store, vision
