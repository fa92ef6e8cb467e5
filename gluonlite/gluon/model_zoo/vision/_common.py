"""What every model family shares: loading the pretrained weights by model-zoo name."""

from __future__ import annotations

from typing import Any

from ....context import Context, cpu
from ...block import HybridBlock

# MXNet's model-zoo signatures say ``ctx=cpu()``: one default Context, evaluated once, as there.
DEFAULT_CTX: Context = cpu()


def load_pretrained(net: HybridBlock, name: str, root: str, ctx: Any) -> None:
    """Load MXNet's pretrained file for ``name`` (downloaded into ``root`` if absent)."""
    from ..model_store import get_model_file

    net.load_parameters(get_model_file(name, root=root), ctx=ctx)


def versioned_name(family: str, multiplier: float) -> str:
    """MobileNet file names: 1.0 -> '1.0', 0.5 -> '0.5', 0.75 -> '0.75', 0.25 -> '0.25'."""
    suffix = "{0:.2f}".format(multiplier)
    if suffix in ("1.00", "0.50"):
        suffix = suffix[:-1]
    return family + suffix
