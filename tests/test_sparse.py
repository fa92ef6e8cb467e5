"""Row-sparse and CSR arrays (nd.sparse): structure, conversions, autograd through them,
lazy optimizer updates on the stored rows, and row-sparse Parameters with their Trainer."""

import pickle

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.base import MXNetError
from gluonlite.ndarray import sparse


def _host():
    return np.array(
        [[0, 1.5, 0, 0], [0, 0, 0, 0], [2, 0, 0, -3], [0, 0, 0, 0], [0, 0, 4, 0]], np.float32
    )


# ---- structure --------------------------------------------------------------------------------


def test_tostype_gives_mxnet_structure_and_values():
    host = _host()
    rsp = nd.array(host).tostype("row_sparse")
    assert isinstance(rsp, sparse.RowSparseNDArray) and rsp.stype == "row_sparse"
    np.testing.assert_array_equal(rsp.indices.asnumpy(), [0, 2, 4])
    assert rsp.indices.dtype == np.int64
    np.testing.assert_array_equal(rsp.data.asnumpy(), host[[0, 2, 4]])
    np.testing.assert_array_equal(rsp.asnumpy(), host)
    csr = nd.array(host).tostype("csr")
    assert isinstance(csr, sparse.CSRNDArray) and csr.stype == "csr"
    np.testing.assert_array_equal(csr.indptr.asnumpy(), [0, 1, 1, 3, 3, 4])
    np.testing.assert_array_equal(csr.indices.asnumpy(), [1, 0, 3, 2])
    np.testing.assert_array_equal(csr.data.asnumpy(), [1.5, 2, -3, 4])
    back = csr.tostype("default")
    assert type(back) is nd.NDArray and back.stype == "default"
    np.testing.assert_array_equal(back.asnumpy(), host)
    assert rsp.tostype("csr").stype == "csr"
    x = nd.ones((2, 2))
    assert x.tostype("default") is x


def test_repr_is_mxnets():
    assert repr(nd.zeros((4, 5), stype="row_sparse")) == "\n<RowSparseNDArray 4x5 @cpu(0)>"
    assert str(nd.zeros((2, 3), stype="csr")) == "\n<CSRNDArray 2x3 @cpu(0)>"


def test_row_sparse_array_keeps_explicitly_stored_zero_rows():
    rsp = sparse.row_sparse_array(([[0, 0], [1, 2]], [3, 1]), shape=(5, 2))
    np.testing.assert_array_equal(rsp.indices.asnumpy(), [1, 3])
    np.testing.assert_array_equal(rsp.data.asnumpy(), [[1, 2], [0, 0]])
    assert rsp.dtype == np.float32
    expected = np.zeros((5, 2), np.float32)
    expected[1] = [1, 2]
    np.testing.assert_array_equal(rsp.asnumpy(), expected)
    # the structure survives copies, casts, moves and detach
    for other in (rsp.copy(), rsp.astype("float64"), rsp.copyto(mx.cpu(1)), rsp.detach()):
        assert other.stype == "row_sparse"
        np.testing.assert_array_equal(other.indices.asnumpy(), [1, 3])
    assert rsp.copyto(mx.cpu(1)).context == mx.cpu(1)
    restored = pickle.loads(pickle.dumps(rsp))
    np.testing.assert_array_equal(restored.indices.asnumpy(), [1, 3])


def test_row_sparse_array_refuses_bad_parts_naming_them():
    with pytest.raises(IndexError, match="row index 7 is out of range for 5 rows"):
        sparse.row_sparse_array(([[1.0]], [7]), shape=(5, 1))
    with pytest.raises(ValueError, match="indices must not repeat"):
        sparse.row_sparse_array(([[1.0], [2.0]], [1, 1]), shape=(5, 1))
    with pytest.raises(ValueError, match=r"data of shape \(2, 3\) does not hold 2 rows of shape"):
        sparse.row_sparse_array((np.ones((2, 3)), [0, 1]), shape=(5, 2))
    with pytest.raises(ValueError, match="shape is required"):
        sparse.row_sparse_array(([[1.0]], [0]))


