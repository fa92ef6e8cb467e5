"""Token embeddings: vectors for the tokens of a vocabulary (``mxnet.contrib.text.embedding``).

A token embedding is a ``Vocabulary`` whose index i also selects row i of ``idx_to_vec``.
``CustomEmbedding`` reads a local text file of ``token v1 v2 ...`` lines (GloVe or fastText
layout); ``GloVe`` and ``FastText`` read a named pre-trained file under ``embedding_root``,
downloading and unpacking its archive from MXNet's repository (``$MXNET_GLUON_REPO``) when it
is missing; ``CompositeEmbedding`` concatenates several embeddings over one vocabulary.

Deliberate differences from MXNet 1.9.1: a malformed file raises the same exception class
with a message naming the file, line and token; reserved tokens of an embedding read from a
file get their own rows (MXNet misaligns indices and rows); ``get_vecs_by_tokens([])``
returns a 0 x vec_len array instead of failing.
"""

from __future__ import annotations

import array
import logging
import os
import tarfile
import warnings
import zipfile
from typing import Callable, Optional, Type

import numpy as np

from ... import base
from ... import ndarray as nd
from ...gluon._download import _get_repo_url
from . import _pretrained_files, vocab
from .vocab import UNKNOWN_IDX

__all__ = [
    "register",
    "create",
    "get_pretrained_file_names",
    "TokenEmbedding",
    "GloVe",
    "FastText",
    "CustomEmbedding",
    "CompositeEmbedding",
]

_REGISTRY: dict = {}  # lower-cased class name -> registered embedding class


def register(embedding_cls: type) -> type:
    """Register a ``TokenEmbedding`` subclass under its lower-cased name, for ``create``."""
    assert isinstance(embedding_cls, type) and issubclass(embedding_cls, _TokenEmbedding), (
        "Can only register subclass of _TokenEmbedding"
    )
    name = embedding_cls.__name__.lower()
    if name in _REGISTRY:
        old = _REGISTRY[name]
        warnings.warn(
            "New token embedding %s.%s registered with name %s is overriding "
            "existing token embedding %s.%s"
            % (
                embedding_cls.__module__,
                embedding_cls.__name__,
                name,
                old.__module__,
                old.__name__,
            ),
            UserWarning,
            stacklevel=2,
        )
    _REGISTRY[name] = embedding_cls
    return embedding_cls


def create(embedding_name, **kwargs) -> "_TokenEmbedding":
    """An instance of the registered embedding ``embedding_name`` (case-insensitive).

    ``kwargs`` go to its constructor, e.g. ``create('glove',
    pretrained_file_name='glove.6B.50d.txt')``; an embedding instance is returned as it is.
    """
    if isinstance(embedding_name, _TokenEmbedding):
        assert not kwargs, (
            "token embedding is already an instance. Additional arguments are invalid"
        )
        return embedding_name
    assert isinstance(embedding_name, str), "token embedding must be of string type"
    name = embedding_name.lower()
    assert name in _REGISTRY, (
        "%s is not registered. Please register with token embedding.register first" % name
    )
    return _REGISTRY[name](**kwargs)


def get_pretrained_file_names(embedding_name: Optional[str] = None):
    """The pre-trained file names of one registered embedding, or a dict of them for all."""
    if embedding_name is None:
        return {name: list(cls.pretrained_file_name_sha1) for name, cls in _REGISTRY.items()}
    if embedding_name not in _REGISTRY:
        raise KeyError(
            "Cannot find `embedding_name` %s. Use `get_pretrained_file_names("
            "embedding_name=None).keys()` to get all the valid embedding names." % embedding_name
        )
    return list(_REGISTRY[embedding_name].pretrained_file_name_sha1)


