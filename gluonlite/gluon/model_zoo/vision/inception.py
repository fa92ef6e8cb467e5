"""Inception V3 (Szegedy et al. 2015, arXiv:1512.00567), as MXNet's model zoo.

Every convolution is conv (no bias) + BatchNorm(epsilon=0.001) + relu. A branch is an
optional pool followed by convolutions given as (channels, kernel, strides, padding)
with None for "default". The head ends in AvgPool2D(8): use 299x299 inputs.
"""

from __future__ import annotations

import os
from typing import Any, Optional

from .... import base
from ....context import Context
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ._common import DEFAULT_CTX, load_pretrained

__all__ = ["Inception3", "inception_v3"]

_CONV_KEYS = ("channels", "kernel_size", "strides", "padding")


def _basic_conv(**conv_kwargs: Any) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(
        nn.Conv2D(use_bias=False, **conv_kwargs), nn.BatchNorm(epsilon=0.001), nn.Activation("relu")
    )
    return out


def _branch(pool: Optional[str], *convs: tuple) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    if pool == "avg":
        out.add(nn.AvgPool2D(pool_size=3, strides=1, padding=1))
    elif pool == "max":
        out.add(nn.MaxPool2D(pool_size=3, strides=2))
    for setting in convs:
        out.add(
            _basic_conv(
                **{key: value for key, value in zip(_CONV_KEYS, setting) if value is not None}
            )
        )
    return out


def _scoped(prefix: str, build) -> HybridConcurrent:
    """A mixed block: ``build(out)`` adds the branches inside the block's name scope."""
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        build(out)
    return out


def _make_A(pool_features: int, prefix: str) -> HybridConcurrent:
    return _scoped(
        prefix,
        lambda out: out.add(
            _branch(None, (64, 1, None, None)),
            _branch(None, (48, 1, None, None), (64, 5, None, 2)),
            _branch(None, (64, 1, None, None), (96, 3, None, 1), (96, 3, None, 1)),
            _branch("avg", (pool_features, 1, None, None)),
        ),
    )


def _make_B(prefix: str) -> HybridConcurrent:
    return _scoped(
        prefix,
        lambda out: out.add(
            _branch(None, (384, 3, 2, None)),
            _branch(None, (64, 1, None, None), (96, 3, None, 1), (96, 3, 2, None)),
            _branch("max"),
        ),
    )


def _make_C(c7: int, prefix: str) -> HybridConcurrent:
    row, col = ((1, 7), (0, 3)), ((7, 1), (3, 0))  # 1x7 and 7x1 kernels with paddings
    return _scoped(
        prefix,
        lambda out: out.add(
            _branch(None, (192, 1, None, None)),
            _branch(
                None, (c7, 1, None, None), (c7, row[0], None, row[1]), (192, col[0], None, col[1])
            ),
            _branch(
                None,
                (c7, 1, None, None),
                (c7, col[0], None, col[1]),
                (c7, row[0], None, row[1]),
                (c7, col[0], None, col[1]),
                (192, row[0], None, row[1]),
            ),
            _branch("avg", (192, 1, None, None)),
        ),
    )


def _make_D(prefix: str) -> HybridConcurrent:
    return _scoped(
        prefix,
        lambda out: out.add(
            _branch(None, (192, 1, None, None), (320, 3, 2, None)),
            _branch(
                None,
                (192, 1, None, None),
                (192, (1, 7), None, (0, 3)),
                (192, (7, 1), None, (3, 0)),
                (192, 3, 2, None),
            ),
            _branch("max"),
        ),
    )


def _split_1x3_3x1(head: HybridBlock) -> nn.HybridSequential:
    """``head`` then a 1x3 and a 3x1 convolution side by side (the E block's splits)."""
    out = nn.HybridSequential(prefix="")
    out.add(head)
    split = HybridConcurrent(axis=1, prefix="")
    split.add(_branch(None, (384, (1, 3), None, (0, 1))))
    split.add(_branch(None, (384, (3, 1), None, (1, 0))))
    out.add(split)
    return out


def _make_E(prefix: str) -> HybridConcurrent:
    def build(out: HybridConcurrent) -> None:
        out.add(_branch(None, (320, 1, None, None)))
        out.add(_split_1x3_3x1(_branch(None, (384, 1, None, None))))
        out.add(_split_1x3_3x1(_branch(None, (448, 1, None, None), (384, 3, None, 1))))
        out.add(_branch("avg", (192, 1, None, None)))

    return _scoped(prefix, build)


def make_aux(classes: int) -> nn.HybridSequential:
    """The auxiliary classifier head (not part of Inception3's forward, as in MXNet)."""
    out = nn.HybridSequential(prefix="")
    out.add(nn.AvgPool2D(pool_size=5, strides=3))
    out.add(_basic_conv(channels=128, kernel_size=1))
    out.add(_basic_conv(channels=768, kernel_size=5))
    out.add(nn.Flatten())
    out.add(nn.Dense(classes))
    return out


class Inception3(HybridBlock):
    """Inception V3 for 299x299 inputs."""

    def __init__(self, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            add = self.features.add
            add(_basic_conv(channels=32, kernel_size=3, strides=2))
            add(_basic_conv(channels=32, kernel_size=3))
            add(_basic_conv(channels=64, kernel_size=3, padding=1))
            add(nn.MaxPool2D(pool_size=3, strides=2))
            add(_basic_conv(channels=80, kernel_size=1))
            add(_basic_conv(channels=192, kernel_size=3))
            add(nn.MaxPool2D(pool_size=3, strides=2))
            add(_make_A(32, "A1_"), _make_A(64, "A2_"), _make_A(64, "A3_"))
            add(_make_B("B_"))
            add(_make_C(128, "C1_"), _make_C(160, "C2_"), _make_C(160, "C3_"), _make_C(192, "C4_"))
            add(_make_D("D_"))
            add(_make_E("E1_"), _make_E("E2_"))
            add(nn.AvgPool2D(pool_size=8), nn.Dropout(0.5))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return self.output(self.features(x))


def inception_v3(
    pretrained: bool = False,
    ctx: Context = DEFAULT_CTX,
    root: str = os.path.join(base.data_dir(), "models"),
    **kwargs: Any,
) -> Inception3:
    """Inception V3. Keywords: classes=1000."""
    net = Inception3(**kwargs)
    if pretrained:
        load_pretrained(net, "inceptionv3", root, ctx)
    return net
