"""Linear regression from scratch: d2l.ai's "Linear Regression Implementation from Scratch" in
the NumPy interface (``from mxnet import autograd, np, npx``; ``npx.set_np()``), with the few
helpers the section takes from the ``d2l`` package written out here.

The data and the initial weights come from a seeded NumPy generator (not the framework's), and
minibatches are shuffled by Python's ``random`` module, so the losses are the same on every
framework.

Run:  python examples/tutorials/d2l_np_linreg_scratch.py
"""

import random

import numpy as onp

from gluonlite import autograd, np, npx

npx.set_np()
rng = onp.random.RandomState(42)
random.seed(0)


# --- Generating the dataset ------------------------------------------------------------------
def synthetic_data(w, b, num_examples):
    """Generate y = Xw + b + noise."""
    X = np.array(rng.normal(0, 1, (num_examples, len(w))).astype("float32"))
    y = np.dot(X, w) + b
    y += np.array(rng.normal(0, 0.01, y.shape).astype("float32"))
    return X, y.reshape((-1, 1))


true_w = np.array([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
print("features:", features[0], "\nlabel:", labels[0])
print(features.shape, labels.shape)


# --- Reading the dataset ---------------------------------------------------------------------
def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    # The examples are read at random, in no particular order
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = np.array(indices[i : min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


batch_size = 10
for X, y in data_iter(batch_size, features, labels):
    print(X.shape, y.shape)
    print(X[0], y[0])
    break

# --- Initializing model parameters -----------------------------------------------------------
w = np.array(rng.normal(0, 0.01, (2, 1)).astype("float32"))
b = np.zeros(1)
w.attach_grad()
b.attach_grad()
print(w.T, b)


# --- Defining the model, the loss function and the optimization algorithm -------------------
def linreg(X, w, b):
    """The linear regression model."""
    return np.dot(X, w) + b


def squared_loss(y_hat, y):
    """Squared loss."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    for param in params:
        param[:] = param - lr * param.grad / batch_size


# --- Training --------------------------------------------------------------------------------
lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss

for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        with autograd.record():
            l_batch = loss(net(X, w, b), y)  # Minibatch loss in `X` and `y`
        # Because `l_batch` has a shape (`batch_size`, 1) and is not a scalar
        # variable, the elements in `l_batch` are added together to obtain a new
        # variable, on which gradients with respect to [`w`, `b`] are computed
        l_batch.backward()
        sgd([w, b], lr, batch_size)  # Update parameters using their gradient
    train_l = loss(net(features, w, b), labels)
    print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")

print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
print(f"error in estimating b: {true_b - b}")
print("close to the truth:", float(np.abs(true_w - w.reshape(true_w.shape)).max()) < 0.01)