class _TokenEmbedding(vocab.Vocabulary):
    """Base of the token embeddings: a vocabulary plus ``idx_to_vec`` and ``vec_len``.

    Row 0 of ``idx_to_vec`` is the unknown token's vector: the file's vector for
    ``unknown_token`` if it has one, else ``init_unknown_vec(shape=vec_len)``. A token seen
    twice in a file keeps its first vector (the later one is skipped with a warning).
    """

    # pre-trained file name -> SHA-1; subclasses that download files fill it
    pretrained_file_name_sha1: dict = {}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._vec_len: Optional[int] = None
        self._idx_to_vec: Optional[nd.NDArray] = None

    @property
    def vec_len(self) -> Optional[int]:
        """int: the length of each token's vector."""
        return self._vec_len

    @property
    def idx_to_vec(self) -> Optional[nd.NDArray]:
        """NDArray (len(self), vec_len): row i is the vector of the token of index i."""
        return self._idx_to_vec

    # ------------------------------------------------------------ pre-trained files

    @classmethod
    def _get_download_file_name(cls, pretrained_file_name: str) -> str:
        """The name of the file to download for ``pretrained_file_name`` (an archive, often)."""
        return pretrained_file_name

    @classmethod
    def _get_pretrained_file_url(cls, pretrained_file_name: str) -> str:
        return "%sgluon/embeddings/%s/%s" % (
            _get_repo_url(),
            cls.__name__.lower(),
            cls._get_download_file_name(pretrained_file_name),
        )

    @classmethod
    def _check_pretrained_file_names(cls, pretrained_file_name: str) -> None:
        if pretrained_file_name not in cls.pretrained_file_name_sha1:
            name = cls.__name__.lower()
            raise KeyError(
                "Cannot find pretrained file %s for token embedding %s. Valid "
                "pretrained files for embedding %s: %s"
                % (pretrained_file_name, name, name, ", ".join(cls.pretrained_file_name_sha1))
            )

    @classmethod
    def _get_pretrained_file(cls, embedding_root: str, pretrained_file_name: str) -> str:
        """The path of ``pretrained_file_name`` under ``<embedding_root>/<class name>/``.

        A missing file, or one whose SHA-1 differs, is fetched again: the download (archive
        or file) is checked against its SHA-1 and archives are unpacked beside it.
        """
        from ...gluon.utils import check_sha1, download

        embedding_dir = os.path.join(os.path.expanduser(embedding_root), cls.__name__.lower())
        file_path = os.path.join(embedding_dir, pretrained_file_name)
        file_sha1 = cls.pretrained_file_name_sha1[pretrained_file_name]
        if os.path.exists(file_path) and check_sha1(file_path, file_sha1):
            return file_path
        url = cls._get_pretrained_file_url(pretrained_file_name)
        download_name = os.path.basename(url)
        download_path = os.path.join(embedding_dir, download_name)
        archives = getattr(cls, "pretrained_archive_name_sha1", None)
        download(
            url,
            download_path,
            sha1_hash=archives[download_name] if archives is not None else file_sha1,
        )
        if download_name.endswith(".zip"):
            with zipfile.ZipFile(download_path) as archive:
                archive.extractall(embedding_dir)
        elif download_name.endswith(".gz"):
            with tarfile.open(download_path, "r:gz") as archive:
                archive.extractall(embedding_dir, filter="data")
        if not os.path.isfile(file_path):
            raise ValueError(
                "The archive %s downloaded from %s does not contain the "
                "pre-trained token embedding file %s." % (download_path, url, pretrained_file_name)
            )
        return file_path

    def _init_pretrained(
        self,
        owner: Type["_TokenEmbedding"],
        pretrained_file_name: str,
        embedding_root: str,
        init_unknown_vec: Callable,
        vocabulary,
        vocabulary_kwargs: dict,
    ) -> None:
        """Load ``owner``'s pre-trained file (fetched if needed); ``owner``, not a subclass,
        names the folder and the URL, as in MXNet."""
        owner._check_pretrained_file_names(pretrained_file_name)
        _TokenEmbedding.__init__(self, **vocabulary_kwargs)
        path = owner._get_pretrained_file(embedding_root, pretrained_file_name)
        self._load_embedding(path, " ", init_unknown_vec)
        self._build_embedding_for_vocabulary(vocabulary)

    # ------------------------------------------------------------ loading a text file

    def _load_embedding(
        self,
        pretrained_file_path: str,
        elem_delim: str,
        init_unknown_vec: Callable,
        encoding: str = "utf8",
    ) -> None:
        """Index the tokens of a ``token<delim>v1<delim>v2...`` file and load their vectors.

        A line with a single number after the token (fastText's ``count dim`` header) is
        skipped with a warning, as in MXNet.
        """
        path = os.path.expanduser(pretrained_file_path)
        if not os.path.isfile(path):
            raise ValueError(
                "`pretrained_file_path` must be a valid path to the pre-trained "
                "token embedding file: %r is not a file." % pretrained_file_path
            )
        logging.info("Loading pre-trained token embedding vectors from %s", path)
        preindexed = len(self._idx_to_token)  # the unknown token and the reserved tokens
        preindexed_vecs = {}  # their rows found in the file
        rows = array.array("f")  # float32, as the vectors end up
        vec_len = None
        with open(path, "r", encoding=encoding) as f:
            for line_num, line in enumerate(f, 1):
                where = "At line %d of the pre-trained token embedding file %s" % (line_num, path)
                token, vec = _parse_line(line, elem_delim, where)
                known = self._token_to_idx.get(token)
                if known is not None and known < preindexed and known not in preindexed_vecs:
                    preindexed_vecs[known] = (vec, where)
                elif known is not None:
                    warnings.warn(
                        "At line %d of the pre-trained token embedding file: the "
                        "embedding vector for token %s has been loaded and a "
                        "duplicate embedding for the  same token is seen and "
                        "skipped." % (line_num, token),
                        stacklevel=3,  # the caller of the embedding's constructor
                    )
                elif len(vec) == 1:
                    warnings.warn(
                        "At line %d of the pre-trained text embedding file: token %s "
                        "with 1-dimensional vector %s is likely a header and is "
                        "skipped." % (line_num, token, vec),
                        stacklevel=3,
                    )
                else:
                    if vec_len is None:
                        vec_len = len(vec)
                    elif len(vec) != vec_len:
                        raise AssertionError(
                            "%s: token %r has a vector of length %d but the tokens before it "
                            "have length %d. All vectors in the file must have the same "
                            "length." % (where, token, len(vec), vec_len)
                        )
                    self._token_to_idx[token] = len(self._idx_to_token)
                    self._idx_to_token.append(token)
                    rows.extend(vec)
        if vec_len is None:
            # MXNet fails here with a TypeError from reshape; keep the class, say why
            raise TypeError(
                "The pre-trained token embedding file %s has no token vectors: "
                'it needs at least one line "token%sv1%sv2..." for a token other '
                "than the unknown and reserved tokens." % (path, elem_delim, elem_delim)
            )
        matrix = np.zeros((len(self._idx_to_token), vec_len), dtype=np.float32)
        if rows:
            matrix[preindexed:] = np.frombuffer(rows, dtype=np.float32).reshape(-1, vec_len)
        self._vec_len = vec_len
        self._idx_to_vec = nd.array(matrix)
        for idx in range(preindexed):
            if idx in preindexed_vecs:
                vec, where = preindexed_vecs[idx]
                if len(vec) != vec_len:
                    raise ValueError(
                        "%s: the vector of %r has length %d but the other tokens' "
                        "vectors have length %d."
                        % (where, self._idx_to_token[idx], len(vec), vec_len)
                    )
                self._idx_to_vec[idx] = nd.array(vec)
            else:
                self._idx_to_vec[idx] = init_unknown_vec(shape=vec_len)

    # ------------------------------------------------------------ vocabulary-based indexing

    def _index_tokens_from_vocabulary(self, vocabulary: vocab.Vocabulary) -> None:
        self._token_to_idx = vocabulary.token_to_idx.copy()
        self._idx_to_token = vocabulary.idx_to_token[:]
        self._unknown_token = vocabulary.unknown_token
        self._reserved_tokens = (
            None if vocabulary.reserved_tokens is None else vocabulary.reserved_tokens[:]
        )

    def _set_idx_to_vec_by_embeddings(
        self, token_embeddings: list, vocab_len: int, vocab_idx_to_token: list
    ) -> None:
        """Row i: the vectors of token i in each embedding, side by side (row 0: unknowns)."""
        new_vec_len = sum(embed.vec_len for embed in token_embeddings)
        new_idx_to_vec = nd.zeros(shape=(vocab_len, new_vec_len))
        col = 0
        for embed in token_embeddings:
            new_idx_to_vec[0, col : col + embed.vec_len] = embed.idx_to_vec[UNKNOWN_IDX]
            if vocab_len > 1:
                new_idx_to_vec[1:, col : col + embed.vec_len] = embed.get_vecs_by_tokens(
                    vocab_idx_to_token[1:]
                )
            col += embed.vec_len
        self._vec_len = new_vec_len
        self._idx_to_vec = new_idx_to_vec

    def _build_embedding_for_vocabulary(self, vocabulary: Optional[vocab.Vocabulary]) -> None:
        if vocabulary is None:
            return
        _check_vocabulary(vocabulary)
        self._set_idx_to_vec_by_embeddings([self], len(vocabulary), vocabulary.idx_to_token)
        self._index_tokens_from_vocabulary(vocabulary)

    # ------------------------------------------------------------ look-up and update

    def get_vecs_by_tokens(self, tokens, lower_case_backup: bool = False) -> nd.NDArray:
        """The vector of a token (1-D), or of each token of a list (2-D); unknown: row 0.

        With ``lower_case_backup``, a token not found as written is looked up lower-cased.
        """
        single = not isinstance(tokens, list)
        if single:
            tokens = [tokens]
        lookup = self._token_to_idx
        if lower_case_backup:
            indices = [
                lookup[token] if token in lookup else lookup.get(token.lower(), UNKNOWN_IDX)
                for token in tokens
            ]
        else:
            indices = [lookup.get(token, UNKNOWN_IDX) for token in tokens]
        table = self._idx_to_vec
        assert table is not None  # every constructor loads or builds the vectors
        vecs = nd.Embedding(nd.array(indices), table, table.shape[0], table.shape[1])
        return vecs[0] if single else vecs

    def update_token_vectors(self, tokens, new_vectors: nd.NDArray) -> None:
        """Overwrite the vectors of ``tokens`` (a token, or a list) with ``new_vectors``.

        ``new_vectors`` is (len(tokens), vec_len), or 1-D for a single token. Every token must
        be indexed; the unknown token's vector is updated only when named explicitly.
        """
        assert self._idx_to_vec is not None, "The property `idx_to_vec` has not been properly set."
        if not isinstance(tokens, list) or len(tokens) == 1:
            assert isinstance(new_vectors, nd.NDArray) and new_vectors.ndim in (1, 2), (
                "`new_vectors` must be a 1-D or 2-D NDArray if `tokens` is a singleton."
            )
            if not isinstance(tokens, list):
                tokens = [tokens]
            if new_vectors.ndim == 1:
                new_vectors = nd.expand_dims(new_vectors, axis=0)
        else:
            assert isinstance(new_vectors, nd.NDArray) and new_vectors.ndim == 2, (
                "`new_vectors` must be a 2-D NDArray if `tokens` is a list of multiple strings."
            )
        assert new_vectors.shape == (len(tokens), self._vec_len), (
            "The length of new_vectors must be equal to the number of tokens and the width of "
            "new_vectors must be equal to the dimension of embeddings of the glossary: got "
            "shape %s for %d token(s) of dimension %s."
            % (new_vectors.shape, len(tokens), self._vec_len)
        )
        indices = []
        for token in tokens:
            if token not in self._token_to_idx:
                raise ValueError(
                    "Token %s is unknown. To update the embedding vector for an "
                    "unknown token, please specify it explicitly as the "
                    "`unknown_token` %s in `tokens`. This is to avoid unintended "
                    "updates." % (token, self._idx_to_token[UNKNOWN_IDX])
                )
            indices.append(self._token_to_idx[token])
        for row, idx in enumerate(indices):
            self._idx_to_vec[idx] = new_vectors[row]


