"""mx.contrib.text: Vocabulary, count_tokens_from_str and the token embeddings.

Expected indices, orders, vectors and messages were recorded from MXNet 1.9.1; where
gluonlite says more about bad input, the test pins gluonlite's message and MXNet's class.
Downloads go to a local HTTP server on 127.0.0.1 only.
"""

import collections
import hashlib
import inspect
import io
import os
import subprocess
import sys
import tarfile
import warnings
import zipfile

import numpy as np
import pytest
from conftest import GLUONLITE_HOME, child_env
from local_http_support import Handler

import gluonlite as mx
from gluonlite import nd
from gluonlite.contrib import text
from gluonlite.contrib.text import embedding, utils, vocab

# 'c' x3, 'd' x3, 'b' x2, 'e' x2, one each of 'a', 'f', '<pad>'; '<unk>' x4
COUNTER = collections.Counter(
    [
        "a",
        "b",
        "b",
        "c",
        "c",
        "c",
        "d",
        "d",
        "d",
        "e",
        "e",
        "f",
        "<pad>",
        "<unk>",
        "<unk>",
        "<unk>",
        "<unk>",
    ]
)


# ---------------------------------------------------------------- Vocabulary


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, ["<unk>", "c", "d", "b", "e", "<pad>", "a", "f"]),
        ({"min_freq": 2}, ["<unk>", "c", "d", "b", "e"]),
        ({"most_freq_count": 2}, ["<unk>", "c", "d"]),
        ({"most_freq_count": 0}, ["<unk>"]),
        ({"most_freq_count": 100}, ["<unk>", "c", "d", "b", "e", "<pad>", "a", "f"]),
        (
            {"reserved_tokens": ["<pad>", "<bos>"]},
            ["<unk>", "<pad>", "<bos>", "c", "d", "b", "e", "a", "f"],
        ),
        (
            {"most_freq_count": 3, "min_freq": 2, "reserved_tokens": ["<pad>"]},
            ["<unk>", "<pad>", "c", "d", "b"],
        ),
        ({"unknown_token": "[UNK]"}, ["[UNK]", "<unk>", "c", "d", "b", "e", "<pad>", "a", "f"]),
    ],
)
def test_vocabulary_orders_unknown_reserved_then_frequency_then_token(kwargs, expected):
    v = vocab.Vocabulary(COUNTER, **kwargs)
    assert v.idx_to_token == expected
    assert v.token_to_idx == {token: idx for idx, token in enumerate(expected)}
    assert len(v) == len(expected)
    assert v.unknown_token == kwargs.get("unknown_token", "<unk>")
    assert v.reserved_tokens == kwargs.get("reserved_tokens")


def test_vocabulary_without_counter_holds_unknown_and_a_copy_of_reserved():
    assert vocab.Vocabulary().idx_to_token == ["<unk>"]
    assert vocab.Vocabulary().reserved_tokens is None
    reserved = ["x"]
    v = vocab.Vocabulary(reserved_tokens=reserved)
    reserved.append("y")
    assert v.reserved_tokens == ["x"]
    assert v.idx_to_token == ["<unk>", "x"]


def test_vocabulary_indexes_any_hashable_tokens():
    v = vocab.Vocabulary(collections.Counter({1: 3, 2: 3, 3: 1}), unknown_token=0)
    assert v.idx_to_token == [0, 1, 2, 3]


def test_to_indices_maps_unknown_to_zero_and_only_lists_are_several_tokens():
    v = vocab.Vocabulary(COUNTER, reserved_tokens=["<pad>"])
    assert v.to_indices("c") == 2
    assert v.to_indices(["c", "zz", "<pad>"]) == [2, 0, 1]
    assert v.to_indices(("c", "d")) == 0  # a tuple is one (unknown) token, as in MXNet


def test_to_tokens_accepts_ints_and_negative_ints_count_from_the_end():
    v = vocab.Vocabulary(COUNTER, reserved_tokens=["<pad>"])
    assert v.to_tokens(2) == "c"
    assert v.to_tokens([0, 1, 2]) == ["<unk>", "<pad>", "c"]
    assert v.to_tokens(-1) == "f"


