"""Devices in the NumPy interface: the GPU section of d2l ("GPUs"), as the English book writes
it (``from mxnet import np, npx``; ``npx.set_np()``), with ``mx.np`` arrays and Gluon blocks
over them. ``gpu.py`` is the same lesson with ``nd`` arrays.

Every step asks for its device through try_gpu(), which falls back to the CPU when there is
no GPU, so the script runs everywhere. Its recorded output is that of a machine without a GPU
(MXNet's oracle has none); tests/test_tutorials.py runs it that way (CUDA_VISIBLE_DEVICES='')
and, where a GPU exists, once more on the GPU.

Run:  python examples/tutorials/gpu_numpy.py
"""

import gluonlite as mx
from gluonlite import np, npx
from gluonlite.gluon import nn

npx.set_np()

# --- Devices ---------------------------------------------------------------------------------
# npx.cpu() is the host, npx.gpu(i) the i-th GPU; naming a device never fails.
print(npx.cpu(), npx.gpu(), npx.gpu(1))
print(npx.num_gpus())


def try_gpu(i=0):
    """gpu(i) if it exists, else cpu()."""
    return npx.gpu(i) if npx.num_gpus() >= i + 1 else npx.cpu()


def try_all_gpus():
    """Every GPU, or [cpu()] when there is none."""
    devices = [npx.gpu(i) for i in range(npx.num_gpus())]
    return devices if devices else [npx.cpu()]


print(try_gpu(), try_gpu(10), try_all_gpus())
if npx.num_gpus() == 0:
    print("No GPU found: the examples below fall back to the CPU.")
else:
    print("Running the examples below on", try_gpu())

# Using a device that is not there raises MXNetError.
try:
    np.ones((2, 3), ctx=npx.gpu(100))
except mx.base.MXNetError:
    print("gpu(100) is not available")

# --- Arrays on a device ----------------------------------------------------------------------
# Arrays live on the CPU unless ctx= names another device; .ctx tells where.
x = np.array([1, 2, 3])
print(x.ctx)

X = np.ones((2, 3), ctx=try_gpu())
print(X)
Y = np.random.uniform(size=(2, 3), ctx=try_gpu(1))
print(Y.shape, Y.ctx)

# An operation's inputs must share a device: copy X to Y's device first.
Z = X.copyto(try_gpu(1))
print(X)
print(Z)
print((Y + Z).ctx)
print(float(((Y + Z) >= 1).sum()))

# as_in_ctx copies only when the device differs; copyto always makes a new array.
print(Z.as_in_ctx(try_gpu(1)) is Z)
print(Z.copyto(try_gpu(1)) is Z)

# Moving data to the host (printing, asnumpy, float) waits for the device: do it rarely.
print(type(X.asnumpy()).__name__, float(X.sum()))

# --- A network on a device -------------------------------------------------------------------
# initialize(ctx=...) puts the parameters there; the input and the output live there too,
# and in NumPy mode both the output and the parameters are mx.np arrays.
net = nn.Sequential()
net.add(nn.Dense(1))
net.initialize(init=mx.init.Constant(0.5), ctx=try_gpu())
out = net(X)
print(out)
print(type(out).__name__, type(net[0].weight.data()).__name__)
print(net[0].weight.data().ctx)
print(net[0].weight.list_ctx())
