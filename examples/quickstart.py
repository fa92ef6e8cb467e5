"""gluonlite quickstart: NDArrays and autograd, written exactly as for MXNet 1.x.

Run:  python examples/quickstart.py
"""

import gluonlite as mx
from gluonlite import autograd, nd

mx.random.seed(42)

# Arrays print exactly as MXNet prints them.
x = nd.ones((2, 3))
print(x)
y = nd.random.uniform(-1, 1, shape=(2, 3))
print("x + y =", x + y)
print("sum over axis 1:", (x * y).sum(axis=1))

# Autograd: record a computation, then differentiate it.
w = nd.array([[0.5, -1.0, 2.0]])
w.attach_grad()
with autograd.record():
    out = nd.dot(y, w.T).sum()
out.backward()
print("d out / d w =", w.grad)

# A tiny least-squares fit by gradient descent: recovers w=[2, -3.4], b=4.2.
true_w, true_b = nd.array([[2.0], [-3.4]]), 4.2
features = nd.random.normal(0, 1, shape=(1000, 2))
labels = nd.dot(features, true_w) + true_b
weight, bias = nd.zeros((2, 1)), nd.zeros((1,))
weight.attach_grad()
bias.attach_grad()
for _ in range(200):
    with autograd.record():
        loss = ((nd.dot(features, weight) + bias - labels) ** 2).mean()
    loss.backward()
    weight[:] = weight - 0.1 * weight.grad
    bias[:] = bias - 0.1 * bias.grad
print("learned w:", weight.reshape((-1,)).asnumpy(), "b:", bias.asscalar())
print("GPUs available:", mx.context.num_gpus())