def test_csr_matrix_from_parts_coo_and_dense():
    a = sparse.csr_matrix(([1.0, 2.0, 3.0], [0, 2, 1], [0, 2, 2, 3]), shape=(3, 3))
    np.testing.assert_array_equal(a.asnumpy(), [[1, 0, 2], [0, 0, 0], [0, 3, 0]])
    # COO: duplicates sum, as scipy's constructor does; an explicit zero stays stored
    b = sparse.csr_matrix(([1.0, 2.0, 0.0], ([0, 0, 1], [1, 1, 0])), shape=(2, 2))
    np.testing.assert_array_equal(b.asnumpy(), [[0, 3], [0, 0]])
    np.testing.assert_array_equal(b.indptr.asnumpy(), [0, 1, 2])
    np.testing.assert_array_equal(b.indices.asnumpy(), [1, 0])
    np.testing.assert_array_equal(b.data.asnumpy(), [3, 0])
    c = sparse.csr_matrix(_host())
    np.testing.assert_array_equal(c.indptr.asnumpy(), [0, 1, 1, 3, 3, 4])
    z = sparse.csr_matrix((2, 4))
    assert z.shape == (2, 4) and z.data.shape == (0,)


def test_csr_matrix_refuses_bad_parts_naming_them():
    with pytest.raises(ValueError, match="indptr must start at 0"):
        sparse.csr_matrix(([1.0], [0], [1, 1]), shape=(1, 2))
    with pytest.raises(ValueError, match="1 values and 1 column indices, but indptr ends at 2"):
        sparse.csr_matrix(([1.0], [0], [0, 2]), shape=(1, 2))
    with pytest.raises(IndexError, match="column index 5 is out of range for 2 columns"):
        sparse.csr_matrix(([1.0], [5], [0, 1]), shape=(1, 2))
    with pytest.raises(MXNetError, match="csr storage needs a 2-D array"):
        nd.ones((2, 2, 2)).tostype("csr")
    with pytest.raises(MXNetError, match="unknown storage type 'coo'"):
        nd.ones((2, 2)).tostype("coo")


def test_csr_row_slices_stay_csr():
    csr = nd.array(_host()).tostype("csr")
    part = csr[2:5]
    assert isinstance(part, sparse.CSRNDArray)
    np.testing.assert_array_equal(part.asnumpy(), _host()[2:5])
    np.testing.assert_array_equal(part.indptr.asnumpy(), [0, 2, 2, 3])
    np.testing.assert_array_equal(csr[-1].asnumpy(), _host()[4:5])
    with pytest.raises(IndexError, match="index 9 is out of bounds"):
        csr[9]
    with pytest.raises(MXNetError, match="integer or a contiguous row slice"):
        csr[::2]
    parts = gluon.utils.split_and_load(csr[0:4], [mx.cpu(0), mx.cpu(1)])
    assert [type(p).__name__ for p in parts] == ["CSRNDArray", "CSRNDArray"]
    assert parts[1].context == mx.cpu(1)
    np.testing.assert_array_equal(parts[1].asnumpy(), _host()[2:4])


def test_retain_stores_the_asked_rows():
    rsp = nd.array(_host()).tostype("row_sparse")
    kept = sparse.retain(rsp, nd.array([4, 1, 0]))
    np.testing.assert_array_equal(kept.indices.asnumpy(), [0, 1, 4])  # row 1: a stored zero
    expected = np.zeros_like(_host())
    expected[[0, 4]] = _host()[[0, 4]]
    np.testing.assert_array_equal(kept.asnumpy(), expected)
    np.testing.assert_array_equal(rsp.retain([2]).indices.asnumpy(), [2])
    with pytest.raises(MXNetError, match="retain: data must be a RowSparseNDArray"):
        sparse.retain(nd.ones((2, 2)), nd.array([0]))
    with pytest.raises(IndexError, match="row id 9 is out of range for 5 rows"):
        sparse.retain(rsp, [9])


