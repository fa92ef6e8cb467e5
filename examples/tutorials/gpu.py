"""Devices: contexts, counting GPUs, creating and copying arrays on a device, and running
a network there. The Gluon counterpart of the GPU section of seed 002 (d2l, "GPUs").

Every step asks for its device through try_gpu(), which falls back to the CPU when
there is no GPU, so the script runs everywhere. Its recorded output is that of a machine
without a GPU (MXNet's own oracle has none); tests/test_tutorials.py runs it that way
(CUDA_VISIBLE_DEVICES='') and, where a GPU exists, once more on the GPU.

Run:  python examples/tutorials/gpu.py
"""

import gluonlite as mx
from gluonlite import init, nd
from gluonlite.gluon import nn

# --- Devices --------------------------------------------------------------------------------------
# A context names a device: cpu() is the host (all its cores), gpu(i) is the i-th GPU.
# Creating a context never fails; only using a missing device does.
print(mx.cpu(), mx.gpu(), mx.gpu(1))
print(mx.context.num_gpus())


def try_gpu(i=0):
    """gpu(i) if it exists, else cpu()."""
    return mx.gpu(i) if mx.context.num_gpus() >= i + 1 else mx.cpu()


def try_all_gpus():
    """Every GPU, or [cpu()] when there is none."""
    devices = [mx.gpu(i) for i in range(mx.context.num_gpus())]
    return devices if devices else [mx.cpu()]


print(try_gpu(), try_gpu(10), try_all_gpus())
if mx.context.num_gpus() == 0:
    print("No GPU found: the examples below fall back to the CPU.")
else:
    print("Running the examples below on", try_gpu())

# Asking for a device that is not there raises MXNetError.
try:
    nd.ones((2, 3), ctx=mx.gpu(100))
except mx.base.MXNetError:
    print("gpu(100) is not available")

# --- Arrays on a device ---------------------------------------------------------------------------
# Arrays are created on the current context (the CPU) unless ctx says otherwise.
x = nd.array([1, 2, 3])
print(x.context)

X = nd.ones((2, 3), ctx=try_gpu())
print(X)
Y = nd.random.uniform(shape=(2, 3), ctx=try_gpu(1))
print(Y.shape, Y.context)

# The inputs of an operation must live on one device: copy X over to Y's device first.
Z = X.copyto(try_gpu(1))
print(X)
print(Z)
print((Y + Z).context)
print(((Y + Z) >= 1).sum().asscalar())

# as_in_context only copies when the device differs; copyto always makes a new array.
print(Z.as_in_context(try_gpu(1)) is Z)
print(Z.copyto(try_gpu(1)) is Z)

# --- A network on a device ------------------------------------------------------------------------
# initialize(ctx=...) puts the parameters on that device; the input must be there too,
# and the output is computed there.
net = nn.Sequential()
net.add(nn.Dense(1))
net.initialize(init=init.Constant(0.5), ctx=try_gpu())
print(net(X))
print(net[0].weight.data().context)
print(net[0].weight.list_ctx())
