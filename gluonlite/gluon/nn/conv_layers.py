"""Convolution and pooling layers: Conv1D/2D/3D, Conv1D/2D/3DTranspose, Max/AvgPool1D/2D/3D,
GlobalMax/GlobalAvgPool1D/2D/3D (MXNet 1.x ``gluon.nn`` semantics, reprs byte-identical).

``in_channels=0`` (the default) defers the weight's input-channel dimension to the first
forward pass, where it is read from the input. Bad input (wrong number of dimensions, a
channel count that no longer matches, a kernel larger than the padded input) raises
MXNetError naming the layer, what it expected and what it got. An unsupported layout
string raises an error that is both an MXNetError and, as in MXNet, an AssertionError.
"""

from __future__ import annotations

import numbers
from typing import Any, Dict, Optional, Sequence, Tuple, Union

from ...base import MXNetError
from ..block import HybridBlock
from ..parameter import Parameter
from . import _checks
from .activations import Activation

__all__ = [
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
]

IntOrTuple = Union[int, Sequence[int]]

_AXIS_NAMES = {"N": "batch", "C": "channel", "D": "depth", "H": "height", "W": "width"}


class LayoutError(MXNetError, AssertionError):
    """An unsupported layout string (MXNet raises AssertionError here)."""


def _expand(value: IntOrTuple, n: int, what: str, minimum: int = 0) -> Tuple[int, ...]:
    """``value`` (one int or n of them) as n ints >= minimum, else MXNetError naming ``what``."""
    values: Any = (value,) * n if isinstance(value, numbers.Integral) else value  # unchecked yet
    if (
        isinstance(values, (str, bytes))
        or not hasattr(values, "__len__")
        or len(values) != n
        or not all(isinstance(v, numbers.Integral) and int(v) >= minimum for v in values)
    ):
        raise MXNetError(
            "%s must be an int or a tuple of %d ints, each >= %d, got %r"
            % (what, n, minimum, value)
        )
    return tuple(int(v) for v in values)


def _check_layout(block_type: str, layout: str, allowed: Tuple[str, str]) -> None:
    if layout not in allowed:
        raise LayoutError(
            "%s: layout %r is not supported; expected %r or %r"
            % (block_type, layout, allowed[0], allowed[1])
        )


def _layout_text(layout: str) -> str:
    return "%s (%s)" % (layout, ", ".join(_AXIS_NAMES[a] for a in layout))


def check_input_ndim(block: HybridBlock, x: Any, layout: str) -> None:
    """Raise MXNetError naming ``block`` unless x has one axis per letter of ``layout``."""
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape) != len(layout):
        raise MXNetError(
            "%s layer '%s' expects a %d-D input of layout %s, but got an input of "
            "shape %s"
            % (type(block).__name__, block.name, len(layout), _layout_text(layout), tuple(shape))
        )


def op_error(block: HybridBlock, error: Exception) -> MXNetError:
    """The op's MXNetError, prefixed with the layer that called it."""
    return MXNetError("%s layer '%s' (%r): %s" % (type(block).__name__, block.name, block, error))