def test_whole_assignment_and_refused_partial_assignment():
    rsp = sparse.row_sparse_array(([[1.0, 1.0]], [1]), shape=(3, 2))
    rsp[:] = nd.array([[0, 0], [0, 0], [5, 5]])
    np.testing.assert_array_equal(rsp.indices.asnumpy(), [2])
    rsp[:] = 2
    np.testing.assert_array_equal(rsp.indices.asnumpy(), [0, 1, 2])
    with pytest.raises(MXNetError, match=r"assignment to the whole array .* got key 1"):
        rsp[1] = 3
    with pytest.raises(MXNetError, match="only supports x\\[:\\] for reading"):
        rsp[1]


def test_zeros_and_empty_of_sparse_types():
    for make in (nd.zeros, nd.empty):
        z = make((3, 2), stype="row_sparse")
        assert z.stype == "row_sparse" and z.indices.shape == (0,) and z.data.shape == (0, 2)
    z = sparse.zeros("csr", (2, 3), dtype="float64")
    assert z.dtype == np.float64 and z.indptr.asnumpy().tolist() == [0, 0, 0]
    assert nd.ones((2, 2), stype="csr").indices.asnumpy().tolist() == [0, 1, 0, 1]
    with pytest.raises(MXNetError, match="zeros: unknown storage type 'dense'"):
        sparse.zeros("dense", (2,))


# ---- operators and autograd ---------------------------------------------------------------


def test_dense_operators_take_sparse_inputs_and_gradients_flow():
    host = _host().astype(np.float64)
    for stype in ("row_sparse", "csr"):
        x = nd.array(host, dtype="float64").tostype(stype)
        x.attach_grad()
        with autograd.record():
            y = (nd.exp(x) * x + x / 2).sum()
        y.backward()
        assert x.grad.stype == stype
        np.testing.assert_allclose(x.grad.asnumpy(), np.exp(host) * (1 + host) + 0.5, rtol=1e-12)


def test_dot_of_csr_gives_mxnets_output_storage_and_gradient():
    rng = np.random.RandomState(0)
    lhs_host = (rng.rand(3, 6) < 0.4) * rng.rand(3, 6)
    lhs = nd.array(lhs_host, dtype="float64").tostype("csr")
    rhs_host = rng.rand(6, 2)
    for rhs in (
        nd.array(rhs_host, dtype="float64").tostype("row_sparse"),
        nd.array(rhs_host, dtype="float64"),
    ):
        rhs.attach_grad(stype="row_sparse")
        with autograd.record():
            y = nd.dot(lhs, rhs)
        assert y.stype == "default"
        np.testing.assert_allclose(y.asnumpy(), lhs_host @ rhs_host, rtol=1e-12)
        y.backward()
        assert rhs.grad.stype == "row_sparse"
        np.testing.assert_allclose(rhs.grad.asnumpy(), lhs_host.T @ np.ones((3, 2)), rtol=1e-12)
    product = sparse.dot(lhs, nd.array(rng.rand(3, 2), dtype="float64"), transpose_a=True)
    assert product.stype == "row_sparse"
    assert nd.dot(lhs, nd.array(rhs_host, dtype="float64"), forward_stype="csr").stype == "csr"


def test_attach_grad_storage_types():
    for array_stype in ("default", "row_sparse", "csr"):
        for grad_stype in (None, "default", "row_sparse", "csr"):
            x = nd.zeros((2, 2), stype=array_stype)
            x.attach_grad(stype=grad_stype)
            assert x.grad.stype == (grad_stype or array_stype)
            assert x.detach().stype == array_stype
    with pytest.raises(ValueError, match="stype must be 'default', 'row_sparse' or 'csr'"):
        nd.zeros((2,)).attach_grad(stype="coo")
    # a buffer given to mark_variables carries its own storage type
    x, g = nd.ones((3, 2)), nd.zeros((3, 2), stype="row_sparse")
    autograd.mark_variables([x], [g])
    assert x.grad.stype == "row_sparse"
    autograd.mark_variables([x], [nd.zeros((3, 2))])
    assert x.grad.stype == "default"


# ---- lazy optimizer updates -----------------------------------------------------------------


def _rsp_grad(shape, rows, value=1.0):
    data = np.full((len(rows),) + shape[1:], value, np.float32)
    return sparse.row_sparse_array((data, rows), shape=shape)


