"""Basic layers: containers (Sequential, HybridSequential), Dense, Dropout, Flatten, Lambda."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

from ... import ndarray as nd
from ...base import MXNetError
from ..block import Block, HybridBlock
from ..parameter import Parameter
from ..utils import _indent
from . import _checks
from .activations import Activation

__all__ = [
    "Sequential",
    "HybridSequential",
    "Dense",
    "Dropout",
    "Flatten",
    "Lambda",
    "HybridLambda",
]


def _run_in_sequence(blocks: Any, x: Any, args: Sequence[Any]) -> Any:
    """Feed the output of each block to the next (tuples are unpacked as in MXNet)."""
    for block in blocks:
        x = block(x, *args)
        args = []
        if isinstance(x, (tuple, list)):
            args = x[1:]
            x = x[0]
    if args:
        x = tuple([x] + list(args))
    return x


# _Container is mixed into Block subclasses; the type checker sees it as one.
if TYPE_CHECKING:
    _ContainerBase = Block
else:
    _ContainerBase = object


class _Container(_ContainerBase):
    """What Sequential and HybridSequential share: add, indexing, len, repr."""

    _children: Any

    def add(self, *blocks: Block) -> None:
        """Append the blocks, in order."""
        for block in blocks:
            if not isinstance(block, Block):
                raise TypeError(
                    "%s.add expects Blocks, but got %r of type %s"
                    % (type(self).__name__, block, type(block).__name__)
                )
        for block in blocks:
            self.register_child(block)

    def __getitem__(self, key: Union[int, slice]) -> Any:
        """``net[i]``, or for a slice a new container of the same type with those layers."""
        layers = list(self._children.values())
        if isinstance(key, slice):
            net = type(self)(prefix=self._prefix)
            with net.name_scope():
                net.add(*layers[key])
            return net
        try:
            return layers[key]
        except IndexError:
            raise IndexError(
                "index %s is out of range for %s %r, which has %d layers"
                % (key, type(self).__name__, self.name, len(layers))
            ) from None

    def __len__(self) -> int:
        return len(self._children)

    def __repr__(self) -> str:
        modstr = "\n".join(
            "  ({key}): {block}".format(key=key, block=_indent(repr(child), 2))
            for key, child in self._children.items()
        )
        return "{name}(\n{modstr}\n)".format(name=self.__class__.__name__, modstr=modstr)


class Sequential(_Container, Block):
    """Stack Blocks one after the other."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def forward(self, x: Any, *args: Any) -> Any:
        return _run_in_sequence(self._children.values(), x, args)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Hybridize the children (a HybridSequential would be the better container)."""
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn(
                "All children of this Sequential layer '%s' are HybridBlocks. "
                "Consider using HybridSequential for the best performance." % self.prefix,
                stacklevel=2,
            )
        super().hybridize(active, **kwargs)


class HybridSequential(_Container, HybridBlock):
    """Stack HybridBlocks one after the other."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        return _run_in_sequence(self._children.values(), x, args)


