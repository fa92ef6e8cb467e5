"""The one operator registry behind ``mx.sym`` and graph files: ``nd``'s own functions.

A graph node names an operator the way MXNet's JSON does (``FullyConnected``,
``elemwise_add``, ``_mul_scalar``, ``Reshape``, ``_contrib_box_nms``); ``lookup`` finds the
``nd`` function that computes it, and ``spec`` describes it for the symbolic side: which of
the function's parameters are array inputs (and which of those are auxiliary states), which
inputs an attribute switches off (``no_bias``), and how many outputs it has and their names.
Nothing here computes: executing a node is one call of the ``nd`` function.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List, Optional, Tuple

from .. import ndarray as nd
from ..base import MXNetError
from ..ndarray import _internal

# public name -> the operator name MXNet writes into a graph (when they differ)
CANONICAL: Dict[str, str] = {
    "reshape": "Reshape",
    "flatten": "Flatten",
    "concat": "Concat",
    "split": "SliceChannel",
    "identity": "_copy",
    "stop_gradient": "BlockGrad",
    "cast": "Cast",
    "pad": "Pad",
    "swapaxes": "SwapAxis",
    "zeros": "_zeros",
    "ones": "_ones",
    "full": "_full",
    "crop": "Crop",
    "sum_axis": "sum",
    "max_axis": "max",
    "min_axis": "min",
    "broadcast_plus": "broadcast_add",
    "broadcast_minus": "broadcast_sub",
    "ElementWiseSum": "add_n",
    "random_pdf_normal": "_random_pdf_normal",
    "random_pdf_uniform": "_random_pdf_uniform",
    "random_pdf_gamma": "_random_pdf_gamma",
    "random_pdf_exponential": "_random_pdf_exponential",
    "random_pdf_poisson": "_random_pdf_poisson",
    "random_pdf_negative_binomial": "_random_pdf_negative_binomial",
    "random_pdf_generalized_negative_binomial": "_random_pdf_generalized_negative_binomial",
    "random_pdf_dirichlet": "_random_pdf_dirichlet",
}


def _shape_from_data(fn: Callable) -> Callable:
    """``fn`` (an ``nd.random_*`` sampler) with an optional ``data`` input whose shape it
    takes when no ``shape`` is given.

    MXNet's ``sym.random.randn(data=x)`` writes ``shape="()"`` (unknown) and fills it in by
    shape inference from the node's consumer; gluonlite runs nodes without backward shape
    inference, so it keeps ``data`` as an input and reads the shape off it instead.
    """

    def run(*args: Any, data: Any = None, **kwargs: Any) -> Any:
        if data is not None and not kwargs.get("shape"):
            kwargs["shape"] = tuple(data.shape)
        return fn(*args, **kwargs)

    signature = inspect.signature(fn)
    params = [p for p in signature.parameters.values() if p.kind != p.VAR_KEYWORD]
    params.append(
        inspect.Parameter(
            "data", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="NDArray"
        )
    )
    params.append(inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD))
    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    run.__name__ = getattr(fn, "__name__", "sampler")
    run.__doc__ = fn.__doc__
    return run


# MXNet's two families of samplers behind ``sym.random.*``: ``_random_<kind>`` (number
# parameters as attributes) and ``_sample_<kind>`` (array parameters as inputs)
_SAMPLER_KINDS = (
    "uniform",
    "normal",
    "exponential",
    "gamma",
    "poisson",
    "negative_binomial",
    "generalized_negative_binomial",
)


def _cached_op(*data: Any, num_outputs: int = 1, **kwargs: Any) -> Any:
    """A hybridized block's call as autograd.get_symbol shows it: for inspection only."""
    raise MXNetError(
        "_CachedOp: this node stands for a hybridized block's call in a graph made by "
        "autograd.get_symbol, for inspection; build the graph from the block itself "
        "(block(mx.sym.var('data'))) to run it"
    )


# the nd function that runs an operator whose graph name is not an nd name
_RUNS_AS: Dict[str, Callable] = {
    "_CachedOp": _cached_op,
    **{"_random_" + k: _shape_from_data(getattr(nd, "random_" + k)) for k in _SAMPLER_KINDS},
    **{"_sample_" + k: getattr(nd, "sample_" + k) for k in _SAMPLER_KINDS},
    "Reshape": nd.reshape,
    "_copy": _internal._copy,
    "_zeros": _internal._zeros,
    "_ones": _internal._ones,
    "_full": _internal._full,
    "_arange": nd.arange,
}

# parameter names that are array inputs even without an NDArray annotation
_INPUT_NAMES = {
    "data",
    "lhs",
    "rhs",
    "weight",
    "bias",
    "gamma",
    "beta",
    "moving_mean",
    "moving_var",
    "label",
    "indices",
    "index",
    "condition",
    "parameters",
    "state",
    "state_cell",
    "sequence_length",
    "length",
}