def test_lazy_sgd_touches_only_the_stored_rows():
    w0 = np.random.RandomState(1).rand(4, 3).astype(np.float32)
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.05)
    weight = nd.array(w0)
    state = opt.create_state(0, weight)
    opt.update(0, weight, _rsp_grad((4, 3), [0, 2]), state)
    expected = w0.copy()
    mom = -0.1 * 0.05 * w0[[0, 2]] - 0.1 * 1.0
    expected[[0, 2]] = w0[[0, 2]] + mom
    np.testing.assert_allclose(weight.asnumpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(state.asnumpy()[[1, 3]], 0)
    # lazy_update=False: every row decays, as for a dense gradient
    opt = mx.optimizer.SGD(learning_rate=0.1, wd=0.05, lazy_update=False)
    weight = nd.array(w0)
    opt.update(0, weight, _rsp_grad((4, 3), [0, 2]), None)
    dense = (1 - 0.1 * 0.05) * w0
    dense[[0, 2]] -= 0.1
    np.testing.assert_allclose(weight.asnumpy(), dense, rtol=1e-6)
    # a row-sparse weight keeps its storage type and its momentum is row-sparse too
    weight = nd.array(w0).tostype("row_sparse")
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9)
    state = opt.create_state(0, weight)
    assert state.stype == "row_sparse"
    opt.update(0, weight, _rsp_grad((4, 3), []), state)  # nothing stored: nothing changes
    np.testing.assert_array_equal(weight.asnumpy(), w0)
    assert weight.stype == "row_sparse"


@pytest.mark.parametrize("name", ["adam", "adagrad", "ftrl"])
def test_lazy_adaptive_updates_match_a_dense_update_of_the_stored_rows(name):
    w0 = np.random.RandomState(2).rand(5, 2).astype(np.float32)
    rows = [1, 4]
    lazy, ref = mx.optimizer.create(name), mx.optimizer.create(name)
    weight, sub = nd.array(w0), nd.array(w0[rows])
    lazy_state, ref_state = lazy.create_state(0, weight), ref.create_state(0, sub)
    lazy.update(0, weight, _rsp_grad((5, 2), rows, 0.5), lazy_state)
    ref.update(0, sub, nd.full((2, 2), 0.5), ref_state)
    expected = w0.copy()
    expected[rows] = sub.asnumpy()
    np.testing.assert_allclose(weight.asnumpy(), expected, rtol=1e-6)


# ---- row-sparse Parameters and the Trainer ----------------------------------------------------


def test_row_sparse_parameter_access_rules():
    p = gluon.Parameter("weight", shape=(6, 2), stype="row_sparse", grad_stype="row_sparse")
    p.initialize(init="xavier", ctx=[mx.cpu(0), mx.cpu(1)])
    with pytest.raises(RuntimeError, match="Parameter 'weight' on ctx None via data\\(\\)"):
        p.data()
    with pytest.raises(RuntimeError, match="via list_data\\(\\) because its storage type"):
        p.list_data()
    with pytest.raises(RuntimeError, match="when no Trainer is created with it"):
        p.row_sparse_data(nd.arange(0, 6))
    with pytest.raises(TypeError, match="row_id must have NDArray type"):
        gluon.Trainer([p], "sgd") and p.row_sparse_data([0, 1])
    assert [g.stype for g in p.list_grad()] == ["row_sparse", "row_sparse"]
    assert p.var().attr("__storage_type__") == "1"
    dense = gluon.Parameter("dense", shape=(2,))
    dense.initialize()
    with pytest.raises(RuntimeError, match="storage type is default. Please use data"):
        dense.row_sparse_data(nd.array([0]))
    with pytest.raises(AssertionError, match="stype for Parameter 'bad' must be one of"):
        gluon.Parameter("bad", stype="coo")
    with pytest.raises(RuntimeError, match="More than one trainers for a row_sparse Parameter"):
        gluon.Trainer([p], "sgd")


