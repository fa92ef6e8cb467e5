"""SqueezeNet 1.0 and 1.1 (Iandola et al. 2016, arXiv:1602.07360), as MXNet's model zoo.

The classifier ends in AvgPool2D(13), so inputs must leave at least a 13x13 map
(224x224 images do).
"""

from __future__ import annotations

import os
from typing import Any

from .... import base
from ....context import Context
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ._common import DEFAULT_CTX, load_pretrained

__all__ = ["SqueezeNet", "squeezenet1_0", "squeezenet1_1"]


def _fire_conv(channels: int, kernel_size: int, padding: int = 0) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(channels, kernel_size, padding=padding), nn.Activation("relu"))
    return out


def _fire(squeeze: int, expand1x1: int, expand3x3: int) -> nn.HybridSequential:
    """1x1 squeeze, then 1x1 and 3x3 expansions concatenated on the channel axis."""
    out = nn.HybridSequential(prefix="")
    out.add(_fire_conv(squeeze, 1))
    expand = HybridConcurrent(axis=1, prefix="")
    expand.add(_fire_conv(expand1x1, 1))
    expand.add(_fire_conv(expand3x3, 3, 1))
    out.add(expand)
    return out


def _pool() -> nn.MaxPool2D:
    return nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True)


class SqueezeNet(HybridBlock):
    """SqueezeNet ``version`` '1.0' or '1.1'."""

    def __init__(self, version: str, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        assert version in ["1.0", "1.1"], (
            "Unsupported SqueezeNet version {version}:1.0 or 1.1 expected".format(version=version)
        )
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            add = self.features.add
            if version == "1.0":
                add(nn.Conv2D(96, kernel_size=7, strides=2), nn.Activation("relu"), _pool())
                add(_fire(16, 64, 64), _fire(16, 64, 64), _fire(32, 128, 128), _pool())
                add(
                    _fire(32, 128, 128),
                    _fire(48, 192, 192),
                    _fire(48, 192, 192),
                    _fire(64, 256, 256),
                    _pool(),
                )
                add(_fire(64, 256, 256))
            else:
                add(nn.Conv2D(64, kernel_size=3, strides=2), nn.Activation("relu"), _pool())
                add(_fire(16, 64, 64), _fire(16, 64, 64), _pool())
                add(_fire(32, 128, 128), _fire(32, 128, 128), _pool())
                add(
                    _fire(48, 192, 192),
                    _fire(48, 192, 192),
                    _fire(64, 256, 256),
                    _fire(64, 256, 256),
                )
            add(nn.Dropout(0.5))
            self.output = nn.HybridSequential(prefix="")
            self.output.add(
                nn.Conv2D(classes, kernel_size=1),
                nn.Activation("relu"),
                nn.AvgPool2D(13),
                nn.Flatten(),
            )

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return self.output(self.features(x))


def get_squeezenet(
    version: str,
    pretrained: bool = False,
    ctx: Context = DEFAULT_CTX,
    root: str = os.path.join(base.data_dir(), "models"),
    **kwargs: Any,
) -> SqueezeNet:
    """SqueezeNet ``version`` ('1.0' or '1.1')."""
    net = SqueezeNet(version, **kwargs)
    if pretrained:
        load_pretrained(net, "squeezenet%s" % version, root, ctx)
    return net


def squeezenet1_0(**kwargs: Any) -> SqueezeNet:
    """SqueezeNet 1.0. Keywords: pretrained=False, ctx=cpu(), root, classes=1000."""
    return get_squeezenet("1.0", **kwargs)


def squeezenet1_1(**kwargs: Any) -> SqueezeNet:
    """SqueezeNet 1.1. Keywords: pretrained=False, ctx=cpu(), root, classes=1000."""
    return get_squeezenet("1.1", **kwargs)