# inputs that are auxiliary states (updated by the op, not by the optimizer)
_AUX_INPUTS: Dict[str, Tuple[str, ...]] = {
    "BatchNorm": ("moving_mean", "moving_var"),
    "SyncBatchNorm": ("moving_mean", "moving_var"),
    "_contrib_SyncBatchNorm": ("moving_mean", "moving_var"),
}

# default initializers MXNet attaches to the variables it creates for an op's inputs
AUX_INIT: Dict[Tuple[str, str], str] = {
    ("BatchNorm", "moving_mean"): '["zero", {}]',
    ("BatchNorm", "moving_var"): '["one", {}]',
    ("LeakyReLU", "gamma"): '["Constant", {"value": 0.25}]',
}


def _is_true(attrs: Dict[str, str], key: str, default: bool) -> bool:
    value = attrs.get(key)
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


def _bias_unless_no_bias(default_no_bias: bool) -> Callable[[Dict[str, str], str], bool]:
    return lambda attrs, _name: not _is_true(attrs, "no_bias", default_no_bias)


# (op, input) -> whether the input exists, given the node's attributes; inputs not listed
# here exist when they are required (no default) or when the caller passes them
_INPUT_PRESENT: Dict[str, Callable[[Dict[str, str], str], bool]] = {
    "FullyConnected/bias": _bias_unless_no_bias(False),
    "Convolution/bias": _bias_unless_no_bias(False),
    "Deconvolution/bias": _bias_unless_no_bias(True),
    "LeakyReLU/gamma": lambda attrs, _n: attrs.get("act_type", "leaky") == "prelu",
    "RNN/state_cell": lambda attrs, _n: attrs.get("mode", "") == "lstm",
    "softmax/length": lambda attrs, _n: _is_true(attrs, "use_length", False),
    "log_softmax/length": lambda attrs, _n: _is_true(attrs, "use_length", False),
    "SequenceMask/sequence_length": lambda a, _n: _is_true(a, "use_sequence_length", False),
    "SequenceLast/sequence_length": lambda a, _n: _is_true(a, "use_sequence_length", False),
    "SequenceReverse/sequence_length": lambda a, _n: _is_true(a, "use_sequence_length", False),
}
# inputs MXNet always creates although gluonlite's function gives them a default
_ALWAYS_PRESENT = {
    "Convolution/weight",
    "Deconvolution/weight",
    "BatchNorm/gamma",
    "BatchNorm/beta",
    "Embedding/weight",
    "LayerNorm/gamma",
    "LayerNorm/beta",
    "InstanceNorm/gamma",
    "InstanceNorm/beta",
    "GroupNorm/gamma",
    "GroupNorm/beta",
    "RNN/parameters",
    "RNN/state",
    "SoftmaxOutput/label",
    "LinearRegressionOutput/label",
    "LogisticRegressionOutput/label",
    "MAERegressionOutput/label",
}


def _outputs_default(attrs: Dict[str, str]) -> Tuple[int, List[str]]:
    return 1, ["output"]


def _numbered(count: int) -> List[str]:
    return ["output%d" % i for i in range(count)]


def _outputs_slice(attrs: Dict[str, str]) -> Tuple[int, List[str]]:
    count = int(attrs.get("num_outputs", "1"))
    return count, _numbered(count)


def _outputs_norm(names: List[str]) -> Callable[[Dict[str, str]], Tuple[int, List[str]]]:
    def outputs(attrs: Dict[str, str]) -> Tuple[int, List[str]]:
        return 3, names if _is_true(attrs, "output_mean_var", False) else ["output"]

    return outputs


def _outputs_topk(attrs: Dict[str, str]) -> Tuple[int, List[str]]:
    kind = attrs.get("ret_typ", "indices")
    if kind == "mask":
        return 1, ["output"]
    return 2, _numbered(2 if kind == "both" else 1)


def _outputs_pooling(attrs: Dict[str, str]) -> Tuple[int, List[str]]:
    # max pooling keeps a workspace output in MXNet's (MKL-DNN) build; its graphs count it
    return (2 if attrs.get("pool_type", "max") == "max" else 1), ["output"]


def _outputs_rnn(attrs: Dict[str, str]) -> Tuple[int, List[str]]:
    if not _is_true(attrs, "state_outputs", False):
        return 1, ["output"]
    if attrs.get("mode", "") == "lstm":
        return 3, ["output", "state_output", "statecell_output"]
    return 2, ["output", "state_output"]


