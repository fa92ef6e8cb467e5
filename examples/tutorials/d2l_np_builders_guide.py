"""The builders' guide: d2l.ai's chapter on deep-learning computation (layers and blocks,
parameter management, lazy initialization, custom layers, file I/O, GPUs) in the NumPy
interface (``from mxnet import init, np, npx``; ``npx.set_np()``).

Values drawn from the framework's random generator are printed as shapes or checks only;
where a value matters it is set from a constant or a seeded NumPy generator first. The GPU
section falls back to the CPU when there is no GPU (the recorded output is a CPU-only run).

Run:  python examples/tutorials/d2l_np_builders_guide.py
"""

import os
import tempfile

import numpy as onp

from gluonlite import init, np, npx
from gluonlite.gluon import nn

npx.set_np()
rng = onp.random.RandomState(11)
workdir = tempfile.mkdtemp()

# --- Layers and blocks -----------------------------------------------------------------------
net = nn.Sequential()
net.add(nn.Dense(256, activation="relu"))
net.add(nn.Dense(10))
net.initialize()
X = np.array(rng.uniform(size=(2, 20)).astype("float32"))
print(net(X).shape)


class MLP(nn.Block):
    # Declare a layer with model parameters. Here, we declare two fully connected layers
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation="relu")  # Hidden layer
        self.out = nn.Dense(10)  # Output layer

    # Define the forward propagation of the model: how to return the required model output
    # based on the input `X`
    def forward(self, X):
        return self.out(self.hidden(X))


net = MLP()
net.initialize()
print(net(X).shape)
print(net)


class MySequential(nn.Block):
    def add(self, block):
        # Here, `block` is an instance of a `Block` subclass, and we assume that it has a
        # unique name. We save it in the member variable `_children` of the `Block` class.
        self._children[block.name] = block

    def forward(self, X):
        # OrderedDict guarantees that members will be traversed in the order they were added
        for block in self._children.values():
            X = block(X)
        return X


net = MySequential()
net.add(nn.Dense(256, activation="relu"))
net.add(nn.Dense(10))
net.initialize()
print(net(X).shape)


class FixedHiddenMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Random weight parameters created with the `get_constant` function are not updated
        # during training (i.e., constant parameters)
        self.rand_weight = self.params.get_constant(
            "rand_weight", onp.random.RandomState(5).uniform(size=(20, 20)).astype("float32")
        )
        self.dense = nn.Dense(20, activation="relu")

    def forward(self, X):
        X = self.dense(X)
        # Use the created constant parameters, as well as the `relu` and `dot` functions
        X = npx.relu(np.dot(X, self.rand_weight.data()) + 1)
        # Reuse the fully connected layer. This is equivalent to sharing parameters with two
        # fully connected layers
        X = self.dense(X)
        # Control flow
        while np.abs(X).sum() > 1:
            X /= 2
        return X.sum()


net = FixedHiddenMLP()
net.initialize(init.Constant(0.01))
print(net(X))


class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation="relu"), nn.Dense(32, activation="relu"))
        self.dense = nn.Dense(16, activation="relu")

    def forward(self, X):
        return self.dense(self.net(X))


chimera = nn.Sequential()
chimera.add(NestMLP(), nn.Dense(20), FixedHiddenMLP())
chimera.initialize(init.Constant(0.01))
print(chimera(X))
print(chimera)

# --- Parameter management --------------------------------------------------------------------
net = nn.Sequential()
net.add(nn.Dense(8, activation="relu"))
net.add(nn.Dense(1))
net.initialize()  # Use the default initialization method
X = np.array(rng.uniform(size=(2, 4)).astype("float32"))
print(net(X).shape)
print(net[1].params)
print(type(net[1].bias))
print(net[1].bias)
print(net[1].bias.data())
print(net[1].weight.grad())
print(net[0].collect_params())
print(net.collect_params())
print(net.collect_params()[net[1].bias.name].data())


def block1():
    net = nn.Sequential()
    net.add(nn.Dense(32, activation="relu"))
    net.add(nn.Dense(16, activation="relu"))
    return net


def block2():
    net = nn.Sequential()
    for _ in range(4):
        # Nested here
        net.add(block1())
    return net


rgnet = nn.Sequential()
rgnet.add(block2())
rgnet.add(nn.Dense(10))
rgnet.initialize()
print(rgnet(X).shape)
print(rgnet)
print(rgnet[0][1][0].bias.data())

# Built-in initialization
net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
print(net[0].weight.data().shape, float(np.abs(net[0].weight.data()).max()) < 0.1)
net.initialize(init=init.Constant(1), force_reinit=True)
print(net[0].weight.data()[0])
net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
net[1].initialize(init=init.Constant(42), force_reinit=True)
print(net[0].weight.data().shape, net[1].weight.data()[0])


# Custom initialization
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print("Init", name, data.shape)
        data[:] = np.random.uniform(-10, 10, data.shape)
        data *= np.abs(data) >= 5


