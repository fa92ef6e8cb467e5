"""Contributed Gluon pieces (``gluonlite.gluon.contrib``, as ``mxnet.gluon.contrib``)."""

from . import nn
