"""Concise linear regression: d2l.ai's "Concise Implementation of Linear Regression" in the
NumPy interface, with Gluon's data pipeline, ``nn.Dense``, ``gluon.loss.L2Loss`` and
``gluon.Trainer``.

The data and the initial weights come from a seeded NumPy generator (the weights drawn by
``init.Normal`` are overwritten with ``set_data``), and the DataLoader shuffles with NumPy's
global generator, seeded here, so the losses are the same on every framework.

Run:  python examples/tutorials/d2l_np_linreg_concise.py
"""

import numpy as onp

from gluonlite import autograd, gluon, init, np, npx
from gluonlite.gluon import nn

npx.set_np()
rng = onp.random.RandomState(42)
onp.random.seed(0)  # the DataLoader's shuffling


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


# --- Reading the dataset ---------------------------------------------------------------------
def load_array(data_arrays, batch_size, is_train=True):
    """Construct a Gluon data iterator."""
    dataset = gluon.data.ArrayDataset(*data_arrays)
    return gluon.data.DataLoader(dataset, batch_size, shuffle=is_train)


batch_size = 10
data_iter = load_array((features, labels), batch_size)
X, y = next(iter(data_iter))
print(type(X).__name__, X.shape, y.shape)

# --- Defining the model ----------------------------------------------------------------------
net = nn.Sequential()
net.add(nn.Dense(1))

# --- Initializing model parameters -----------------------------------------------------------
net.initialize(init.Normal(sigma=0.01))
net(X)  # the weight's shape is known after the first forward pass
print(net)
print(net[0].weight.shape, net[0].bias.shape)
net[0].weight.set_data(np.array(rng.normal(0, 0.01, (1, 2)).astype("float32")))
print(net[0].weight.data(), net[0].bias.data())

# --- Loss function and optimization algorithm ------------------------------------------------
loss = gluon.loss.L2Loss()
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.03})

# --- Training --------------------------------------------------------------------------------
num_epochs = 3
for epoch in range(num_epochs):
    for X, y in data_iter:
        with autograd.record():
            l_batch = loss(net(X), y)
        l_batch.backward()
        trainer.step(batch_size)
    l_batch = loss(net(features), labels)
    print(f"epoch {epoch + 1}, loss {float(l_batch.mean()):f}")

w = net[0].weight.data()
print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
b = net[0].bias.data()
print(f"error in estimating b: {true_b - b}")
print("close to the truth:", float(np.abs(true_w - w.reshape(true_w.shape)).max()) < 0.01)
print(net[0].weight.grad().shape)