@pytest.mark.parametrize(
    "indices, error, message",
    [
        (
            100,
            ValueError,
            "Token index 100 in the provided `indices` is invalid: the vocabulary "
            "has 8 tokens (indices 0 to 7).",
        ),
        (
            [1, 100],
            ValueError,
            "Token index 100 in the provided `indices` is invalid: the "
            "vocabulary has 8 tokens (indices 0 to 7).",
        ),
        (
            1.0,
            ValueError,
            "Token index 1.0 in the provided `indices` is invalid: indices must be "
            "ints, not float.",
        ),
        (
            "a",
            TypeError,
            "Token index 'a' in the provided `indices` is invalid: indices must be ints, not str.",
        ),
    ],
)
def test_to_tokens_rejects_bad_indices_with_mxnets_class(indices, error, message):
    v = vocab.Vocabulary(COUNTER, reserved_tokens=["<pad>"])
    with pytest.raises(error) as info:
        v.to_tokens(indices)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"min_freq": 0}, "`min_freq` must be set to a positive value."),
        ({"reserved_tokens": ["<unk>"]}, "`reserved_token` cannot contain `unknown_token`."),
        (
            {"reserved_tokens": ["a", "a"]},
            "`reserved_tokens` cannot contain duplicate reserved tokens.",
        ),
    ],
)
def test_vocabulary_argument_checks_are_mxnets(kwargs, message):
    with pytest.raises(AssertionError) as info:
        vocab.Vocabulary(COUNTER, **kwargs)
    assert str(info.value) == message


def test_vocabulary_needs_a_counter_not_a_dict():
    with pytest.raises(AssertionError) as info:
        vocab.Vocabulary({"a": 1})
    assert str(info.value) == "`counter` must be an instance of collections.Counter."


def test_vocabulary_contains_indexed_tokens():
    v = vocab.Vocabulary(COUNTER, min_freq=2)
    assert "c" in v and "<unk>" in v
    assert "a" not in v


# ---------------------------------------------------------------- count_tokens_from_str


def test_count_tokens_from_str_splits_on_both_delimiters():
    source = " Life is great ! \n life is good . \n"
    assert utils.count_tokens_from_str(source) == collections.Counter(
        {"is": 2, "Life": 1, "great": 1, "!": 1, "life": 1, "good": 1, ".": 1}
    )
    assert utils.count_tokens_from_str(source, to_lower=True) == collections.Counter(
        {"life": 2, "is": 2, "great": 1, "!": 1, "good": 1, ".": 1}
    )


def test_count_tokens_from_str_delimiters_are_regular_expressions():
    counts = utils.count_tokens_from_str("*Life*is*great*!*\n*life*is*good*.*\n", "\\*", "\n", True)
    assert counts == collections.Counter(
        {"life": 2, "is": 2, "great": 1, "!": 1, "good": 1, ".": 1}
    )
    assert utils.count_tokens_from_str("a,b;c,,d", ",", ";") == collections.Counter("abcd")
    assert utils.count_tokens_from_str("") == collections.Counter()


def test_count_tokens_from_str_updates_the_given_counter_in_place():
    counter = collections.Counter({"life": 5})
    result = utils.count_tokens_from_str("life is", counter_to_update=counter)
    assert result is counter
    assert counter == collections.Counter({"life": 6, "is": 1})


# ---------------------------------------------------------------- embeddings from files

GLOVE_TEXT = "hello 0.1 0.2 0.3\nworld 0.4 0.5 0.6\nHello 1 2 3\n<unk> 9 9 9\nhello 7 7 7\n"
FASTTEXT_TEXT = "3 2\nthe 0.5 -0.5\nof 1.5 2.5\n. 3 4 \n"
DUPLICATE_WARNING = (
    "At line 5 of the pre-trained token embedding file: the embedding vector "
    "for token hello has been loaded and a duplicate embedding for the  same "
    "token is seen and skipped."
)
HEADER_WARNING = (
    "At line 1 of the pre-trained text embedding file: token 3 with 1-dimensional "
    "vector [2.0] is likely a header and is skipped."
)


def _f32(rows):
    return np.array(rows, dtype=np.float32)


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf8")
    return str(path)


