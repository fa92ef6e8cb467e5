"""``Vocabulary``: token <-> index mapping built from token counts (``mxnet.contrib.text.vocab``).

Index 0 is always the unknown token, then the reserved tokens in the order given, then the
counted tokens by descending frequency, ties broken by ascending token.
"""

from __future__ import annotations

import collections
import numbers
from typing import Hashable, List, Optional, Sequence

UNKNOWN_IDX = 0


class Vocabulary:
    """Indexes the unknown token, the reserved tokens and the keys of ``counter``.

    ``most_freq_count`` caps how many counter keys are indexed (reserved tokens are not
    counted; ``None``, a negative value or one past the number of keys has no effect);
    ``min_freq`` is the least count a key needs. Keys equal to the unknown token or to a
    reserved token are not indexed twice. Unlike MXNet 1.9.1, ``token in vocab`` works.
    """

    def __init__(
        self,
        counter: Optional[collections.Counter] = None,
        most_freq_count: Optional[int] = None,
        min_freq: int = 1,
        unknown_token: Hashable = "<unk>",
        reserved_tokens: Optional[Sequence[Hashable]] = None,
    ) -> None:
        assert min_freq > 0, "`min_freq` must be set to a positive value."
        if reserved_tokens is not None:
            assert unknown_token not in set(reserved_tokens), (
                "`reserved_token` cannot contain `unknown_token`."
            )
            assert len(set(reserved_tokens)) == len(reserved_tokens), (
                "`reserved_tokens` cannot contain duplicate reserved tokens."
            )
        self._unknown_token = unknown_token
        self._reserved_tokens = None if reserved_tokens is None else reserved_tokens[:]
        self._idx_to_token: List[Hashable] = [unknown_token] + list(reserved_tokens or [])
        self._token_to_idx = {token: idx for idx, token in enumerate(self._idx_to_token)}
        if counter is not None:
            self._index_counted_tokens(counter, most_freq_count, min_freq)

    def _index_counted_tokens(
        self, counter: collections.Counter, most_freq_count: Optional[int], min_freq: int
    ) -> None:
        assert isinstance(counter, collections.Counter), (
            "`counter` must be an instance of collections.Counter."
        )
        limit = None if most_freq_count is None or most_freq_count < 0 else most_freq_count
        added = 0
        for token, freq in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
            if freq < min_freq or added == limit:
                break
            if token in self._token_to_idx:  # the unknown or a reserved token
                continue
            self._token_to_idx[token] = len(self._idx_to_token)
            self._idx_to_token.append(token)
            added += 1

    def __len__(self) -> int:
        return len(self._idx_to_token)

    def __contains__(self, token: Hashable) -> bool:
        return token in self._token_to_idx

    @property
    def token_to_idx(self) -> dict:
        """dict: each indexed token to its index."""
        return self._token_to_idx

    @property
    def idx_to_token(self) -> list:
        """list: the indexed tokens, position i holding the token of index i."""
        return self._idx_to_token

    @property
    def unknown_token(self) -> Hashable:
        """The token every unknown token maps to (index 0)."""
        return self._unknown_token

    @property
    def reserved_tokens(self) -> Optional[Sequence[Hashable]]:
        """The reserved tokens (indices 1 onwards), or None when none were given."""
        return self._reserved_tokens

    def to_indices(self, tokens):
        """The index of a token, or the list of indices of a list of tokens (unknown: 0).

        Only a ``list`` is taken as several tokens; anything else, a tuple included, is one.
        """
        if isinstance(tokens, list):
            return [self._token_to_idx.get(token, UNKNOWN_IDX) for token in tokens]
        return self._token_to_idx.get(tokens, UNKNOWN_IDX)

    def to_tokens(self, indices):
        """The token of an index, or the list of tokens of a list of indices.

        Indices are Python ints; negative ones count from the end, as list indexing does.
        """
        if isinstance(indices, list):
            return [self._token_of(idx) for idx in indices]
        return self._token_of(indices)

    def _token_of(self, idx):
        if isinstance(idx, int) and idx < len(self._idx_to_token):
            return self._idx_to_token[idx]
        prefix = "Token index %r in the provided `indices` is invalid: " % (idx,)
        if isinstance(idx, int):
            raise ValueError(
                prefix
                + "the vocabulary has %d tokens (indices 0 to %d)." % (len(self), len(self) - 1)
            )
        # MXNet raises ValueError for any number that is not an int, TypeError otherwise
        error = ValueError if isinstance(idx, numbers.Number) else TypeError
        raise error(prefix + "indices must be ints, not %s." % type(idx).__name__)