# op -> (outputs in the graph, names of the visible ones); the default is one ``output``
_OUTPUTS: Dict[str, Callable[[Dict[str, str]], Tuple[int, List[str]]]] = {
    "SliceChannel": _outputs_slice,
    "BatchNorm": _outputs_norm(["output", "mean", "var"]),
    "LayerNorm": _outputs_norm(["output", "mean", "std"]),
    "Dropout": lambda attrs: (2, ["output"]),
    "Pooling": _outputs_pooling,
    "LRN": lambda attrs: (2, ["output"]),
    "InstanceNorm": lambda attrs: (3, ["output"]),
    "GroupNorm": lambda attrs: (3, ["output"]),
    "topk": _outputs_topk,
    "RNN": _outputs_rnn,
    "moments": lambda attrs: (2, _numbered(2)),
    "make_loss": lambda attrs: (1, ["loss"]),
    "_linalg_gelqf": lambda attrs: (2, _numbered(2)),
    "_linalg_syevd": lambda attrs: (2, _numbered(2)),
    "_linalg_slogdet": lambda attrs: (2, _numbered(2)),
    "_sample_unique_zipfian": lambda attrs: (2, _numbered(2)),
    "_contrib_rand_zipfian": lambda attrs: (3, _numbered(3)),
    "_CachedOp": _outputs_slice,
}


class OpSpec:
    """How the symbolic front end sees one operator."""

    def __init__(self, op: str, fn: Callable) -> None:
        self.op = op
        self.fn = fn
        self.variadic = False
        self.positional: List[str] = []  # the function's parameters, in order
        self.inputs: List[str] = []  # the array inputs, in MXNet's order
        self.required: List[str] = []
        self.accepts_ctx = False
        self.accepts_num_args = False
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError):
            return
        for param in signature.parameters.values():
            if param.kind == param.VAR_POSITIONAL:
                self.variadic = True
                continue
            if param.kind == param.VAR_KEYWORD or param.name in ("out", "name"):
                continue
            self.positional.append(param.name)
            if param.name == "ctx":
                self.accepts_ctx = True
            if param.name == "num_args":
                self.accepts_num_args = True
            annotation = param.annotation if isinstance(param.annotation, str) else ""
            if "NDArray" in annotation or (
                param.name in _INPUT_NAMES
                and (param.default is None or param.default is param.empty)
            ):
                self.inputs.append(param.name)
                key = "%s/%s" % (op, param.name)
                if key in _ALWAYS_PRESENT or (
                    param.default is param.empty and key not in _INPUT_PRESENT
                ):
                    self.required.append(param.name)
        self.aux = _AUX_INPUTS.get(op, ())

    def present_inputs(self, attrs: Dict[str, str], given: Dict[str, Any]) -> List[str]:
        """The inputs a node of this op has: the given ones, the required ones, and those
        its attributes switch on (``no_bias=False`` gives a bias)."""
        present = []
        for name in self.inputs:
            rule = _INPUT_PRESENT.get("%s/%s" % (self.op, name))
            if name in given or name in self.required or (rule is not None and rule(attrs, name)):
                present.append(name)
        return present

    def outputs(self, attrs: Dict[str, str]) -> Tuple[int, List[str]]:
        """(outputs in the graph, names of the visible outputs)."""
        return _OUTPUTS.get(self.op, _outputs_default)(attrs)


_SPECS: Dict[str, OpSpec] = {}

# the nd namespaces whose functions MXNet's graphs name with a prefix
_PREFIXED = (
    ("_contrib_", "contrib"),
    ("_linalg_", "linalg"),
    ("_random_", "random"),
    ("_image_", "image"),
)


def _find_function(op: str) -> Optional[Callable]:
    if op in _RUNS_AS:
        return _RUNS_AS[op]
    fn = getattr(_internal, op, None)
    if fn is None and not op.startswith("__"):
        fn = getattr(nd, op, None)
    if fn is None:
        for prefix, module in _PREFIXED:
            if op.startswith(prefix):
                fn = getattr(getattr(nd, module), op[len(prefix) :], None)
                break
    if fn is None or not callable(fn) or isinstance(fn, type):
        return None
    return fn


def lookup(op: str, node: Optional[str] = None) -> OpSpec:
    """The spec of graph operator ``op``; MXNetError naming it (and ``node``) if unknown."""
    spec = _SPECS.get(op)
    if spec is not None:
        return spec
    fn = _find_function(op)
    if fn is None:
        where = " (node '%s')" % node if node is not None else ""
        raise MXNetError(
            "Operator '%s'%s is not available in gluonlite: no gluonlite operator has that "
            "name, so a graph using it cannot be built or run." % (op, where)
        )
    spec = OpSpec(op, fn)
    _SPECS[op] = spec
    return spec


def canonical(name: str) -> str:
    """The operator name a graph gets for front-end function ``name``."""
    return CANONICAL.get(name, name)
