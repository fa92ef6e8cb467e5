"""MobileNet (Howard et al. 2017, arXiv:1704.04861) and MobileNetV2 (Sandler et al. 2018,
arXiv:1801.04381) with width multipliers, as MXNet's model zoo."""

from __future__ import annotations

import os
from typing import Any, Callable, TypeVar

from .... import base
from ....context import Context
from ... import nn
from ...block import HybridBlock
from ._common import DEFAULT_CTX, load_pretrained, versioned_name

__all__ = [
    "MobileNet",
    "MobileNetV2",
    "mobilenet1_0",
    "mobilenet_v2_1_0",
    "mobilenet0_75",
    "mobilenet_v2_0_75",
    "mobilenet0_5",
    "mobilenet_v2_0_5",
    "mobilenet0_25",
    "mobilenet_v2_0_25",
    "get_mobilenet",
    "get_mobilenet_v2",
]


class RELU6(HybridBlock):
    """min(max(x, 0), 6)."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.clip(x, 0, 6)


def _add_conv(
    out: nn.HybridSequential,
    channels: int = 1,
    kernel: int = 1,
    stride: int = 1,
    pad: int = 0,
    num_group: int = 1,
    active: bool = True,
    relu6: bool = False,
) -> None:
    """Append conv (no bias) + BatchNorm (+ relu or relu6 when ``active``)."""
    out.add(nn.Conv2D(channels, kernel, stride, pad, groups=num_group, use_bias=False))
    out.add(nn.BatchNorm(scale=True))
    if active:
        out.add(RELU6() if relu6 else nn.Activation("relu"))


def _add_conv_dw(
    out: nn.HybridSequential, dw_channels: int, channels: int, stride: int, relu6: bool = False
) -> None:
    """A depthwise 3x3 convolution then a pointwise 1x1 one."""
    _add_conv(
        out,
        channels=dw_channels,
        kernel=3,
        stride=stride,
        pad=1,
        num_group=dw_channels,
        relu6=relu6,
    )
    _add_conv(out, channels=channels, relu6=relu6)


class LinearBottleneck(HybridBlock):
    """Expand 1x1 (x t), depthwise 3x3, project 1x1 without activation; a shortcut when
    the stride is 1 and the width is unchanged."""

    def __init__(self, in_channels: int, channels: int, t: int, stride: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.use_shortcut = stride == 1 and in_channels == channels
        with self.name_scope():
            self.out = nn.HybridSequential()
            _add_conv(self.out, in_channels * t, relu6=True)
            _add_conv(
                self.out,
                in_channels * t,
                kernel=3,
                stride=stride,
                pad=1,
                num_group=in_channels * t,
                relu6=True,
            )
            _add_conv(self.out, channels, active=False, relu6=True)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        out = self.out(x)
        return F.elemwise_add(out, x) if self.use_shortcut else out


def _widths(multiplier: float, counts: list) -> list:
    """Expand [(width, repeat), ...] and scale each width by ``multiplier`` (truncated)."""
    return [int(width * multiplier) for width, repeat in counts for _ in range(repeat)]


class MobileNet(HybridBlock):
    """MobileNet V1 with width ``multiplier``."""

    def __init__(self, multiplier: float = 1.0, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            with self.features.name_scope():
                _add_conv(self.features, channels=int(32 * multiplier), kernel=3, pad=1, stride=2)
                dw_channels = _widths(
                    multiplier, [(32, 1), (64, 1), (128, 2), (256, 2), (512, 6), (1024, 1)]
                )
                channels = _widths(multiplier, [(64, 1), (128, 2), (256, 2), (512, 6), (1024, 2)])
                strides = [1, 2] * 3 + [1] * 5 + [2, 1]
                for dwc, c, s in zip(dw_channels, channels, strides):
                    _add_conv_dw(self.features, dw_channels=dwc, channels=c, stride=s)
                self.features.add(nn.GlobalAvgPool2D(), nn.Flatten())
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return self.output(self.features(x))


class MobileNetV2(HybridBlock):
    """MobileNet V2 with width ``multiplier``; the last 1x1 layer has 1280 channels unless
    the multiplier exceeds 1."""

    def __init__(self, multiplier: float = 1.0, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="features_")
            with self.features.name_scope():
                _add_conv(
                    self.features, int(32 * multiplier), kernel=3, stride=2, pad=1, relu6=True
                )
                in_channels = _widths(
                    multiplier, [(32, 1), (16, 1), (24, 2), (32, 3), (64, 4), (96, 3), (160, 3)]
                )
                channels = _widths(
                    multiplier, [(16, 1), (24, 2), (32, 3), (64, 4), (96, 3), (160, 3), (320, 1)]
                )
                expansions = [1] + [6] * 16
                strides = [1, 2] * 2 + [1, 1, 2] + [1] * 6 + [2] + [1] * 3
                for in_c, c, t, s in zip(in_channels, channels, expansions, strides):
                    self.features.add(LinearBottleneck(in_channels=in_c, channels=c, t=t, stride=s))
                last_channels = int(1280 * multiplier) if multiplier > 1.0 else 1280
                _add_conv(self.features, last_channels, relu6=True)
                self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.HybridSequential(prefix="output_")
            with self.output.name_scope():
                self.output.add(nn.Conv2D(classes, 1, use_bias=False, prefix="pred_"), nn.Flatten())

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return self.output(self.features(x))


_Net = TypeVar("_Net", bound=HybridBlock)


def _get(
    net_class: Callable[..., _Net],
    family: str,
    multiplier: float,
    pretrained: bool,
    ctx: Any,
    root: str,
    kwargs: dict,
) -> _Net:
    net = net_class(multiplier, **kwargs)
    if pretrained:
        load_pretrained(net, versioned_name(family, multiplier), root, ctx)
    return net


def get_mobilenet(
    multiplier: float,
    pretrained: bool = False,
    ctx: Context = DEFAULT_CTX,
    root: str = os.path.join(base.data_dir(), "models"),
    **kwargs: Any,
) -> MobileNet:
    """MobileNet V1 of width ``multiplier`` (1.0, 0.75, 0.5, 0.25 have pretrained files)."""
    return _get(MobileNet, "mobilenet", multiplier, pretrained, ctx, root, kwargs)


def get_mobilenet_v2(
    multiplier: float,
    pretrained: bool = False,
    ctx: Context = DEFAULT_CTX,
    root: str = os.path.join(base.data_dir(), "models"),
    **kwargs: Any,
) -> MobileNetV2:
    """MobileNet V2 of width ``multiplier`` (1.0, 0.75, 0.5, 0.25 have pretrained files)."""
    return _get(MobileNetV2, "mobilenetv2_", multiplier, pretrained, ctx, root, kwargs)


def _constructor(getter, multiplier: float, name: str):
    def build(**kwargs: Any) -> HybridBlock:
        return getter(multiplier, **kwargs)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = (
        "%s with width multiplier %s. Keywords: pretrained=False, ctx=cpu(), "
        "root, classes=1000." % (getter.__name__[4:], multiplier)
    )
    return build


mobilenet1_0 = _constructor(get_mobilenet, 1.0, "mobilenet1_0")
mobilenet0_75 = _constructor(get_mobilenet, 0.75, "mobilenet0_75")
mobilenet0_5 = _constructor(get_mobilenet, 0.5, "mobilenet0_5")
mobilenet0_25 = _constructor(get_mobilenet, 0.25, "mobilenet0_25")
mobilenet_v2_1_0 = _constructor(get_mobilenet_v2, 1.0, "mobilenet_v2_1_0")
mobilenet_v2_0_75 = _constructor(get_mobilenet_v2, 0.75, "mobilenet_v2_0_75")
mobilenet_v2_0_5 = _constructor(get_mobilenet_v2, 0.5, "mobilenet_v2_0_5")
mobilenet_v2_0_25 = _constructor(get_mobilenet_v2, 0.25, "mobilenet_v2_0_25")