net.initialize(MyInit(), force_reinit=True)
w = net[0].weight.data()
small_nonzero = (np.abs(w) < 5).astype("float32") * (w != 0).astype("float32")
print(w.shape, float(small_nonzero.sum()))  # every weight is 0 or at least 5 in magnitude
net[0].weight.data()[:] += 1
net[0].weight.data()[0, 0] = 42
print(net[0].weight.data()[0, 0])

# Tied parameters
net = nn.Sequential()
# We need to give the shared layer a name so that we can refer to its parameters
shared = nn.Dense(8, activation="relu")
net.add(
    nn.Dense(8, activation="relu"),
    shared,
    nn.Dense(8, activation="relu", params=shared.params),
    nn.Dense(10),
)
net.initialize()
X = np.array(rng.uniform(size=(2, 20)).astype("float32"))
print(net(X).shape)
# Check whether the parameters are the same
print(net[1].weight.data()[0] == net[2].weight.data()[0])
net[1].weight.data()[0, 0] = 100
# Make sure that they are actually the same object rather than just having the same value
print(net[1].weight.data()[0] == net[2].weight.data()[0])
print(net[1].weight is net[2].weight)

# --- Lazy initialization ---------------------------------------------------------------------
net = nn.Sequential()
net.add(nn.Dense(256, activation="relu"))
net.add(nn.Dense(10))
# the input dimension is unknown until the first forward pass
print(net[0].weight.shape[0], net[0].weight.shape[1] > 0, net[1].weight.shape[1] > 0)
net.initialize()
print(net[0].weight.shape[0], net[0].weight.shape[1] > 0, net[1].weight.shape[1] > 0)
X = np.array(rng.uniform(size=(2, 20)).astype("float32"))
net(X)
print(net.collect_params())


# --- Custom layers ---------------------------------------------------------------------------
class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def forward(self, X):
        return X - X.mean()


layer = CenteredLayer()
print(layer(np.array([1.0, 2, 3, 4, 5])))
net = nn.Sequential()
net.add(nn.Dense(128), CenteredLayer())
net.initialize()
Y = net(np.array(rng.uniform(size=(4, 8)).astype("float32")))
print(abs(float(Y.mean())) < 1e-6)


class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get("weight", shape=(in_units, units))
        self.bias = self.params.get("bias", shape=(units,))

    def forward(self, x):
        linear = np.dot(x, self.weight.data(ctx=x.ctx)) + self.bias.data(ctx=x.ctx)
        return npx.relu(linear)


dense = MyDense(units=3, in_units=5)
print(dense.params)
dense.initialize(init.Constant(0.5))
print(dense(np.array(rng.uniform(size=(2, 5)).astype("float32"))))
net = nn.Sequential()
net.add(MyDense(8, in_units=64), MyDense(1, in_units=8))
net.initialize(init.Constant(0.1))
print(net(np.array(rng.uniform(size=(2, 64)).astype("float32"))))

# --- File I/O --------------------------------------------------------------------------------
x = np.arange(4)
npx.save(os.path.join(workdir, "x-file"), x)
x2 = npx.load(os.path.join(workdir, "x-file"))
print(x2)
y = np.zeros(4)
npx.save(os.path.join(workdir, "x-files"), [x, y])
x2, y2 = npx.load(os.path.join(workdir, "x-files"))
print((x2, y2))
mydict = {"x": x, "y": y}
npx.save(os.path.join(workdir, "mydict"), mydict)
mydict2 = npx.load(os.path.join(workdir, "mydict"))
print(mydict2)


class FileMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation="relu")
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


net = FileMLP()
net.initialize()
X = np.array(rng.uniform(size=(2, 20)).astype("float32"))
Y = net(X)
net.save_parameters(os.path.join(workdir, "mlp.params"))
clone = FileMLP()
clone.load_parameters(os.path.join(workdir, "mlp.params"))
Y_clone = clone(X)
print(Y_clone == Y)

# --- GPUs (falling back to the CPU) ----------------------------------------------------------
print(npx.cpu(), npx.gpu(), npx.gpu(1))
print(npx.num_gpus())


def try_gpu(i=0):
    """Return gpu(i) if exists, otherwise return cpu()."""
    return npx.gpu(i) if npx.num_gpus() >= i + 1 else npx.cpu()


def try_all_gpus():
    """Return all available GPUs, or [cpu()] if no GPU exists."""
    devices = [npx.gpu(i) for i in range(npx.num_gpus())]
    return devices if devices else [npx.cpu()]


print(try_gpu(), try_gpu(10), try_all_gpus())
x = np.array([1, 2, 3])
print(x.ctx)
X = np.ones((2, 3), ctx=try_gpu())
print(X)
net = nn.Sequential()
net.add(nn.Dense(1))
net.initialize(ctx=try_gpu())
print(net(X).shape, net[0].weight.data().ctx)
