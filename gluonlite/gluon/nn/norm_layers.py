"""Normalization layers: BatchNorm, LayerNorm, InstanceNorm (MXNet 1.x ``gluon.nn``
semantics, reprs byte-identical).

``in_channels=0`` (the default) defers the parameters' shape (C,) to the first forward pass.
BatchNorm's ``running_mean`` and ``running_var`` have ``grad_req='null'``; they are updated
only in training mode while autograd records (``with autograd.record():``), as
``running = running * momentum + batch_stat * (1 - momentum)``, and normalize the data
in prediction mode. Difference from MXNet 1.9.1: the update happens in the forward pass
(MXNet's CPU kernel applies it during backward; a training step does both, so the values
agree).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...base import MXNetError
from ..block import HybridBlock
from . import _checks
from .conv_layers import op_error

__all__ = ["BatchNorm", "LayerNorm", "InstanceNorm"]


def _channel_error(block: HybridBlock, x: Any, axis: int, expected: int) -> MXNetError:
    return MXNetError(
        "%s layer '%s' (%r) normalizes %d channels on axis %d, but got an input of shape %s "
        "with %d there. Create the layer with in_channels=%d for this input, or reshape it."
        % (
            type(block).__name__,
            block.name,
            block,
            expected,
            axis,
            tuple(x.shape),
            x.shape[axis],
            x.shape[axis],
        )
    )


def _checked_axis(block: HybridBlock, x: Any, axis: int) -> int:
    """``axis`` as a non-negative index of x's shape, or MXNetError naming the layer."""
    ndim = len(x.shape)
    if not -ndim <= axis < ndim:
        raise MXNetError(
            "%s layer '%s' normalizes along axis %d, but its input of shape %s "
            "has only %d axes" % (type(block).__name__, block.name, axis, tuple(x.shape), ndim)
        )
    return axis % ndim


class _Norm(HybridBlock):
    """The shared parameters (gamma, beta of shape (in_channels,)) and deferred inference."""

    _axis = 1

    def _params_to_infer(self) -> tuple:
        return (self.gamma, self.beta)

    def _affine_params(
        self, in_channels: int, center: bool, scale: bool, gamma_init: Any, beta_init: Any
    ) -> None:
        """gamma and beta of shape (in_channels,); a disabled one keeps grad_req 'null'."""
        self.gamma = self.params.get(
            "gamma",
            grad_req="write" if scale else "null",
            shape=(in_channels,),
            init=gamma_init,
            allow_deferred_init=True,
        )
        self.beta = self.params.get(
            "beta",
            grad_req="write" if center else "null",
            shape=(in_channels,),
            init=beta_init,
            allow_deferred_init=True,
        )
        for param in self._params_to_infer():
            param._dim_names = ("in_channels",)

    def infer_shape(self, x: Any, *args: Any) -> None:
        """in_channels = the size of the normalized axis of the input."""
        channels = x.shape[_checked_axis(self, x, self._axis)]
        for param in self._params_to_infer():
            param.shape = (channels,)

    def forward(self, x: Any, *args: Any) -> Any:
        if hasattr(x, "shape"):
            axis = _checked_axis(self, x, self._axis)
            gamma_shape = self.gamma._shape  # 0 marks an unknown dimension in every mode
            assert gamma_shape is not None  # given in __init__
            expected = gamma_shape[0]
            if expected and x.shape[axis] != expected:
                raise _channel_error(self, x, self._axis, expected)
        return super().forward(x, *args)


