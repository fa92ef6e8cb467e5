"""Neural-network layers (``gluonlite.gluon.nn``, as ``mxnet.gluon.nn``)."""
from ..block import Block, HybridBlock
from .activations import Activation
from .basic_layers import (Dense, Dropout, Flatten, HybridLambda, HybridSequential, Lambda,
                           Sequential)
from . import activations, basic_layers

__all__ = ['Block', 'HybridBlock', 'Activation', 'Dense', 'Dropout', 'Flatten',
           'HybridLambda', 'HybridSequential', 'Lambda', 'Sequential']