def _load(path, **kwargs):
    """A CustomEmbedding and the warning messages raised while loading it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        embed = embedding.CustomEmbedding(path, **kwargs)
    return embed, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


@pytest.fixture
def glove(tmp_path):
    return _load(_write(tmp_path, "glove.txt", GLOVE_TEXT))[0]


@pytest.fixture
def fasttext(tmp_path):
    return _load(_write(tmp_path, "ft.vec", FASTTEXT_TEXT), init_unknown_vec=nd.ones)[0]


def test_custom_embedding_reads_glove_format_with_unknown_vector_from_file(tmp_path):
    embed, messages = _load(_write(tmp_path, "glove.txt", GLOVE_TEXT))
    assert messages == [DUPLICATE_WARNING]
    assert embed.idx_to_token == ["<unk>", "hello", "world", "Hello"]
    assert embed.token_to_idx == {"<unk>": 0, "hello": 1, "world": 2, "Hello": 3}
    assert embed.vec_len == 3 and len(embed) == 4
    assert embed.unknown_token == "<unk>" and embed.reserved_tokens is None
    assert isinstance(embed.idx_to_vec, nd.NDArray)
    assert embed.idx_to_vec.dtype == np.float32
    np.testing.assert_array_equal(
        embed.idx_to_vec.asnumpy(), _f32([[9, 9, 9], [0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [1, 2, 3]])
    )
    assert isinstance(embed, embedding.TokenEmbedding)
    assert isinstance(embed, vocab.Vocabulary)


def test_custom_embedding_skips_the_fasttext_header_with_mxnets_warning(tmp_path):
    embed, messages = _load(_write(tmp_path, "ft.vec", FASTTEXT_TEXT))
    assert messages == [HEADER_WARNING]
    assert embed.idx_to_token == ["<unk>", "the", "of", "."]
    np.testing.assert_array_equal(
        embed.idx_to_vec.asnumpy(), _f32([[0, 0], [0.5, -0.5], [1.5, 2.5], [3, 4]])
    )


def test_custom_embedding_delimiter_encoding_and_unknown_initializer(tmp_path):
    path = tmp_path / "tab.txt"
    path.write_bytes("caf\xe9\t1\t2\nb\t3\t4\n".encode("latin-1"))
    embed, _ = _load(
        str(path),
        elem_delim="\t",
        encoding="latin-1",
        init_unknown_vec=lambda shape: nd.full(shape, 7),
    )
    assert embed.idx_to_token == ["<unk>", "caf\xe9", "b"]
    np.testing.assert_array_equal(embed.idx_to_vec.asnumpy(), _f32([[7, 7], [1, 2], [3, 4]]))


def test_custom_embedding_takes_vocabulary_arguments(tmp_path):
    embed, _ = _load(_write(tmp_path, "g.txt", "a 1 2\n<pad> 3 4\nb 5 6\n"), unknown_token="a")
    assert embed.idx_to_token == ["a", "<pad>", "b"]
    np.testing.assert_array_equal(embed.idx_to_vec.asnumpy(), _f32([[1, 2], [3, 4], [5, 6]]))


def test_reserved_tokens_of_a_file_embedding_get_their_own_rows(tmp_path):
    # MXNet 1.9.1 indexes '<pad>' twice and misaligns tokens and rows here
    embed, _ = _load(
        _write(tmp_path, "g.txt", "a 1 2\n<pad> 3 4\nb 5 6\n"),
        reserved_tokens=["<pad>", "<eos>"],
        init_unknown_vec=nd.ones,
    )
    assert embed.idx_to_token == ["<unk>", "<pad>", "<eos>", "a", "b"]
    np.testing.assert_array_equal(
        embed.idx_to_vec.asnumpy(), _f32([[1, 1], [3, 4], [1, 1], [1, 2], [5, 6]])
    )


def test_vocabulary_restricted_embedding_indexes_only_the_vocabulary(tmp_path):
    v = vocab.Vocabulary(
        collections.Counter(["world", "world", "hello", "zz", "zz", "zz"]),
        reserved_tokens=["<pad>"],
    )
    embed, _ = _load(
        _write(tmp_path, "glove.txt", GLOVE_TEXT), vocabulary=v, init_unknown_vec=nd.ones
    )
    assert embed.idx_to_token == ["<unk>", "<pad>", "zz", "world", "hello"]
    assert embed.reserved_tokens == ["<pad>"]
    assert embed.token_to_idx == v.token_to_idx and embed.token_to_idx is not v.token_to_idx
    # the file's '<unk>' vector is the unknown vector; tokens the file lacks get it too
    np.testing.assert_array_equal(
        embed.idx_to_vec.asnumpy(),
        _f32([[9, 9, 9], [9, 9, 9], [9, 9, 9], [0.4, 0.5, 0.6], [0.1, 0.2, 0.3]]),
    )


def test_composite_embedding_concatenates_vectors_per_vocabulary_token(glove, fasttext):
    v = vocab.Vocabulary(
        collections.Counter(["world", "world", "hello", "of", "zz", "zz"]),
        reserved_tokens=["<pad>"],
    )
    composite = embedding.CompositeEmbedding(v, [glove, fasttext])
    assert composite.idx_to_token == ["<unk>", "<pad>", "world", "zz", "hello", "of"]
    assert composite.vec_len == 5
    np.testing.assert_array_equal(
        composite.idx_to_vec.asnumpy(),
        _f32(
            [
                [9, 9, 9, 1, 1],
                [9, 9, 9, 1, 1],
                [0.4, 0.5, 0.6, 1, 1],
                [9, 9, 9, 1, 1],
                [0.1, 0.2, 0.3, 1, 1],
                [9, 9, 9, 1.5, 2.5],
            ]
        ),
    )
    single = embedding.CompositeEmbedding(v, fasttext)
    np.testing.assert_array_equal(single.idx_to_vec.asnumpy(), _f32([[1, 1]] * 5 + [[1.5, 2.5]]))


def test_composite_embedding_checks_its_arguments(glove):
    with pytest.raises(AssertionError) as info:
        embedding.CompositeEmbedding(COUNTER, glove)
    assert str(info.value) == (
        "The argument `vocabulary` must be an instance of "
        "gluonlite.contrib.text.vocab.Vocabulary, not Counter."
    )
    with pytest.raises(AssertionError) as info:
        embedding.CompositeEmbedding(vocab.Vocabulary(), [glove, 3])
    assert str(info.value).endswith("to map to the indexed tokens; got a int.")


def test_get_vecs_by_tokens_single_list_unknown_and_lower_case_backup(glove):
    one = glove.get_vecs_by_tokens("hello")
    assert one.shape == (3,)
    np.testing.assert_array_equal(one.asnumpy(), _f32([0.1, 0.2, 0.3]))
    np.testing.assert_array_equal(
        glove.get_vecs_by_tokens(["HELLO", "World", "zz"]).asnumpy(), _f32([[9, 9, 9]] * 3)
    )
    # as written first ('Hello' has its own vector), lower-cased only as a fallback
    np.testing.assert_array_equal(
        glove.get_vecs_by_tokens(["HELLO", "World", "Hello"], lower_case_backup=True).asnumpy(),
        _f32([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [1, 2, 3]]),
    )
    assert glove.get_vecs_by_tokens([]).shape == (0, 3)
    assert glove.to_indices(["world", "x"]) == [2, 0]
    assert glove.to_tokens([1, 2]) == ["hello", "world"]


def test_update_token_vectors_in_place_for_one_or_several_tokens(glove):
    matrix = glove.idx_to_vec
    glove.update_token_vectors("world", nd.array([1, 1, 1]))
    glove.update_token_vectors(["hello", "<unk>"], nd.array([[2, 2, 2], [3, 3, 3]]))
    glove.update_token_vectors(["Hello"], nd.array([[4, 4, 4]]))
    assert glove.idx_to_vec is matrix
    np.testing.assert_array_equal(
        matrix.asnumpy(), _f32([[3, 3, 3], [2, 2, 2], [1, 1, 1], [4, 4, 4]])
    )


UNKNOWN_UPDATE = (
    "Token nope is unknown. To update the embedding vector for an unknown token, "
    "please specify it explicitly as the `unknown_token` <unk> in `tokens`. This "
    "is to avoid unintended updates."
)


@pytest.mark.parametrize(
    "tokens, vectors, error, message",
    [
        ("nope", nd.array([1, 1, 1]), ValueError, UNKNOWN_UPDATE),
        (["hello", "nope"], nd.ones((2, 3)), ValueError, UNKNOWN_UPDATE),
        (
            "hello",
            nd.array([1, 1]),
            AssertionError,
            "The length of new_vectors must be equal to the number of tokens and the width of "
            "new_vectors must be equal to the dimension of embeddings of the glossary: got shape "
            "(1, 2) for 1 token(s) of dimension 3.",
        ),
        (
            ["hello", "world"],
            nd.ones((3, 3)),
            AssertionError,
            "The length of new_vectors must be equal to the number of tokens and the width of "
            "new_vectors must be equal to the dimension of embeddings of the glossary: got shape "
            "(3, 3) for 2 token(s) of dimension 3.",
        ),
        (
            ["hello", "world"],
            nd.array([1, 1, 1]),
            AssertionError,
            "`new_vectors` must be a 2-D NDArray if `tokens` is a list of multiple strings.",
        ),
        (
            "hello",
            [1, 1, 1],
            AssertionError,
            "`new_vectors` must be a 1-D or 2-D NDArray if `tokens` is a singleton.",
        ),
        (
            "hello",
            nd.ones((1, 1, 3)),
            AssertionError,
            "`new_vectors` must be a 1-D or 2-D NDArray if `tokens` is a singleton.",
        ),
    ],
)
def test_update_token_vectors_errors_leave_vectors_unchanged(
    glove, tokens, vectors, error, message
):
    before = glove.idx_to_vec.asnumpy()
    with pytest.raises(error) as info:
        glove.update_token_vectors(tokens, vectors)
    assert str(info.value) == message
    np.testing.assert_array_equal(glove.idx_to_vec.asnumpy(), before)


@pytest.mark.parametrize(
    "content, error, message",
    [
        (
            "a 1 2 3\nb 1 2\n",
            AssertionError,
            "At line 2 of the pre-trained token embedding file {path}: token 'b' has a vector of "
            "length 2 but the tokens before it have length 3. All vectors in the file must have "
            "the same length.",
        ),
        (
            "a 1 2\nb 1 x\n",
            ValueError,
            "At line 2 of the pre-trained token embedding file {path}: the vector of token 'b' has "
            "an element 'x' that is not a number (elements are separated by elem_delim=' ').",
        ),
        (
            "a 1 2\nb 3 4\n\n",
            AssertionError,
            "At line 3 of the pre-trained token embedding file {path}: expected a token and its "
            "vector elements separated by ' ', got '\\n'.",
        ),
        (
            "a 1 2\nb\n",
            AssertionError,
            "At line 2 of the pre-trained token embedding file {path}: expected a token and its "
            "vector elements separated by ' ', got 'b\\n'.",
        ),
        (
            "a 1 2\n<unk> 1 2 3\n",
            ValueError,
            "At line 2 of the pre-trained token embedding file {path}: the vector of '<unk>' has "
            "length 3 but the other tokens' vectors have length 2.",
        ),
        (
            "2 3\n",
            TypeError,
            "The pre-trained token embedding file {path} has no token vectors: it needs at least "
            'one line "token v1 v2..." for a token other than the unknown and reserved tokens.',
        ),
        (
            "",
            TypeError,
            "The pre-trained token embedding file {path} has no token vectors: it needs at least "
            'one line "token v1 v2..." for a token other than the unknown and reserved tokens.',
        ),
    ],
)
def test_malformed_file_raises_mxnets_class_naming_line_and_token(
    tmp_path, content, error, message
):
    path = _write(tmp_path, "bad.txt", content)
    with pytest.raises(error) as info:
        _load(path)
    assert str(info.value) == message.format(path=path)


def test_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError) as info:
        embedding.CustomEmbedding(str(tmp_path))
    assert str(info.value) == (
        "`pretrained_file_path` must be a valid path to the pre-trained "
        "token embedding file: %r is not a file." % str(tmp_path)
    )


def test_embedding_with_a_non_vocabulary_is_rejected(tmp_path):
    with pytest.raises(AssertionError) as info:
        _load(_write(tmp_path, "g.txt", "a 1 2\n"), vocabulary=COUNTER)
    assert str(info.value) == (
        "The argument `vocabulary` must be an instance of "
        "gluonlite.contrib.text.vocab.Vocabulary, not Counter."
    )


# ---------------------------------------------------------------- registry


def test_registered_embeddings_and_their_pretrained_files():
    names = embedding.get_pretrained_file_names()
    assert list(names) == ["glove", "fasttext"]
    assert (
        names["glove"]
        == embedding.get_pretrained_file_names("glove")
        == [
            "glove.42B.300d.txt",
            "glove.6B.50d.txt",
            "glove.6B.100d.txt",
            "glove.6B.200d.txt",
            "glove.6B.300d.txt",
            "glove.840B.300d.txt",
            "glove.twitter.27B.25d.txt",
            "glove.twitter.27B.50d.txt",
            "glove.twitter.27B.100d.txt",
            "glove.twitter.27B.200d.txt",
        ]
    )
    fasttext_files = embedding.get_pretrained_file_names("fasttext")
    assert len(fasttext_files) == 327
    assert fasttext_files[:3] == ["crawl-300d-2M.vec", "wiki.aa.vec", "wiki.ab.vec"]
    assert "wiki.simple.vec" in fasttext_files


def test_get_pretrained_file_names_is_case_sensitive():
    with pytest.raises(KeyError) as info:
        embedding.get_pretrained_file_names("GloVe")
    assert info.value.args[0] == (
        "Cannot find `embedding_name` GloVe. Use "
        "`get_pretrained_file_names(embedding_name=None).keys()` to "
        "get all the valid embedding names."
    )


def test_create_unknown_name_and_unknown_file():
    with pytest.raises(AssertionError) as info:
        embedding.create("CustomEmbedding", pretrained_file_path="x")
    assert str(info.value) == (
        "customembedding is not registered. Please register with token embedding.register first"
    )
    with pytest.raises(KeyError) as info:
        embedding.create("GloVe", pretrained_file_name="x.txt")
    assert info.value.args[0] == (
        "Cannot find pretrained file x.txt for token embedding glove. Valid pretrained files "
        "for embedding glove: " + ", ".join(embedding.get_pretrained_file_names("glove"))
    )


def test_register_and_create_a_custom_embedding(monkeypatch):
    monkeypatch.setattr(embedding, "_REGISTRY", dict(embedding._REGISTRY))

    class MyEmbed(embedding.TokenEmbedding):
        pretrained_file_name_sha1 = {"a.txt": "0" * 40}

        def __init__(self, k=1):
            super().__init__()
            self.k = k

    assert embedding.register(MyEmbed) is MyEmbed
    made = embedding.create("myEMBED", k=3)
    assert type(made) is MyEmbed and made.k == 3
    assert embedding.create(made) is made
    assert embedding.get_pretrained_file_names("myembed") == ["a.txt"]
    with pytest.warns(UserWarning) as caught:
        embedding.register(MyEmbed)
    assert str(caught[0].message) == (
        "New token embedding %s.MyEmbed registered with name myembed is overriding existing "
        "token embedding %s.MyEmbed" % (__name__, __name__)
    )
    with pytest.raises(AssertionError) as info:
        embedding.register(int)
    assert str(info.value) == "Can only register subclass of _TokenEmbedding"


# ---------------------------------------------------------------- pre-trained files


def test_pretrained_urls_follow_mxnets_repository_layout(monkeypatch):
    monkeypatch.delenv("MXNET_GLUON_REPO", raising=False)
    repo = "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/"
    assert (
        embedding.GloVe._get_pretrained_file_url("glove.6B.50d.txt")
        == repo + "gluon/embeddings/glove/glove.6B.zip"
    )
    assert (
        embedding.GloVe._get_pretrained_file_url("glove.twitter.27B.25d.txt")
        == repo + "gluon/embeddings/glove/glove.twitter.27B.zip"
    )
    assert (
        embedding.FastText._get_pretrained_file_url("wiki.simple.vec")
        == repo + "gluon/embeddings/fasttext/wiki.simple.zip"
    )
    monkeypatch.setenv("MXNET_GLUON_REPO", "http://127.0.0.1:9")
    assert (
        embedding.FastText._get_pretrained_file_url("crawl-300d-2M.vec")
        == "http://127.0.0.1:9/gluon/embeddings/fasttext/crawl-300d-2M.zip"
    )


def test_default_embedding_root_is_mxnet_home_embeddings(tmp_path):
    code = (
        "import inspect; from gluonlite.contrib.text import embedding as E; "
        'print(inspect.signature(E.GloVe).parameters["embedding_root"].default); '
        'print(inspect.signature(E.FastText).parameters["embedding_root"].default)'
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=child_env(MXNET_HOME=str(tmp_path)),
        cwd=GLUONLITE_HOME,
        check=True,
    ).stdout
    expected = os.path.join(str(tmp_path), "embeddings")
    assert out.split("\n")[:2] == [expected, expected]
    assert (
        inspect.signature(embedding.GloVe).parameters["pretrained_file_name"].default
        == "glove.840B.300d.txt"
    )
    assert (
        inspect.signature(embedding.FastText).parameters["pretrained_file_name"].default
        == "wiki.simple.vec"
    )


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _serve_pretrained(server, monkeypatch, cls, archive_name, member, content):
    """Serve a zip holding ``member`` where ``cls`` looks for ``archive_name``; point the repo
    URL at the server and ``cls``'s SHA-1 tables at the served bytes. Returns the archive."""
    url, served = server
    folder = served / "gluon" / "embeddings" / cls.__name__.lower()
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / archive_name, "w") as archive:
        archive.writestr(member, content)
    archive = (folder / archive_name).read_bytes()
    monkeypatch.setenv("MXNET_GLUON_REPO", url)
    monkeypatch.setitem(cls.pretrained_file_name_sha1, member, _sha1(content.encode()))
    monkeypatch.setitem(cls.pretrained_archive_name_sha1, archive_name, _sha1(archive))
    return archive


