"""Token counting for building a ``Vocabulary`` (``mxnet.contrib.text.utils``)."""

from __future__ import annotations

import collections
import re
from typing import Optional


def count_tokens_from_str(
    source_str: str,
    token_delim: str = " ",
    seq_delim: str = "\n",
    to_lower: bool = False,
    counter_to_update: Optional[collections.Counter] = None,
) -> collections.Counter:
    """Count the tokens of ``source_str`` split on ``token_delim`` and ``seq_delim``.

    Both delimiters are regular expressions (escape special characters, e.g. ``'\\\\*'``);
    empty pieces are not tokens. ``to_lower`` lower-cases every token before counting.
    ``counter_to_update`` is updated in place and returned; otherwise a new Counter is.
    """
    pieces = re.split(token_delim + "|" + seq_delim, source_str)
    tokens = [piece.lower() if to_lower else piece for piece in pieces if piece]
    if counter_to_update is None:
        return collections.Counter(tokens)
    counter_to_update.update(tokens)
    return counter_to_update