TokenEmbedding = _TokenEmbedding


def _parse_line(line: str, elem_delim: str, where: str):
    """(token, vector as floats) of one line of an embedding file."""
    elems = line.rstrip().split(elem_delim)
    if len(elems) < 2:
        raise AssertionError(
            "%s: expected a token and its vector elements separated by %r, "
            "got %r." % (where, elem_delim, line)
        )
    token = elems[0]
    try:
        return token, [float(elem) for elem in elems[1:]]
    except ValueError:
        bad = next(elem for elem in elems[1:] if not _is_float(elem))
        raise ValueError(
            "%s: the vector of token %r has an element %r that is not a number "
            "(elements are separated by elem_delim=%r)." % (where, token, bad, elem_delim)
        ) from None


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _check_vocabulary(vocabulary) -> None:
    assert isinstance(vocabulary, vocab.Vocabulary), (
        "The argument `vocabulary` must be an instance of "
        "gluonlite.contrib.text.vocab.Vocabulary, not %s." % type(vocabulary).__name__
    )


_DEFAULT_ROOT = os.path.join(base.data_dir(), "embeddings")


@register
class GloVe(_TokenEmbedding):
    """The GloVe word vectors (https://nlp.stanford.edu/projects/glove/), license PDDL.

    ``pretrained_file_name`` is one of ``get_pretrained_file_names('glove')``; the file is
    read from ``<embedding_root>/glove/``, and its archive (``glove.6B.zip`` for
    ``glove.6B.50d.txt``) downloaded and unpacked there when it is missing. With a
    ``vocabulary``, only its tokens are indexed, in its order.
    """

    pretrained_file_name_sha1 = _pretrained_files.GLOVE_FILES
    pretrained_archive_name_sha1 = _pretrained_files.GLOVE_ARCHIVES

    @classmethod
    def _get_download_file_name(cls, pretrained_file_name: str) -> str:
        corpus = pretrained_file_name.split(".")[1]  # '6B' of 'glove.6B.50d.txt'
        for archive in cls.pretrained_archive_name_sha1:
            if archive.split(".")[1] == corpus:
                return archive
        raise KeyError("No GloVe archive holds %s." % pretrained_file_name)

    def __init__(
        self,
        pretrained_file_name: str = "glove.840B.300d.txt",
        embedding_root: str = _DEFAULT_ROOT,
        init_unknown_vec: Callable = nd.zeros,
        vocabulary: Optional[vocab.Vocabulary] = None,
        **kwargs,
    ) -> None:
        self._init_pretrained(
            GloVe, pretrained_file_name, embedding_root, init_unknown_vec, vocabulary, kwargs
        )