def test_glove_downloads_and_unpacks_a_missing_file_once(server, tmp_path, monkeypatch, capsys):
    _serve_pretrained(
        server,
        monkeypatch,
        embedding.GloVe,
        "glove.6B.zip",
        "glove.6B.50d.txt",
        "the 1 2\nof 3 4\n",
    )
    root = tmp_path / "embeddings"
    glove = embedding.create(
        "glove", pretrained_file_name="glove.6B.50d.txt", embedding_root=str(root)
    )
    assert Handler.requests == ["/gluon/embeddings/glove/glove.6B.zip"]
    assert sorted(os.listdir(root / "glove")) == ["glove.6B.50d.txt", "glove.6B.zip"]
    assert glove.idx_to_token == ["<unk>", "the", "of"]
    np.testing.assert_array_equal(glove.idx_to_vec.asnumpy(), _f32([[0, 0], [1, 2], [3, 4]]))
    assert "Downloading" in capsys.readouterr().out
    again = embedding.GloVe(
        "glove.6B.50d.txt",
        embedding_root=str(root),
        vocabulary=vocab.Vocabulary(collections.Counter(["of"])),
    )
    assert Handler.requests == ["/gluon/embeddings/glove/glove.6B.zip"]  # no second fetch
    assert again.idx_to_token == ["<unk>", "of"]
    np.testing.assert_array_equal(again.idx_to_vec.asnumpy(), _f32([[0, 0], [3, 4]]))
    # a damaged file is unpacked again from the kept archive, whose hash still matches
    (root / "glove" / "glove.6B.50d.txt").write_text("the 5 5\n")
    repaired = embedding.GloVe("glove.6B.50d.txt", embedding_root=str(root))
    assert Handler.requests == ["/gluon/embeddings/glove/glove.6B.zip"]
    np.testing.assert_array_equal(repaired.idx_to_vec.asnumpy(), _f32([[0, 0], [1, 2], [3, 4]]))


