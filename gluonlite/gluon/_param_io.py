"""Which saved array goes to which Parameter: the matching behind ``load_parameters``,
``ParameterDict.load`` / ``load_dict``, and its error messages.

Two kinds of files exist (see ``Block.save_parameters`` and ``ParameterDict.save``):

* structural keys (``'0.weight'``, ``'features.3.conv.weight'``), which never depend on
  name counters; a shared parameter may appear under any of its names;
* legacy global names (``'mlp0_dense0_weight'``, ``'arg:...'`` / ``'aux:...'`` from
  ``export``), matched as MXNet does (``restore_prefix + key``). Where MXNet fails
  because the name counters moved on (a second ``MLP()`` is ``mlp1_``) or the prefix
  changed, gluonlite also tries the keys as they are, then the order of the file: when
  every name differs from its parameter's only in its numbers and in the prefix shared by
  all names, and every shape fits, the file is the same model.

Messages keep MXNet's exception classes and wording, list what the other side holds
(MXNet printed an empty list for extra keys) and suggest the closest unmatched names.
"""

from __future__ import annotations

import difflib
import os
import re
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .utils import _brief_print_list

_NAMING_HELP = (
    "Please make sure source and target networks have the same prefix. For more "
    "info on naming, please see https://mxnet.io/api/python/docs/tutorials/"
    "packages/gluon/blocks/naming.html"
)

# (parameter, array, file key) triples, in file order.
Pairs = List[Tuple[Any, Any, str]]


def strip_arg_aux(key: str) -> str:
    """``'arg:dense0_weight'`` -> ``'dense0_weight'`` (export and Module files)."""
    return key[4:] if key.startswith(("arg:", "aux:")) else key


def _did_you_mean(name: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.5)
    if not close:
        return ""
    return " Did you mean %s?" % " or ".join("'%s'" % c for c in close)


def _no_array(key: str, source: str) -> AssertionError:
    return AssertionError(
        "Parameter '%s' in %s holds no array (an MXNet 'none' array) and "
        "cannot be loaded." % (key, source)
    )


def match_structural(
    params: Dict[str, Any],
    loaded: Dict[str, Any],
    filename: str,
    allow_missing: bool,
    ignore_extra: bool,
) -> Pairs:
    """Pairs for a file with structural keys; ``params`` maps structural name -> Parameter."""
    aliases: Dict[int, List[str]] = {}
    for name, param in params.items():
        aliases.setdefault(id(param), []).append(name)
    if not allow_missing:
        unused = [k for k in loaded if k not in params]
        for name, param in params.items():
            if not any(alias in loaded for alias in aliases[id(param)]):
                raise AssertionError(
                    "Parameter '%s' is missing in file '%s', which contains parameters: %s. "
                    "Set allow_missing=True to ignore missing parameters.%s"
                    % (
                        name,
                        filename,
                        _brief_print_list(loaded.keys()),
                        _did_you_mean(name, unused),
                    )
                )
    pairs = []
    for key, value in loaded.items():
        if key not in params:
            if ignore_extra:
                continue
            unfilled = [
                n for n, p in params.items() if not any(a in loaded for a in aliases[id(p)])
            ]
            raise ValueError(
                "Parameter '%s' loaded from file '%s' is not present in the block, which "
                "contains parameters %s. Set ignore_extra=True to ignore.%s"
                % (key, filename, _brief_print_list(params.keys()), _did_you_mean(key, unfilled))
            )
        if value is None:
            raise _no_array(key, "file '%s'" % filename)
        pairs.append((params[key], value, key))
    return pairs


def _skeletons(names: Sequence[str]) -> List[str]:
    """Names without their shared prefix (up to an '_') and with numbers blanked:
    ``['mlp1_dense0_weight', 'mlp1_dense0_bias']`` -> ``['dense#_weight', 'dense#_bias']``."""
    common = os.path.commonprefix(list(names))
    common = common[: common.rfind("_") + 1]
    return [re.sub(r"\d+", "#", name[len(common) :]) for name in names]


def _shape_fits(param: Any, value: Any) -> bool:
    shape = param._shape
    if value is None:
        return False
    if shape is None:
        return True
    return len(shape) == len(value.shape) and all(
        mine in (0, theirs) for mine, theirs in zip(shape, value.shape)
    )