def test_row_sparse_data_pulls_the_asked_rows_from_the_store():
    x = gluon.Parameter("x", shape=(4, 2), stype="row_sparse")
    x.initialize(init="xavier", ctx=[mx.cpu(1), mx.cpu(2)])
    gluon.Trainer([x], "sgd")
    full = x._data[0].copy()
    part = x.row_sparse_data(nd.array([0, 1], ctx=mx.cpu(1)))
    assert part.context == mx.cpu(1) and part.stype == "row_sparse"
    np.testing.assert_array_equal(part.indices.asnumpy(), [0, 1])
    expected = full.asnumpy().copy()
    expected[2:] = 0
    np.testing.assert_array_equal(part.asnumpy(), expected)
    both = x.list_row_sparse_data(nd.arange(0, 4))
    for arr in both:
        np.testing.assert_array_equal(arr.asnumpy(), full.asnumpy())


@pytest.mark.parametrize("kv", ["local", "device"])
def test_trainer_updates_row_sparse_weights_on_the_store(kv):
    x = gluon.Parameter("x", shape=(6, 1), stype="row_sparse", grad_stype="row_sparse")
    x.initialize(ctx=[mx.cpu(0), mx.cpu(1)], init="zeros")
    trainer = gluon.Trainer([x], "sgd", {"learning_rate": 0.1}, kvstore=kv)
    rows = nd.array([1, 3])
    with autograd.record():
        for w in x.list_row_sparse_data(rows):
            (w * 2).backward()
    trainer.step(1)
    assert trainer._update_on_kvstore is True and trainer._kvstore.type == kv
    # both contexts' gradients (2 each) are summed on the store: -0.1 * 4 on every row
    np.testing.assert_allclose(x.row_sparse_data(nd.arange(0, 6)).asnumpy(), -0.4)
    bad = gluon.Parameter("y", shape=(2, 1), stype="row_sparse")
    bad.initialize(ctx=[mx.cpu(0)])
    trainer = gluon.Trainer([bad], "sgd", kvstore=kv, update_on_kvstore=False)
    with pytest.raises(ValueError, match="Cannot set update_on_kvstore=False when sparse"):
        trainer.step(1)


def test_embedding_sparse_grad_updates_only_the_looked_up_rows():
    layer = gluon.nn.Embedding(8, 3, sparse_grad=True)
    layer.initialize(init="ones")
    trainer = gluon.Trainer(layer.collect_params(), "sgd", {"learning_rate": 0.5, "wd": 0.1})
    with autograd.record():
        loss = layer(nd.array([[1, 5], [5, 6]])).sum()
    loss.backward()
    grad = layer.weight.grad()
    assert grad.stype == "row_sparse"
    np.testing.assert_array_equal(grad.indices.asnumpy(), [1, 5, 6])
    np.testing.assert_array_equal(grad.data.asnumpy()[:, 0], [1, 2, 1])
    trainer.step(1)
    expected = np.ones((8, 3), np.float32)
    counts = np.array([0, 1, 0, 0, 0, 2, 1, 0], np.float32)[:, None]
    touched = counts[:, 0] > 0
    expected[touched] = (1 - 0.5 * 0.1) * 1 - 0.5 * counts[touched]  # untouched rows: no decay
    np.testing.assert_allclose(layer.weight.data().asnumpy(), expected, rtol=1e-6, atol=1e-6)


def test_symbol_sparse_namespace_builds_the_same_nodes():
    data = mx.sym.var("data", stype="csr")
    weight = mx.sym.var("weight", stype="row_sparse")
    out = mx.sym.sparse.dot(data, weight, name="product")
    assert out.tojson() == mx.sym.dot(data, weight, name="product").tojson()
    assert mx.sym.sparse.dot is mx.sym.dot
    assert weight.attr("__storage_type__") == "1"


def test_asscipy_and_scipy_input_round_trip():
    spsp = pytest.importorskip("scipy.sparse")
    csr = nd.array(_host()).tostype("csr")
    mat = csr.asscipy()
    assert isinstance(mat, spsp.csr_matrix)
    np.testing.assert_array_equal(mat.toarray(), _host())
    back = sparse.csr_matrix(mat)
    np.testing.assert_array_equal(back.indptr.asnumpy(), mat.indptr)
    np.testing.assert_array_equal(sparse.array(mat).asnumpy(), _host())
