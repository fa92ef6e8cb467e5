"""Multilayer perceptrons: d2l.ai's "Implementation of Multilayer Perceptrons from Scratch" and
"Concise Implementation of Multilayer Perceptrons" in the NumPy interface, trained on
scikit-learn's 8x8 digits (64 features, 10 classes) instead of Fashion-MNIST, so nothing is
downloaded.

The initial weights come from a seeded NumPy generator (``set_data`` overwrites what the
framework's initializer drew) and the DataLoader shuffles with NumPy's global generator,
seeded here, so the training curves are the same on every framework.

Run:  python examples/tutorials/d2l_np_mlp.py
"""

import numpy as onp
from sklearn.datasets import load_digits

from gluonlite import autograd, gluon, init, np, npx
from gluonlite.gluon import nn

npx.set_np()
rng = onp.random.RandomState(7)
onp.random.seed(0)  # the DataLoader's shuffling

# --- The dataset: 1500 digits to train on, 297 to test on ------------------------------------
digits = load_digits()
images = (digits.data / 16.0).astype("float32")
targets = digits.target.astype("int32")
train_set = gluon.data.ArrayDataset(np.array(images[:1500]), np.array(targets[:1500]))
test_set = gluon.data.ArrayDataset(np.array(images[1500:]), np.array(targets[1500:]))
batch_size = 100
train_iter = gluon.data.DataLoader(train_set, batch_size, shuffle=True)
test_iter = gluon.data.DataLoader(test_set, batch_size, shuffle=False)
print(len(train_set), len(test_set), len(train_iter), len(test_iter))


# --- Helpers from d2l ------------------------------------------------------------------------
class Accumulator:
    """For accumulating sums over `n` variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    return float(cmp.astype(y.dtype).sum())


def evaluate_accuracy(net, data_iter):
    """Compute the accuracy for a model on a dataset."""
    metric = Accumulator(2)  # No. of correct predictions, no. of predictions
    for X, y in data_iter:
        metric.add(accuracy(net(X), y), y.size)
    return metric[0] / metric[1]


def train_epoch_ch3(net, train_iter, loss, updater):
    """Train a model within one epoch."""
    metric = Accumulator(3)  # Sum of training loss, sum of training accuracy, no. of examples
    for X, y in train_iter:
        with autograd.record():
            y_hat = net(X)
            l_batch = loss(y_hat, y)
        l_batch.backward()
        updater(X.shape[0])
        metric.add(float(l_batch.sum()), accuracy(y_hat, y), y.size)
    return metric[0] / metric[2], metric[1] / metric[2]


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
    """Train a model, printing the training loss and accuracies after each epoch."""
    for epoch in range(num_epochs):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        print(
            f"epoch {epoch + 1}, loss {train_loss:.6f}, "
            f"train acc {train_acc:.6f}, test acc {test_acc:.6f}"
        )


# --- From scratch: parameters, activation, model ---------------------------------------------
num_inputs, num_outputs, num_hiddens = 64, 10, 128
W1 = np.array(rng.normal(scale=0.1, size=(num_inputs, num_hiddens)).astype("float32"))
b1 = np.zeros(num_hiddens)
W2 = np.array(rng.normal(scale=0.1, size=(num_hiddens, num_outputs)).astype("float32"))
b2 = np.zeros(num_outputs)
params = [W1, b1, W2, b2]
for param in params:
    param.attach_grad()


def relu(X):
    return np.maximum(X, 0)


print(relu(np.array([-2.0, -0.5, 0.0, 1.5])))


def net(X):
    X = X.reshape((-1, num_inputs))
    H = relu(np.dot(X, W1) + b1)
    return np.dot(H, W2) + b2


loss = gluon.loss.SoftmaxCrossEntropyLoss()


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    for param in params:
        param[:] = param - lr * param.grad / batch_size


num_epochs, lr = 5, 0.5
print("from scratch")
train_ch3(
    net, train_iter, test_iter, loss, num_epochs, lambda batch_size: sgd(params, lr, batch_size)
)
y_hat = net(np.array(images[1500:1510]))
print("predictions:", y_hat.argmax(axis=1))
print("labels:     ", np.array(targets[1500:1510]))

# --- Concise: nn.Sequential, nn.Dense, gluon.Trainer -----------------------------------------
net = nn.Sequential()
net.add(nn.Dense(128, activation="relu"), nn.Dense(10))
net.initialize(init.Normal(sigma=0.01))
net(np.array(images[:1]))  # the first forward pass fixes the weights' shapes
for layer in net:
    shape = layer.weight.shape
    layer.weight.set_data(np.array(rng.normal(scale=0.1, size=shape).astype("float32")))
print(net)
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
print("concise")
train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer.step)
