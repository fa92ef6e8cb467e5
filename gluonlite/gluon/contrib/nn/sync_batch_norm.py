"""``SyncBatchNorm``: batch normalization with statistics over the whole batch across devices."""

from __future__ import annotations

from typing import Any, Optional

from ...nn import BatchNorm

__all__ = ["SyncBatchNorm"]


class SyncBatchNorm(BatchNorm):
    """Batch normalization whose statistics span every device's share of the batch.

    On one device (``num_devices=1``, the CPU case) it is exactly BatchNorm. Across several
    devices the per-device forwards must meet to share statistics; gluonlite does not run
    them concurrently yet, so ``num_devices > 1`` raises NotImplementedError rather than
    normalizing each shard on its own, which would silently differ from MXNet.
    """

    def __init__(
        self,
        in_channels: int = 0,
        num_devices: Optional[int] = None,
        momentum: float = 0.9,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        use_global_stats: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        running_mean_initializer: Any = "zeros",
        running_variance_initializer: Any = "ones",
        **kwargs: Any,
    ) -> None:
        if num_devices is None:
            from .... import context

            num_devices = max(1, context.num_gpus())
        if num_devices > 1:
            raise NotImplementedError(
                "SyncBatchNorm: num_devices=%d is not supported by gluonlite yet (statistics "
                "across devices); use num_devices=1 or BatchNorm per device" % num_devices
            )
        super().__init__(
            axis=1,
            momentum=momentum,
            epsilon=epsilon,
            center=center,
            scale=scale,
            use_global_stats=use_global_stats,
            beta_initializer=beta_initializer,
            gamma_initializer=gamma_initializer,
            running_mean_initializer=running_mean_initializer,
            running_variance_initializer=running_variance_initializer,
            in_channels=in_channels,
            **kwargs,
        )
        self._num_devices = num_devices

    def __repr__(self) -> str:
        kw = self._kwargs
        gamma_shape = self.gamma.shape
        assert gamma_shape is not None  # given in __init__
        channels = gamma_shape[0]
        return (
            "%s(eps=%r, momentum=%r, fix_gamma=%r, use_global_stats=%r, ndev=%d, key=%r, "
            "in_channels=%s)"
            % (
                type(self).__name__,
                kw["eps"],
                kw["momentum"],
                kw["fix_gamma"],
                kw["use_global_stats"],
                self._num_devices,
                self.prefix,
                channels if channels else None,
            )
        )
