"""ResNet V1 (He et al. 2015, arXiv:1512.03385) and V2 (He et al. 2016, arXiv:1603.05027).

Layer order, prefixes and initializers follow MXNet 1.9.1's model zoo, so parameter
names (``resnetv10_stage1_conv0_weight``) and pretrained files match. The residual
blocks are built with ``prefix=''`` inside a stage's name scope: their layers are
numbered by the stage (``stage1_conv0`` ... ``stage1_conv3`` across two blocks).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Sequence, Tuple, Type

from .... import base
from ....context import Context
from ... import nn
from ...block import HybridBlock
from ._common import DEFAULT_CTX, load_pretrained

__all__ = [
    "ResNetV1",
    "ResNetV2",
    "BasicBlockV1",
    "BasicBlockV2",
    "BottleneckV1",
    "BottleneckV2",
    "resnet18_v1",
    "resnet34_v1",
    "resnet50_v1",
    "resnet101_v1",
    "resnet152_v1",
    "resnet18_v2",
    "resnet34_v2",
    "resnet50_v2",
    "resnet101_v2",
    "resnet152_v2",
    "get_resnet",
]


def _conv3x3(channels: int, stride: int, in_channels: int) -> nn.Conv2D:
    return nn.Conv2D(
        channels, kernel_size=3, strides=stride, padding=1, use_bias=False, in_channels=in_channels
    )


def _projection_v1(channels: int, stride: int, in_channels: int) -> nn.HybridSequential:
    """The 1x1 convolution + BatchNorm that reshapes the shortcut of a V1 block."""
    projection = nn.HybridSequential(prefix="")
    projection.add(
        nn.Conv2D(channels, kernel_size=1, strides=stride, use_bias=False, in_channels=in_channels)
    )
    projection.add(nn.BatchNorm())
    return projection


class _ResidualV1(HybridBlock):
    """relu(body(x) + shortcut(x)); ``downsample`` is the projection or None."""

    body: nn.HybridSequential
    downsample: Any

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        residual = self.downsample(x) if self.downsample else x
        return F.Activation(self.body(x) + residual, act_type="relu")


class BasicBlockV1(_ResidualV1):
    """Two 3x3 convolutions with a shortcut: the block of ResNet-18/34 V1."""

    def __init__(
        self,
        channels: int,
        stride: int,
        downsample: bool = False,
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(
            _conv3x3(channels, stride, in_channels), nn.BatchNorm(), nn.Activation("relu")
        )
        self.body.add(_conv3x3(channels, 1, channels), nn.BatchNorm())
        self.downsample = _projection_v1(channels, stride, in_channels) if downsample else None


class BottleneckV1(_ResidualV1):
    """1x1 reduce, 3x3, 1x1 expand with a shortcut: the block of ResNet-50/101/152 V1.

    As in MXNet, the first 1x1 convolution has a bias and the other two do not.
    """

    def __init__(
        self,
        channels: int,
        stride: int,
        downsample: bool = False,
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(
            nn.Conv2D(channels // 4, kernel_size=1, strides=stride),
            nn.BatchNorm(),
            nn.Activation("relu"),
        )
        self.body.add(
            _conv3x3(channels // 4, 1, channels // 4), nn.BatchNorm(), nn.Activation("relu")
        )
        self.body.add(nn.Conv2D(channels, kernel_size=1, strides=1), nn.BatchNorm())
        self.downsample = _projection_v1(channels, stride, in_channels) if downsample else None


class _ResidualV2(HybridBlock):
    """Pre-activation residual: each (bn, conv) pair runs relu(bn(x)) then conv.

    The shortcut is projected from the first pre-activated input when ``downsample``.
    """

    _pairs: List[tuple]
    downsample: Any

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        residual = x
        for index, (bn, conv) in enumerate(self._pairs):
            x = F.Activation(bn(x), act_type="relu")
            if index == 0 and self.downsample:
                residual = self.downsample(x)
            x = conv(x)
        return x + residual


class BasicBlockV2(_ResidualV2):
    """Pre-activation block of two 3x3 convolutions: ResNet-18/34 V2."""

    def __init__(
        self,
        channels: int,
        stride: int,
        downsample: bool = False,
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.bn1 = nn.BatchNorm()
        self.conv1 = _conv3x3(channels, stride, in_channels)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels, 1, channels)
        self.downsample = (
            nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels)
            if downsample
            else None
        )
        self._pairs = [(self.bn1, self.conv1), (self.bn2, self.conv2)]


class BottleneckV2(_ResidualV2):
    """Pre-activation bottleneck (1x1, 3x3 strided, 1x1): ResNet-50/101/152 V2."""

    def __init__(
        self,
        channels: int,
        stride: int,
        downsample: bool = False,
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.bn1 = nn.BatchNorm()
        self.conv1 = nn.Conv2D(channels // 4, kernel_size=1, strides=1, use_bias=False)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels // 4, stride, channels // 4)
        self.bn3 = nn.BatchNorm()
        self.conv3 = nn.Conv2D(channels, kernel_size=1, strides=1, use_bias=False)
        self.downsample = (
            nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels)
            if downsample
            else None
        )
        self._pairs = [(self.bn1, self.conv1), (self.bn2, self.conv2), (self.bn3, self.conv3)]


def _make_stage(
    block: type, num_blocks: int, channels: int, stride: int, stage_index: int, in_channels: int
) -> nn.HybridSequential:
    stage = nn.HybridSequential(prefix="stage%d_" % stage_index)
    with stage.name_scope():
        stage.add(
            block(channels, stride, channels != in_channels, in_channels=in_channels, prefix="")
        )
        for _ in range(num_blocks - 1):
            stage.add(block(channels, 1, False, in_channels=channels, prefix=""))
    return stage


def _add_stem(features: nn.HybridSequential, channels: int, thumbnail: bool) -> None:
    """7x7/2 convolution, BN, relu and 3x3/2 max-pool; one 3x3 convolution for thumbnails."""
    if thumbnail:
        features.add(_conv3x3(channels, 1, 0))
    else:
        features.add(
            nn.Conv2D(channels, 7, 2, 3, use_bias=False),
            nn.BatchNorm(),
            nn.Activation("relu"),
            nn.MaxPool2D(3, 2, 1),
        )


class _ResNet(HybridBlock):
    """Stem, one stage per entry of ``layers``, global pooling, Dense(classes).

    V2 (``_pre_activation``) adds a BatchNorm without scale/shift on the input and the
    final BN + relu + Flatten that its pre-activation blocks leave to the end.
    """

    _pre_activation = False

    def __init__(
        self,
        block: type,
        layers: Sequence[int],
        channels: Sequence[int],
        classes: int = 1000,
        thumbnail: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        assert len(layers) == len(channels) - 1
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            if self._pre_activation:
                self.features.add(nn.BatchNorm(scale=False, center=False))
            _add_stem(self.features, channels[0], thumbnail)
            for i, num_blocks in enumerate(layers):
                self.features.add(
                    _make_stage(
                        block, num_blocks, channels[i + 1], 1 if i == 0 else 2, i + 1, channels[i]
                    )
                )
            if self._pre_activation:
                self.features.add(nn.BatchNorm(), nn.Activation("relu"))
            self.features.add(nn.GlobalAvgPool2D())
            if self._pre_activation:
                self.features.add(nn.Flatten())
            self.output = nn.Dense(classes, in_units=channels[-1])

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return self.output(self.features(x))


class ResNetV1(_ResNet):
    """ResNet V1: ``block`` is BasicBlockV1 or BottleneckV1, ``layers`` the blocks per stage,
    ``channels`` the stem's width then each stage's (one longer than ``layers``);
    ``thumbnail`` replaces the 7x7 stem by one 3x3 convolution (small images)."""


class ResNetV2(_ResNet):
    """ResNet V2 (pre-activation); arguments as :class:`ResNetV1` with V2 blocks."""

    _pre_activation = True


# depth -> (block kind, blocks per stage, stem then stage widths)
resnet_spec: Dict[int, Tuple[str, List[int], List[int]]] = {
    18: ("basic_block", [2, 2, 2, 2], [64, 64, 128, 256, 512]),
    34: ("basic_block", [3, 4, 6, 3], [64, 64, 128, 256, 512]),
    50: ("bottle_neck", [3, 4, 6, 3], [64, 256, 512, 1024, 2048]),
    101: ("bottle_neck", [3, 4, 23, 3], [64, 256, 512, 1024, 2048]),
    152: ("bottle_neck", [3, 8, 36, 3], [64, 256, 512, 1024, 2048]),
}
resnet_net_versions: List[Type[_ResNet]] = [ResNetV1, ResNetV2]
resnet_block_versions: List[Dict[str, Type[HybridBlock]]] = [
    {"basic_block": BasicBlockV1, "bottle_neck": BottleneckV1},
    {"basic_block": BasicBlockV2, "bottle_neck": BottleneckV2},
]


def get_resnet(
    version: int,
    num_layers: int,
    pretrained: bool = False,
    ctx: Context = DEFAULT_CTX,
    root: str = os.path.join(base.data_dir(), "models"),
    **kwargs: Any,
) -> HybridBlock:
    """ResNet ``version`` (1 or 2) of depth ``num_layers`` (18, 34, 50, 101, 152)."""
    assert num_layers in resnet_spec, "Invalid number of layers: %d. Options are %s" % (
        num_layers,
        str(resnet_spec.keys()),
    )
    assert 1 <= version <= 2, "Invalid resnet version: %d. Options are 1 and 2." % version
    block_type, layers, channels = resnet_spec[num_layers]
    block_class = resnet_block_versions[version - 1][block_type]
    net = resnet_net_versions[version - 1](block_class, layers, channels, **kwargs)
    if pretrained:
        load_pretrained(net, "resnet%d_v%d" % (num_layers, version), root, ctx)
    return net


def _constructor(version: int, num_layers: int):
    def build(**kwargs: Any) -> HybridBlock:
        return get_resnet(version, num_layers, **kwargs)

    build.__name__ = build.__qualname__ = "resnet%d_v%d" % (num_layers, version)
    build.__doc__ = (
        "ResNet-%d V%d. Keywords: pretrained=False, ctx=cpu(), root, classes=1000, "
        "thumbnail=False." % (num_layers, version)
    )
    return build


resnet18_v1 = _constructor(1, 18)
resnet34_v1 = _constructor(1, 34)
resnet50_v1 = _constructor(1, 50)
resnet101_v1 = _constructor(1, 101)
resnet152_v1 = _constructor(1, 152)
resnet18_v2 = _constructor(2, 18)
resnet34_v2 = _constructor(2, 34)
resnet50_v2 = _constructor(2, 50)
resnet101_v2 = _constructor(2, 101)
resnet152_v2 = _constructor(2, 152)