@register
class FastText(_TokenEmbedding):
    """The fastText word vectors (https://fasttext.cc/), license CC BY-SA 3.0.

    ``pretrained_file_name`` is one of ``get_pretrained_file_names('fasttext')``; the file
    is read from ``<embedding_root>/fasttext/``, and ``<name>.zip`` downloaded and unpacked
    there when it is missing. The file's ``count dim`` header line is skipped.
    """

    pretrained_file_name_sha1 = _pretrained_files.FASTTEXT_FILES
    pretrained_archive_name_sha1 = _pretrained_files.FASTTEXT_ARCHIVES

    @classmethod
    def _get_download_file_name(cls, pretrained_file_name: str) -> str:
        return os.path.splitext(pretrained_file_name)[0] + ".zip"

    def __init__(
        self,
        pretrained_file_name: str = "wiki.simple.vec",
        embedding_root: str = _DEFAULT_ROOT,
        init_unknown_vec: Callable = nd.zeros,
        vocabulary: Optional[vocab.Vocabulary] = None,
        **kwargs,
    ) -> None:
        self._init_pretrained(
            FastText, pretrained_file_name, embedding_root, init_unknown_vec, vocabulary, kwargs
        )


class CustomEmbedding(_TokenEmbedding):
    """Vectors read from a local file of ``token<elem_delim>v1<elem_delim>v2...`` lines.

    GloVe's text files and fastText's ``.vec`` files (whose header is skipped) both load.
    ``init_unknown_vec(shape=vec_len)`` makes the unknown token's vector when the file has
    none. With a ``vocabulary``, only its tokens are indexed, in its order.
    """

    def __init__(
        self,
        pretrained_file_path: str,
        elem_delim: str = " ",
        encoding: str = "utf8",
        init_unknown_vec: Callable = nd.zeros,
        vocabulary: Optional[vocab.Vocabulary] = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self._load_embedding(pretrained_file_path, elem_delim, init_unknown_vec, encoding)
        self._build_embedding_for_vocabulary(vocabulary)


class CompositeEmbedding(_TokenEmbedding):
    """The tokens of ``vocabulary``, each with the vectors of ``token_embeddings`` concatenated.

    A token an embedding does not know gets that embedding's unknown vector.
    """

    def __init__(self, vocabulary: vocab.Vocabulary, token_embeddings) -> None:
        assert isinstance(vocabulary, vocab.Vocabulary), (
            "The argument `vocabulary` must be an instance of "
            "gluonlite.contrib.text.vocab.Vocabulary, not %s." % type(vocabulary).__name__
        )
        if not isinstance(token_embeddings, list):
            token_embeddings = [token_embeddings]
        for embed in token_embeddings:
            assert isinstance(embed, _TokenEmbedding), (
                "The argument `token_embeddings` must be an instance or a list of instances "
                "of `gluonlite.contrib.text.embedding.TokenEmbedding` whose embedding vectors "
                "will be loaded or concatenated-then-loaded to map to the indexed tokens; got "
                "a %s." % type(embed).__name__
            )
        self._vec_len = None
        self._idx_to_vec = None
        self._index_tokens_from_vocabulary(vocabulary)
        self._set_idx_to_vec_by_embeddings(token_embeddings, len(self), self.idx_to_token)
