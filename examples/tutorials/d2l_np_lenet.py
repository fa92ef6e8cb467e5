"""Convolutional networks: d2l.ai's "Convolutional Neural Networks (LeNet)" in the NumPy
interface, trained on scikit-learn's 8x8 digits (as 1x8x8 images) instead of 28x28
Fashion-MNIST, so nothing is downloaded. The kernels shrink to 3x3 (the first one padded) so
that both convolution-and-pooling stages fit an 8x8 image.

The initial weights come from a seeded NumPy generator (``set_data`` overwrites what Xavier
drew) and the DataLoader shuffles with NumPy's global generator, seeded here, so the training
curves are the same on every framework.

Run:  python examples/tutorials/d2l_np_lenet.py
"""

import math

import numpy as onp
from sklearn.datasets import load_digits

from gluonlite import autograd, gluon, np, npx
from gluonlite.gluon import nn

npx.set_np()
rng = onp.random.RandomState(3)
onp.random.seed(0)  # the DataLoader's shuffling

# --- The model -------------------------------------------------------------------------------
net = nn.Sequential()
net.add(
    nn.Conv2D(channels=6, kernel_size=3, padding=1, activation="sigmoid"),
    nn.AvgPool2D(pool_size=2, strides=2),
    nn.Conv2D(channels=16, kernel_size=3, activation="sigmoid"),
    nn.AvgPool2D(pool_size=2, strides=2),
    # `Dense` flattens an input of shape (batch size, channels, height, width) into
    # (batch size, channels * height * width) by default
    nn.Dense(120, activation="sigmoid"),
    nn.Dense(84, activation="sigmoid"),
    nn.Dense(10),
)

X = np.random.uniform(size=(1, 1, 8, 8))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, "output shape:\t", X.shape)
print(net)

# --- Weights from a seeded generator (Xavier's uniform range) --------------------------------
for name, param in net.collect_params().items():
    if name.endswith("weight"):
        fan_out, fan_in = param.shape[0], int(onp.prod(param.shape[1:]))
        scale = math.sqrt(6.0 / (fan_in + fan_out))
        value = rng.uniform(-scale, scale, size=param.shape).astype("float32")
        param.set_data(np.array(value))
    print(name, param.shape)

# --- The dataset: 1500 digits to train on, 297 to test on ------------------------------------
digits = load_digits()
images = (digits.images / 16.0).astype("float32").reshape(-1, 1, 8, 8)
targets = digits.target.astype("int32")
train_set = gluon.data.ArrayDataset(np.array(images[:1500]), np.array(targets[:1500]))
test_set = gluon.data.ArrayDataset(np.array(images[1500:]), np.array(targets[1500:]))
batch_size = 32
train_iter = gluon.data.DataLoader(train_set, batch_size, shuffle=True)
test_iter = gluon.data.DataLoader(test_set, batch_size, shuffle=False)


# --- Training --------------------------------------------------------------------------------
def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    return float(cmp.astype(y.dtype).sum())


def evaluate_accuracy(net, data_iter):
    """Compute the accuracy for a model on a dataset."""
    correct, total = 0.0, 0
    for X, y in data_iter:
        correct += accuracy(net(X), y)
        total += y.size
    return correct / total


def train_ch6(net, train_iter, test_iter, num_epochs, lr):
    """Train a model, printing the training loss and accuracies after each epoch."""
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr})
    for epoch in range(num_epochs):
        total_loss, correct, total = 0.0, 0.0, 0
        for X, y in train_iter:
            with autograd.record():
                y_hat = net(X)
                l_batch = loss(y_hat, y)
            l_batch.backward()
            trainer.step(X.shape[0])
            total_loss += float(l_batch.sum())
            correct += accuracy(y_hat, y)
            total += y.size
        test_acc = evaluate_accuracy(net, test_iter)
        print(
            f"epoch {epoch + 1}, loss {total_loss / total:.6f}, "
            f"train acc {correct / total:.6f}, test acc {test_acc:.6f}"
        )


train_ch6(net, train_iter, test_iter, num_epochs=2, lr=0.9)
print(net(np.array(images[1500:1508])).argmax(axis=1), np.array(targets[1500:1508]))