class Dense(HybridBlock):
    """Fully connected layer: ``activation(dot(x, weight.T) + bias)``.

    ``weight`` has shape (units, in_units); with ``in_units=0`` (the default) it is
    deferred until the first forward, where in_units is read from the input.
    """

    _flatten: bool
    _units: int
    _in_units: int

    def __init__(
        self,
        units: int,
        activation: Optional[str] = None,
        use_bias: bool = True,
        flatten: bool = True,
        dtype: Any = "float32",
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_units: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # 0 units is a valid, empty layer in MXNet (lists of Dense(i * 10) start at 0)
        units = _checks.positive_int("Dense", "units", units, allow_zero=True)
        in_units = _checks.positive_int("Dense", "in_units", in_units, allow_zero=True)
        _checks.activation("Dense", activation)
        self.bias: Optional[Parameter]
        self.act: Optional[Activation]
        # plain fields straight into __dict__: there is nothing to register
        self.__dict__.update(_flatten=flatten, _units=units, _in_units=in_units)
        with self.name_scope():
            self.weight = self.params.get(
                "weight",
                shape=(units, in_units),
                init=weight_initializer,
                dtype=dtype,
                allow_deferred_init=True,
            )
            if self.weight._dim_names is None:
                self.weight._dim_names = ("units", "in_units")
            if use_bias:
                self.bias = self.params.get(
                    "bias",
                    shape=(units,),
                    init=bias_initializer,
                    dtype=dtype,
                    allow_deferred_init=True,
                )
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def _in_features(self, x: Any) -> int:
        shape = x.shape
        if not self._flatten:
            return shape[-1]
        features = 1
        for dim in shape[1:]:  # plain loop: this runs on every forward
            features *= dim
        return features

    def infer_shape(self, x: Any, *args: Any) -> None:
        """in_units = the input's feature count (all but the batch axis when flattening)."""
        self.weight.shape = (self._units, self._in_features(x))

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        if isinstance(weight, nd.NDArray) and self._in_features(x) != weight.shape[1]:
            raise self._input_error(x, weight)
        out = F.FullyConnected(
            x,
            weight,
            bias,
            no_bias=bias is None,
            num_hidden=self._units,
            flatten=self._flatten,
            name="fwd",
        )
        if self.act is not None:
            out = self.act(out)
        return out

    def _input_error(self, x: Any, weight: Any) -> MXNetError:
        given = self._in_features(x)
        how = (
            "flattens to %d features" % given
            if self._flatten
            else "has %d features on its last axis" % given
        )
        inferred = "(%d,%d)" % (weight.shape[0], given)  # MXNet's spelling, no space
        return MXNetError(
            "Dense block '%s' (%r) got an input of shape %s, which %s, but its parameter "
            "'%s' has shape %s and expects %d (in_units=%d). Reshape the input or create the "
            "layer with in_units=%d. Shape inconsistent, Provided = [%s], inferred "
            "shape=%s"
            % (
                self.name,
                self,
                tuple(x.shape),
                how,
                self.weight.name,
                tuple(weight.shape),
                weight.shape[1],
                weight.shape[1],
                given,
                ",".join(str(d) for d in weight.shape),
                inferred,
            )
        )

    def __repr__(self) -> str:
        shape = self.weight.shape
        assert shape is not None  # given in __init__, only its unknown (0) dims change
        return "{name}({layout}, {act})".format(
            name=self.__class__.__name__,
            act=self.act if self.act else "linear",
            layout="{0} -> {1}".format(shape[1] if shape[1] else None, shape[0]),
        )


class Dropout(HybridBlock):
    """Zero elements with probability ``rate`` while training (identity otherwise)."""

    def __init__(self, rate: float, axes: tuple = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rate = _checks.drop_rate("Dropout", "rate", rate)
        self._axes = axes

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        if self._rate > 0:
            if self._axes:
                return F.Dropout(x, p=self._rate, axes=self._axes, name="fwd", cudnn_off=False)
            return F.Dropout(x, p=self._rate, name="fwd", cudnn_off=False)
        return x

    def __repr__(self) -> str:
        return "{name}(p = {rate}, axes={axes})".format(
            name=self.__class__.__name__, rate=self._rate, axes=self._axes
        )


class Flatten(HybridBlock):
    """Reshape (N, d1, d2, ...) to (N, d1*d2*...)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.flatten(x)

    def __repr__(self) -> str:
        return self.__class__.__name__


class Lambda(Block):
    """Wrap a function (or the name of an ``nd`` function) as a Block."""

    def __init__(self, function: Union[str, Callable], prefix: Optional[str] = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            if not hasattr(nd, function):
                raise AssertionError("Function name %s is not found in ndarray." % function)
            self._func_impl = getattr(nd, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise ValueError(
                "Unrecognized function in lambda: {} of type {}".format(function, type(function))
            )

    def forward(self, *args: Any) -> Any:
        return self._func_impl(*args)

    def __repr__(self) -> str:
        return "{name}({function})".format(
            name=self.__class__.__name__, function=self._func_impl.__name__
        )


class HybridLambda(HybridBlock):
    """Wrap ``function(F, x, *args)`` (or the name of an ``nd`` function) as a HybridBlock."""

    def __init__(self, function: Union[str, Callable], prefix: Optional[str] = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            if not hasattr(nd, function):
                raise AssertionError("Function name %s is not found in symbol/ndarray." % function)
            name = function
            self._func = lambda F, *args: getattr(F, name)(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = function.__name__
        else:
            raise ValueError(
                "Unrecognized function in lambda: {} of type {}".format(function, type(function))
            )

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        return self._func(F, x, *args)

    def __repr__(self) -> str:
        return "{name}({function})".format(name=self.__class__.__name__, function=self._func_name)


class ReflectionPad2D(HybridBlock):
    """Pads the H and W axes of NCHW input by reflection (``nd.pad(mode='reflect')``).

    ``padding`` is an int (the same on all four sides) or MXNet's 8-tuple pad_width.
    """

    def __init__(self, padding: Any = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(padding, int) and not isinstance(padding, bool):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        if len(padding) != 8:
            raise MXNetError(
                "ReflectionPad2D: padding must be an int or 8 values, got %r" % (padding,)
            )
        self._padding = tuple(padding)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.pad(x, mode="reflect", pad_width=self._padding)
