"""Data manipulation and automatic differentiation: d2l.ai's preliminaries chapter (sections
"Data Manipulation" and "Automatic Differentiation") in the NumPy interface, as the English book
writes it (``from mxnet import autograd, np, npx``; ``npx.set_np()``).

Values drawn from the random generator are printed as shapes or comparisons only, so the output
is the same on every framework and every seed.

Run:  python examples/tutorials/d2l_np_ndarray_autograd.py
"""

from gluonlite import autograd, np, npx

npx.set_np()

# --- Getting started -------------------------------------------------------------------------
x = np.arange(12)
print(x)
print(x.shape, x.size)
X = x.reshape(3, 4)
print(X)
print(x.reshape(-1, 4).shape, x.reshape(3, -1).shape)
print(np.zeros((2, 3, 4)))
print(np.ones((2, 3, 4)))
print(np.random.normal(0, 1, size=(3, 4)).shape)
print(np.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]))

# --- Operations ------------------------------------------------------------------------------
x = np.array([1, 2, 4, 8])
y = np.array([2, 2, 2, 2])
print(x + y, x - y, x * y, x / y, x**y)
print(np.exp(x))
X = np.arange(12).reshape(3, 4)
Y = np.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(np.concatenate([X, Y], axis=0))
print(np.concatenate([X, Y], axis=1))
print(X == Y)
print(X.sum())
print(X.sum(axis=0), X.sum(axis=1, keepdims=True).shape, X.mean())

# --- Broadcasting ----------------------------------------------------------------------------
a = np.arange(3).reshape(3, 1)
b = np.arange(2).reshape(1, 2)
print(a)
print(b)
print(a + b)

# --- Indexing and slicing --------------------------------------------------------------------
print(X[-1], X[1:3])
X[1, 2] = 9
print(X)
X[0:2, :] = 12
print(X)
print(X[:, 1], X[X > 10].shape, X[[0, 2], [1, 3]])

# --- Saving memory ---------------------------------------------------------------------------
before = id(Y)
Y = Y + X
print(id(Y) == before)
Z = np.zeros_like(Y)
z_id = id(Z)
Z[:] = X + Y
print("id(Z) unchanged:", id(Z) == z_id)
before = id(X)
X += Y
print(id(X) == before)

# --- Conversion to other Python objects ------------------------------------------------------
A = X.asnumpy()
B = np.array(A)
print(type(A), type(B))
a = np.array([3.5])
print(a, a.item(), float(a), int(a))

# --- Automatic differentiation: a simple function --------------------------------------------
x = np.arange(4.0)
print(x)
x.attach_grad()
print(x.grad)
with autograd.record():
    y = 2 * np.dot(x, x)
print(y)
y.backward()
print(x.grad)
print(x.grad == 4 * x)
with autograd.record():
    y = x.sum()
y.backward()
print(x.grad)

# --- Backward for non-scalar variables -------------------------------------------------------
# backward() on a vector sums it first: the gradient of sum(x * x).
with autograd.record():
    y = x * x
y.backward()
print(x.grad)

# --- Detaching computation -------------------------------------------------------------------
with autograd.record():
    y = x * x
    u = y.detach()
    z = u * x
z.backward()
print(x.grad == u)
y.backward()
print(x.grad == 2 * x)


# --- Gradients of Python control flow --------------------------------------------------------
def f(a):
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = np.random.normal()
a.attach_grad()
with autograd.record():
    d = f(a)
d.backward()
print(a.shape, a.grad.shape)
# d is a.grad * a, up to float32 rounding
print(np.abs(a.grad - d / a) <= 1e-6 * np.abs(a.grad))

a = np.array(-0.25)
a.attach_grad()
with autograd.record():
    d = f(a)
d.backward()
print(d, a.grad)