def test_fasttext_download_with_a_wrong_hash_is_refused(server, tmp_path, monkeypatch):
    archive = _serve_pretrained(
        server,
        monkeypatch,
        embedding.FastText,
        "wiki.simple.zip",
        "wiki.simple.vec",
        "2 2\nthe 1 2\nof 3 4\n",
    )
    monkeypatch.setitem(
        embedding.FastText.pretrained_archive_name_sha1, "wiki.simple.zip", "0" * 40
    )
    root = tmp_path / "embeddings"
    with pytest.raises(UserWarning, match="content hash does not match"):
        embedding.FastText(embedding_root=str(root))
    assert os.listdir(root / "fasttext") == []
    monkeypatch.setitem(
        embedding.FastText.pretrained_archive_name_sha1, "wiki.simple.zip", _sha1(archive)
    )
    with pytest.warns(UserWarning, match="likely a header"):
        fasttext = embedding.FastText(embedding_root=str(root), init_unknown_vec=nd.ones)
    assert fasttext.idx_to_token == ["<unk>", "the", "of"]
    np.testing.assert_array_equal(fasttext.idx_to_vec.asnumpy(), _f32([[1, 1], [1, 2], [3, 4]]))


def test_archive_without_the_expected_file_names_both(server, tmp_path, monkeypatch):
    _serve_pretrained(server, monkeypatch, embedding.GloVe, "glove.6B.zip", "other.txt", "a 1\n")
    url = server[0]
    root = tmp_path / "embeddings"
    with pytest.raises(ValueError) as info:
        embedding.GloVe("glove.6B.100d.txt", embedding_root=str(root))
    assert str(info.value) == (
        "The archive %s downloaded from %sgluon/embeddings/glove/glove.6B.zip does not contain "
        "the pre-trained token embedding file glove.6B.100d.txt."
        % (os.path.join(str(root), "glove", "glove.6B.zip"), url)
    )


