"""Neural-network layers (``gluonlite.gluon.nn``, as ``mxnet.gluon.nn``)."""
from ..block import Block, HybridBlock
from .activations import ELU, GELU, SELU, Activation, LeakyReLU, PReLU, Swish
from .basic_layers import (Dense, Dropout, Flatten, HybridLambda, HybridSequential, Lambda,
                           Sequential)
from .conv_layers import (AvgPool1D, AvgPool2D, AvgPool3D, Conv1D, Conv1DTranspose, Conv2D,
                          Conv2DTranspose, Conv3D, Conv3DTranspose, GlobalAvgPool1D,
                          GlobalAvgPool2D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool2D,
                          GlobalMaxPool3D, MaxPool1D, MaxPool2D, MaxPool3D)
from .embedding import Embedding
from .norm_layers import BatchNorm, InstanceNorm, LayerNorm
from . import activations, basic_layers, conv_layers, embedding, norm_layers

__all__ = ['Block', 'HybridBlock', 'Activation', 'Dense', 'Dropout', 'Flatten',
           'HybridLambda', 'HybridSequential', 'Lambda', 'Sequential',
           'LeakyReLU', 'PReLU', 'ELU', 'SELU', 'GELU', 'Swish',
           'Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
           'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
           'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D',
           'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D',
           'BatchNorm', 'LayerNorm', 'InstanceNorm', 'Embedding']