class _Conv(HybridBlock):
    """What every convolution layer shares: parameters, deferred in_channels, repr."""

    def __init__(
        self,
        channels: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple,
        padding: IntOrTuple,
        dilation: IntOrTuple,
        groups: int,
        layout: str,
        in_channels: int = 0,
        activation: Optional[str] = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        op_name: str = "Convolution",
        adj: Optional[IntOrTuple] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        nsp = len(layout) - 2
        name = type(self).__name__
        if not isinstance(groups, numbers.Integral) or groups < 1:
            raise MXNetError("%s: groups must be a positive int, got %r" % (name, groups))
        channels = _checks.positive_int(name, "channels", channels)
        in_channels = _checks.positive_int(name, "in_channels", in_channels, allow_zero=True)
        _checks.activation(name, activation)
        self._channels: int = channels
        self._in_channels: int = in_channels
        self._layout: str = layout
        self._op_name: str = op_name
        self._channel_axis: int = layout.find("C")
        self._kwargs: Dict[str, Any] = {
            "kernel": _expand(kernel_size, nsp, name + ": kernel_size", 1),
            "stride": _expand(strides, nsp, name + ": strides", 1),
            "dilate": _expand(dilation, nsp, name + ": dilation", 1),
            "pad": _expand(padding, nsp, name + ": padding"),
            "num_filter": channels,
            "num_group": groups,
            "no_bias": not use_bias,
            "layout": layout,
        }
        if adj is not None:
            self._kwargs["adj"] = adj
        self.bias: Optional[Parameter]
        self.act: Optional[Activation]
        with self.name_scope():
            self.weight: Parameter = self.params.get(
                "weight",
                shape=self._weight_shape(in_channels),
                init=weight_initializer,
                allow_deferred_init=True,
            )
            if self.weight._dim_names is None:
                names = (
                    ("in_channels", "channels")
                    if op_name == "Deconvolution"
                    else ("channels", "in_channels")
                )
                self.weight._dim_names = names
            if use_bias:
                self.bias = self.params.get(
                    "bias", shape=(channels,), init=bias_initializer, allow_deferred_init=True
                )
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def _alias(self) -> str:
        return "conv"

    def _weight_shape(self, in_channels: int) -> Tuple[int, ...]:
        """(out, in / groups, *kernel) for convolution, (in, out / groups, *kernel) for the
        transpose; the per-group axis moves last in channel-last layouts."""
        groups = self._kwargs["num_group"]
        if self._op_name == "Deconvolution":
            lead, per_group = in_channels, self._channels // groups
        else:
            lead, per_group = self._channels, in_channels // groups
        kernel = self._kwargs["kernel"]
        if self._channel_axis == 1:
            return (lead, per_group) + kernel
        return (lead,) + kernel + (per_group,)

    def infer_shape(self, x: Any, *args: Any) -> None:
        """in_channels = the input's channel axis."""
        in_channels = x.shape[self._channel_axis]
        groups = self._kwargs["num_group"]
        if in_channels % groups:
            raise MXNetError(
                "%s layer '%s' has groups=%d, which does not divide the %d input "
                "channels of its input of shape %s"
                % (type(self).__name__, self.name, groups, in_channels, tuple(x.shape))
            )
        self.weight.shape = self._weight_shape(in_channels)

    def forward(self, x: Any, *args: Any) -> Any:
        check_input_ndim(self, x, self._layout)
        return super().forward(x, *args)

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        try:
            out = getattr(F, self._op_name)(x, weight, bias, name="fwd", **self._kwargs)
        except MXNetError as error:
            raise op_error(self, error) from None
        if self.act is not None:
            out = self.act(out)
        return out

    def __repr__(self) -> str:
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        nsp = len(self._kwargs["kernel"])
        if self._kwargs["pad"] != (0,) * nsp:
            s += ", padding={pad}"
        if self._kwargs["dilate"] != (1,) * nsp:
            s += ", dilation={dilate}"
        if self._kwargs["num_group"] != 1:
            s += ", groups={num_group}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += ", {}".format(self.act)
        s += ")"
        shape = self.weight.shape
        assert shape is not None  # given in __init__, only its unknown (0) dims change
        return s.format(
            name=self.__class__.__name__,
            mapping="{0} -> {1}".format(shape[1] if shape[1] else None, shape[0]),
            **self._kwargs,
        )


class Conv1D(_Conv):
    """1-D convolution over (batch, channel, width) input (layout 'NCW' or 'NWC')."""

    def __init__(
        self,
        channels: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1,
        groups: int = 1,
        layout: str = "NCW",
        activation: Optional[str] = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _check_layout("Conv1D", layout, ("NCW", "NWC"))
        super().__init__(
            channels,
            kernel_size,
            strides,
            padding,
            dilation,
            groups,
            layout,
            in_channels,
            activation,
            use_bias,
            weight_initializer,
            bias_initializer,
            **kwargs,
        )


class Conv2D(_Conv):
    """2-D convolution over (batch, channel, height, width) input (layout 'NCHW' or 'NHWC')."""

    def __init__(
        self,
        channels: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = (1, 1),
        padding: IntOrTuple = (0, 0),
        dilation: IntOrTuple = (1, 1),
        groups: int = 1,
        layout: str = "NCHW",
        activation: Optional[str] = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _check_layout("Conv2D", layout, ("NCHW", "NHWC"))
        super().__init__(
            channels,
            kernel_size,
            strides,
            padding,
            dilation,
            groups,
            layout,
            in_channels,
            activation,
            use_bias,
            weight_initializer,
            bias_initializer,
            **kwargs,
        )


class Conv3D(_Conv):
    """3-D convolution over (batch, channel, depth, height, width) input ('NCDHW' or 'NDHWC')."""

    def __init__(
        self,
        channels: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = (1, 1, 1),
        padding: IntOrTuple = (0, 0, 0),
        dilation: IntOrTuple = (1, 1, 1),
        groups: int = 1,
        layout: str = "NCDHW",
        activation: Optional[str] = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _check_layout("Conv3D", layout, ("NCDHW", "NDHWC"))
        super().__init__(
            channels,
            kernel_size,
            strides,
            padding,
            dilation,
            groups,
            layout,
            in_channels,
            activation,
            use_bias,
            weight_initializer,
            bias_initializer,
            **kwargs,
        )


class _ConvTranspose(_Conv):
    def __init__(
        self,
        nsp: int,
        channels: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple,
        padding: IntOrTuple,
        output_padding: IntOrTuple,
        dilation: IntOrTuple,
        groups: int,
        layout: str,
        activation: Optional[str],
        use_bias: bool,
        weight_initializer: Any,
        bias_initializer: Any,
        in_channels: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            channels,
            kernel_size,
            strides,
            padding,
            dilation,
            groups,
            layout,
            in_channels,
            activation,
            use_bias,
            weight_initializer,
            bias_initializer,
            op_name="Deconvolution",
            adj=_expand(output_padding, nsp, type(self).__name__ + ": output_padding"),
            **kwargs,
        )
        self.outpad = self._kwargs["adj"]


class Conv1DTranspose(_ConvTranspose):
    """1-D transposed convolution (layout 'NCW' or 'NWC')."""

    def __init__(
        self,
        channels: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: IntOrTuple = 0,
        output_padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1,
        groups: int = 1,
        layout: str = "NCW",
        activation: Optional[str] = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _check_layout("Conv1DTranspose", layout, ("NCW", "NWC"))
        super().__init__(
            1,
            channels,
            kernel_size,
            strides,
            padding,
            output_padding,
            dilation,
            groups,
            layout,
            activation,
            use_bias,
            weight_initializer,
            bias_initializer,
            in_channels,
            **kwargs,
        )


class Conv2DTranspose(_ConvTranspose):
    """2-D transposed convolution (layout 'NCHW' or 'NHWC'); ``init.Bilinear`` fills its
    weight with an upsampling kernel."""

    def __init__(
        self,
        channels: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = (1, 1),
        padding: IntOrTuple = (0, 0),
        output_padding: IntOrTuple = (0, 0),
        dilation: IntOrTuple = (1, 1),
        groups: int = 1,
        layout: str = "NCHW",
        activation: Optional[str] = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _check_layout("Conv2DTranspose", layout, ("NCHW", "NHWC"))
        super().__init__(
            2,
            channels,
            kernel_size,
            strides,
            padding,
            output_padding,
            dilation,
            groups,
            layout,
            activation,
            use_bias,
            weight_initializer,
            bias_initializer,
            in_channels,
            **kwargs,
        )


class Conv3DTranspose(_ConvTranspose):
    """3-D transposed convolution (layout 'NCDHW' or 'NDHWC')."""

    def __init__(
        self,
        channels: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = (1, 1, 1),
        padding: IntOrTuple = (0, 0, 0),
        output_padding: IntOrTuple = (0, 0, 0),
        dilation: IntOrTuple = (1, 1, 1),
        groups: int = 1,
        layout: str = "NCDHW",
        activation: Optional[str] = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _check_layout("Conv3DTranspose", layout, ("NCDHW", "NDHWC"))
        super().__init__(
            3,
            channels,
            kernel_size,
            strides,
            padding,
            output_padding,
            dilation,
            groups,
            layout,
            activation,
            use_bias,
            weight_initializer,
            bias_initializer,
            in_channels,
            **kwargs,
        )


# ---- pooling ------------------------------------------------------------------------------


class _Pooling(HybridBlock):
    """What every pooling layer shares: MXNet's Pooling arguments and the repr."""

    def __init__(
        self,
        pool_size: Tuple[int, ...],
        strides: Optional[IntOrTuple],
        padding: IntOrTuple,
        ceil_mode: bool,
        global_pool: bool,
        pool_type: str,
        layout: str,
        count_include_pad: Optional[bool] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        nsp = len(pool_size)
        self._layout = layout
        self._kwargs = {
            "kernel": pool_size,
            "stride": _expand(strides, nsp, type(self).__name__ + ": strides", 1),
            "pad": _expand(padding, nsp, type(self).__name__ + ": padding"),
            "global_pool": global_pool,
            "pool_type": pool_type,
            "layout": layout,
            "pooling_convention": "full" if ceil_mode else "valid",
        }
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self) -> str:
        return "pool"

    def forward(self, x: Any, *args: Any) -> Any:
        check_input_ndim(self, x, self._layout)
        return super().forward(x, *args)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        try:
            return F.Pooling(x, name="fwd", **self._kwargs)
        except MXNetError as error:
            raise op_error(self, error) from None

    def __repr__(self) -> str:
        s = (
            "{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}, "
            "global_pool={global_pool}, pool_type={pool_type}, layout={layout})"
        )
        return s.format(
            name=self.__class__.__name__,
            ceil_mode=self._kwargs["pooling_convention"] == "full",
            **self._kwargs,
        )


_POOL_LAYOUTS = {1: ("NCW", "NWC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}


def _pool_layout(block_type: str, layout: str, nsp: int) -> str:
    _check_layout(block_type, layout, _POOL_LAYOUTS[nsp])
    return layout


class _LocalPool(_Pooling):
    _nsp = 2
    _pool_type = "max"

    def __init__(
        self,
        pool_size: IntOrTuple,
        strides: Optional[IntOrTuple],
        padding: IntOrTuple,
        layout: str,
        ceil_mode: bool,
        count_include_pad: Optional[bool] = None,
        **kwargs: Any,
    ) -> None:
        _pool_layout(type(self).__name__, layout, self._nsp)
        super().__init__(
            _expand(pool_size, self._nsp, type(self).__name__ + ": pool_size", 1),
            strides,
            padding,
            ceil_mode,
            False,
            self._pool_type,
            layout,
            count_include_pad,
            **kwargs,
        )


class MaxPool1D(_LocalPool):
    """Max pooling over the width axis."""

    _nsp, _pool_type = 1, "max"

    def __init__(
        self,
        pool_size: IntOrTuple = 2,
        strides: Optional[IntOrTuple] = None,
        padding: IntOrTuple = 0,
        layout: str = "NCW",
        ceil_mode: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, layout, ceil_mode, **kwargs)


class MaxPool2D(_LocalPool):
    """Max pooling over the height and width axes."""

    _nsp, _pool_type = 2, "max"

    def __init__(
        self,
        pool_size: IntOrTuple = (2, 2),
        strides: Optional[IntOrTuple] = None,
        padding: IntOrTuple = 0,
        layout: str = "NCHW",
        ceil_mode: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, layout, ceil_mode, **kwargs)


class MaxPool3D(_LocalPool):
    """Max pooling over the depth, height and width axes."""

    _nsp, _pool_type = 3, "max"

    def __init__(
        self,
        pool_size: IntOrTuple = (2, 2, 2),
        strides: Optional[IntOrTuple] = None,
        padding: IntOrTuple = 0,
        layout: str = "NCDHW",
        ceil_mode: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, layout, ceil_mode, **kwargs)


class AvgPool1D(_LocalPool):
    """Average pooling over the width axis."""

    _nsp, _pool_type = 1, "avg"

    def __init__(
        self,
        pool_size: IntOrTuple = 2,
        strides: Optional[IntOrTuple] = None,
        padding: IntOrTuple = 0,
        layout: str = "NCW",
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size, strides, padding, layout, ceil_mode, count_include_pad, **kwargs
        )


class AvgPool2D(_LocalPool):
    """Average pooling over the height and width axes."""

    _nsp, _pool_type = 2, "avg"

    def __init__(
        self,
        pool_size: IntOrTuple = (2, 2),
        strides: Optional[IntOrTuple] = None,
        padding: IntOrTuple = 0,
        ceil_mode: bool = False,
        layout: str = "NCHW",
        count_include_pad: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size, strides, padding, layout, ceil_mode, count_include_pad, **kwargs
        )


class AvgPool3D(_LocalPool):
    """Average pooling over the depth, height and width axes."""

    _nsp, _pool_type = 3, "avg"

    def __init__(
        self,
        pool_size: IntOrTuple = (2, 2, 2),
        strides: Optional[IntOrTuple] = None,
        padding: IntOrTuple = 0,
        ceil_mode: bool = False,
        layout: str = "NCDHW",
        count_include_pad: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size, strides, padding, layout, ceil_mode, count_include_pad, **kwargs
        )


class _GlobalPool(_Pooling):
    _nsp = 2
    _pool_type = "max"

    def __init__(self, layout: str, **kwargs: Any) -> None:
        _pool_layout(type(self).__name__, layout, self._nsp)
        super().__init__((1,) * self._nsp, None, 0, True, True, self._pool_type, layout, **kwargs)


class GlobalMaxPool1D(_GlobalPool):
    """Max over the whole width axis: (N, C, W) -> (N, C, 1)."""

    _nsp, _pool_type = 1, "max"

    def __init__(self, layout: str = "NCW", **kwargs: Any) -> None:
        super().__init__(layout, **kwargs)


class GlobalMaxPool2D(_GlobalPool):
    """Max over the whole height and width: (N, C, H, W) -> (N, C, 1, 1)."""

    _nsp, _pool_type = 2, "max"

    def __init__(self, layout: str = "NCHW", **kwargs: Any) -> None:
        super().__init__(layout, **kwargs)


class GlobalMaxPool3D(_GlobalPool):
    """Max over the whole depth, height and width."""

    _nsp, _pool_type = 3, "max"

    def __init__(self, layout: str = "NCDHW", **kwargs: Any) -> None:
        super().__init__(layout, **kwargs)


class GlobalAvgPool1D(_GlobalPool):
    """Average over the whole width axis: (N, C, W) -> (N, C, 1)."""

    _nsp, _pool_type = 1, "avg"

    def __init__(self, layout: str = "NCW", **kwargs: Any) -> None:
        super().__init__(layout, **kwargs)


class GlobalAvgPool2D(_GlobalPool):
    """Average over the whole height and width: (N, C, H, W) -> (N, C, 1, 1)."""

    _nsp, _pool_type = 2, "avg"

    def __init__(self, layout: str = "NCHW", **kwargs: Any) -> None:
        super().__init__(layout, **kwargs)


class GlobalAvgPool3D(_GlobalPool):
    """Average over the whole depth, height and width."""

    _nsp, _pool_type = 3, "avg"

    def __init__(self, layout: str = "NCDHW", **kwargs: Any) -> None:
        super().__init__(layout, **kwargs)