def test_subclass_downloads_a_plain_file_or_a_tar_gz_archive(server, tmp_path, monkeypatch):
    url, served = server
    monkeypatch.setenv("MXNET_GLUON_REPO", url)
    content = b"x 1 2\n"
    folder = served / "gluon" / "embeddings" / "plainembed"
    folder.mkdir(parents=True)
    (folder / "plain.txt").write_bytes(content)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        member = tarfile.TarInfo("packed.txt")
        member.size = len(content)
        archive.addfile(member, io.BytesIO(content))
    (folder / "packed.tar.gz").write_bytes(buffer.getvalue())

    class PlainEmbed(embedding.TokenEmbedding):  # no archive table: the file itself is fetched
        pretrained_file_name_sha1 = {"plain.txt": _sha1(content), "packed.txt": _sha1(content)}

        @classmethod
        def _get_download_file_name(cls, pretrained_file_name):
            return "packed.tar.gz" if pretrained_file_name == "packed.txt" else pretrained_file_name

    root = tmp_path / "embeddings"
    assert PlainEmbed._get_pretrained_file(str(root), "plain.txt") == os.path.join(
        str(root), "plainembed", "plain.txt"
    )
    PlainEmbed.pretrained_archive_name_sha1 = {"packed.tar.gz": _sha1(buffer.getvalue())}
    path = PlainEmbed._get_pretrained_file(str(root), "packed.txt")
    assert open(path, "rb").read() == content
    assert Handler.requests == [
        "/gluon/embeddings/plainembed/plain.txt",
        "/gluon/embeddings/plainembed/packed.tar.gz",
    ]


# ---------------------------------------------------------------- import paths


def test_contrib_text_is_reachable_from_the_top_level_module():
    assert mx.contrib.text is text
    assert text.vocab.Vocabulary is vocab.Vocabulary
    assert text.embedding.TokenEmbedding is embedding._TokenEmbedding


def test_d2l_import_line_works_in_a_fresh_process():
    code = (
        "from gluonlite import autograd, gluon, image, init, nd; "
        "from gluonlite.contrib import text; "
        "from gluonlite.gluon import data as gdata, loss as gloss, nn, utils as gutils; "
        "print(text.embedding.CustomEmbedding.__name__, gdata.DataLoader.__name__, "
        "gloss.L2Loss.__name__, nn.Dense.__name__, gutils.download.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=GLUONLITE_HOME,
        check=True,
    ).stdout
    assert out == "CustomEmbedding DataLoader L2Loss Dense download\n"