def _by_position(params: Dict[str, Any], keys: List[str], values: List[Any]) -> Optional[Pairs]:
    """Same model, other names: pair in order when the names differ only in their numbers
    and their shared prefix, and every shape fits."""
    if len(params) != len(keys) or not keys or _skeletons(list(params)) != _skeletons(keys):
        return None
    pairs = []
    for param, key, value in zip(params.values(), keys, values):
        if not _shape_fits(param, value):
            return None
        pairs.append((param, value, key))
    return pairs


def match_legacy(
    params: Dict[str, Any],
    loaded: Any,
    restore_prefix: str,
    source: str,
    allow_missing: bool,
    ignore_extra: bool,
) -> Pairs:
    """Pairs for a file keyed by global names; ``params`` maps global name -> Parameter.

    ``loaded`` is a dict or a list of (key, array) pairs; ``source`` names it in messages
    (``"file: model.params"`` or ``"param_dict"``, as MXNet words it).
    """
    items = list(loaded.items()) if isinstance(loaded, dict) else list(loaded)
    keys = [k for k, _ in items]
    values = [v for _, v in items]
    stripped = [strip_arg_aux(k) for k in keys]
    prefixed = [restore_prefix + k for k in stripped]
    # MXNet's rule first; then the keys as they are (an export file holds full names).
    candidates = [prefixed] if not restore_prefix else [prefixed, stripped]
    for names in candidates:
        if set(names) == set(params):
            return _checked([(params[n], v, k) for n, v, k in zip(names, values, keys)], source)
    for names in candidates:
        pairs = _by_position(params, names, values)
        if pairs is not None:
            return pairs
    names = max(candidates, key=lambda ns: sum(n in params for n in ns))
    lprefix = len(restore_prefix) if names is prefixed else 0
    by_name = dict(zip(names, zip(values, keys)))
    if not allow_missing:
        unused = [n for n in names if n not in params]
        for name in params:
            if name not in by_name:
                raise AssertionError(
                    "Parameter '%s' is missing in %s, which contains parameters: %s. %s%s"
                    % (
                        name[lprefix:],
                        source,
                        _brief_print_list(by_name.keys()),
                        _NAMING_HELP,
                        _did_you_mean(name, unused),
                    )
                )
    pairs = []
    for name, (value, key) in by_name.items():
        if name not in params:
            if ignore_extra:
                continue
            unfilled = [n for n in params if n not in by_name]
            raise AssertionError(
                "Parameter '%s' loaded from %s is not present in ParameterDict, choices are: "
                "%s. Set ignore_extra to True to ignore. %s%s"
                % (
                    name[lprefix:],
                    source,
                    _brief_print_list(params.keys()),
                    _NAMING_HELP,
                    _did_you_mean(name, unfilled),
                )
            )
        pairs.append((params[name], value, key))
    if items and params and not pairs:
        warnings.warn(
            "Loading from %s set no parameter at all: none of its %d names matches "
            "the %d parameters (e.g. %s). %s"
            % (source, len(items), len(params), _brief_print_list(list(params)[:3]), _NAMING_HELP),
            stacklevel=4,
        )
    return _checked(pairs, source)


def _checked(pairs: Pairs, source: str) -> Pairs:
    for _, value, key in pairs:
        if value is None:
            raise _no_array(key, source)
    return pairs


def as_param_dict(loaded: Any, filename: str) -> Dict[str, Any]:
    """The dict of a loaded parameter file; an empty dict saves (and loads) as ``[]``."""
    if isinstance(loaded, dict):
        return loaded
    if loaded:
        raise ValueError(
            "File '%s' holds a list of %d arrays, not a dict of named parameters "
            "(it was written by nd.save with a list); read it with nd.load."
            % (filename, len(loaded))
        )
    return {}


def load_pairs(pairs: Pairs, ctx: Any, cast_dtype: bool, dtype_source: str, where: str) -> None:
    """Check every pair before setting any, so a failed load leaves the parameters as they were."""
    sources = ["key '%s' in %s" % (key, where) for _, _, key in pairs]
    for (param, value, _), source in zip(pairs, sources):
        param._load_check(value, ctx, cast_dtype, dtype_source, source)
    for (param, value, _), source in zip(pairs, sources):
        param._load_init(
            value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source, source=source
        )