class BatchNorm(_Norm):
    """Batch normalization: normalize with the batch statistics while training, with the
    running statistics otherwise; ``scale=False`` pins gamma to 1 (MXNet's fix_gamma)."""

    def __init__(
        self,
        axis: int = 1,
        momentum: float = 0.9,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        use_global_stats: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        running_mean_initializer: Any = "zeros",
        running_variance_initializer: Any = "ones",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._kwargs = {
            "axis": axis,
            "eps": epsilon,
            "momentum": momentum,
            "fix_gamma": not scale,
            "use_global_stats": use_global_stats,
        }
        self._axis = axis
        if in_channels != 0:
            self.in_channels = in_channels
        shape = (in_channels,)
        self.gamma = self.params.get(
            "gamma",
            grad_req="write" if scale else "null",
            shape=shape,
            init=gamma_initializer,
            allow_deferred_init=True,
            differentiable=scale,
        )
        self.beta = self.params.get(
            "beta",
            grad_req="write" if center else "null",
            shape=shape,
            init=beta_initializer,
            allow_deferred_init=True,
            differentiable=center,
        )
        self.running_mean = self.params.get(
            "running_mean",
            grad_req="null",
            shape=shape,
            init=running_mean_initializer,
            allow_deferred_init=True,
            differentiable=False,
        )
        self.running_var = self.params.get(
            "running_var",
            grad_req="null",
            shape=shape,
            init=running_variance_initializer,
            allow_deferred_init=True,
            differentiable=False,
        )
        for param in self._params_to_infer():
            param._dim_names = ("in_channels",)

    def _params_to_infer(self) -> tuple:
        return (self.gamma, self.beta, self.running_mean, self.running_var)

    def cast(self, dtype: Any) -> None:
        """Cast the parameters; float16 keeps them in float32, as MXNet does."""
        if np.dtype(dtype).name == "float16":
            dtype = "float32"
        super().cast(dtype)

    def hybrid_forward(
        self, F: Any, x: Any, gamma: Any, beta: Any, running_mean: Any, running_var: Any
    ) -> Any:
        try:
            return F.BatchNorm(
                x, gamma, beta, running_mean, running_var, name="fwd", **self._kwargs
            )
        except MXNetError as error:
            raise op_error(self, error) from None

    def __repr__(self) -> str:
        assert self.gamma.shape is not None  # given in __init__
        in_channels = self.gamma.shape[0]
        content = ", ".join("%s=%r" % (k, v) for k, v in self._kwargs.items())
        return "%s(%s, in_channels=%s)" % (
            self.__class__.__name__,
            content,
            in_channels if in_channels else None,
        )


class LayerNorm(_Norm):
    """Layer normalization along ``axis`` (default: the last), with gamma and beta of
    shape (x.shape[axis],)."""

    def __init__(
        self,
        axis: int = -1,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        in_channels: int = 0,
        prefix: Any = None,
        params: Any = None,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        self._affine_params(in_channels, center, scale, gamma_initializer, beta_initializer)

    def hybrid_forward(self, F: Any, data: Any, gamma: Any, beta: Any) -> Any:
        try:
            return F.LayerNorm(data, gamma=gamma, beta=beta, axis=self._axis, eps=self._epsilon)
        except MXNetError as error:
            raise op_error(self, error) from None

    def __repr__(self) -> str:
        content = ", ".join("%s=%r" % (k, v) for k, v in self._kwargs.items())
        assert self.gamma.shape is not None  # given in __init__
        return "%s(%s, in_channels=%s)" % (self.__class__.__name__, content, self.gamma.shape[0])


class InstanceNorm(_Norm):
    """Instance normalization: each (sample, channel) normalized over the spatial axes;
    gamma and beta are per channel (``axis``, default 1). ``scale`` is off by default."""

    def __init__(
        self,
        axis: int = 1,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self._affine_params(in_channels, center, scale, gamma_initializer, beta_initializer)

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any) -> Any:
        try:
            if self._axis == 1:
                return F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon)
            x = x.swapaxes(1, self._axis)
            return F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon).swapaxes(
                1, self._axis
            )
        except MXNetError as error:
            raise op_error(self, error) from None

    def __repr__(self) -> str:
        content = ", ".join("%s=%r" % (k, v) for k, v in self._kwargs.items())
        assert self.gamma.shape is not None  # given in __init__
        return "%s(%s, in_channels=%s)" % (self.__class__.__name__, content, self.gamma.shape[0])


class GroupNorm(HybridBlock):
    """Group normalization: the channels of each sample split into ``num_groups`` groups,
    each normalized over its channels and spatial positions.

    As in MXNet 1.x, gamma and beta have one value per group (shape (num_groups,)).
    """

    def __init__(
        self,
        num_groups: int = 1,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        prefix: Any = None,
        params: Any = None,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._num_groups = _checks.positive_int("GroupNorm", "num_groups", num_groups)
        self._kwargs = {"eps": epsilon, "num_groups": num_groups, "center": center, "scale": scale}
        self._epsilon = float(epsilon)
        self.gamma = self.params.get(
            "gamma",
            grad_req="write" if scale else "null",
            shape=(num_groups,),
            init=gamma_initializer,
        )
        self.beta = self.params.get(
            "beta",
            grad_req="write" if center else "null",
            shape=(num_groups,),
            init=beta_initializer,
        )

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any) -> Any:
        if x.ndim < 2 or x.shape[1] % self._num_groups:
            raise MXNetError(
                "%s: the input's channels (axis 1 of shape %s) must be divisible by "
                "num_groups=%d" % (self.name, tuple(x.shape), self._num_groups)
            )
        grouped = F.reshape(x, shape=(x.shape[0], self._num_groups, -1))
        mean = F.mean(grouped, axis=2, keepdims=True)
        centered = F.broadcast_sub(grouped, mean)
        var = F.mean(F.square(centered), axis=2, keepdims=True)
        normed = F.broadcast_div(centered, F.sqrt(var + self._epsilon))
        shaped = (1, self._num_groups, 1)
        out = F.broadcast_add(
            F.broadcast_mul(normed, F.reshape(gamma, shape=shaped)), F.reshape(beta, shape=shaped)
        )
        return F.reshape(out, shape=tuple(x.shape))

    def __repr__(self) -> str:
        content = ", ".join("%s=%r" % (k, v) for k, v in self._kwargs.items())
        return "%s(%s)" % (self.__class__.__name__, content)
