"""Accessing, initializing and tying parameters, the Gluon way.
The Gluon counterpart of seed 000 (a d2l-based note on parameter management).

Run:  python examples/tutorials/parameter_access.py
"""

from gluonlite import gluon, init, nd
from gluonlite.gluon import nn

# --- Parameters of one layer ------------------------------------------------------------------
# A small MLP whose activation is a layer of its own, so that net[1] is the ReLU and
# net[2] the output layer.
net = nn.Sequential()
net.add(nn.Dense(4), nn.Activation("relu"), nn.Dense(1))
net.initialize()
X = nd.random.uniform(shape=(2, 2))
print(net(X))

# A layer's own parameters live in its ParameterDict; each entry is a Parameter object
# holding the value, the gradient and bookkeeping (shape, dtype, grad_req...).
print(net[0].params)
print(type(net[2].bias))
print(net[2].bias)
print(net[2].bias.data())  # data() returns the NDArray behind the parameter
print(net[0].weight)
print(net[1])

# Gradients are allocated with the parameter and stay at zero until backward runs.
print(net[2].weight.grad())

# --- All parameters at once ---------------------------------------------------------------------
# params only holds a block's own parameters; collect_params walks the children too and
# keys every parameter by its full (global) name.
print(*[(name, param.shape) for name, param in net[0].params.items()])
print(*[(name, param.shape) for name, param in net.collect_params().items()])
print(net.collect_params()["dense1_bias"].data())


# --- A Block subclass is not a list -------------------------------------------------------------
class MLP(nn.Block):
    def __init__(self, hidden_units, output_units, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.linear1 = nn.Dense(hidden_units)
        self.linear2 = nn.Dense(output_units)

    def forward(self, x):
        return nd.relu(self.linear2(self.linear1(x)))


mlp_net = MLP(4, 1)
mlp_net.initialize()
X = nd.random.uniform(shape=(2, 2))
print(mlp_net(X).shape)
try:
    mlp_net[0]
except TypeError as error:
    print("TypeError:", error)
# Its layers are attributes instead, and so are their parameters.
print(mlp_net.linear2.bias.data())
print(mlp_net.collect_params())


# --- Nested blocks ------------------------------------------------------------------------------
def block1():
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu"))
    net.add(nn.Dense(4, activation="relu"))
    return net


def block2():
    net = nn.Sequential()
    for _ in range(4):
        net.add(block1())  # a Sequential inside a Sequential
    return net


rgnet = nn.Sequential()
rgnet.add(block2())
rgnet.add(nn.Dense(1))
rgnet.initialize()
X = nd.random.uniform(shape=(2, 4))
print(rgnet(X))
print(rgnet)
# Indexing nests like lists do: first block, its second sub-block, that one's first layer.
print(rgnet[0][1][0].bias.data())
print(rgnet[0][1][0].weight.data().shape)
print(rgnet.collect_params(".*bias"))

# --- Built-in initialization ---------------------------------------------------------------------
# Block.apply calls a function on every block of the tree. Here it re-initializes the
# weights of each Dense layer from N(0, 0.01^2) and sets the biases to zero.
net = nn.Sequential()
net.add(nn.Dense(4), nn.Activation("relu"), nn.Dense(1))
net.initialize()
X = nd.random.uniform(shape=(2, 2))
net(X)


def init_normal(m):
    if type(m) is nn.Dense:
        m.weight.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
        m.bias.initialize(init=init.Zero(), force_reinit=True)


net.apply(init_normal)
print(net[0].weight.data()[0], net[0].bias.data()[0])
# The values differ from run to run; their spread does not.
print(net[0].weight.data().abs().max().asscalar() < 0.1)


def init_constant(m):
    if type(m) is nn.Dense:
        m.weight.initialize(init=init.Constant(1), force_reinit=True)
        m.bias.initialize(init=init.Zero(), force_reinit=True)


net.apply(init_constant)
print(net[0].weight.data()[0], net[0].bias.data()[0])

# The whole-network form: every weight gets Constant(1); Dense biases keep their own
# 'zeros' initializer, which takes precedence over the network-wide one.
net.initialize(init.Constant(1), force_reinit=True)
print(net[0].weight.data()[0], net[0].bias.data()[0])

# Different layers, different initializers: Xavier for the first, 42 for the last.
net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
net[2].weight.initialize(init=init.Constant(42), force_reinit=True)
print(net[0].weight.data()[0])
print(net[2].weight.data())
# Xavier's default bound is sqrt(3 / ((fan_in + fan_out) / 2)), which is 1 for a 4x2 weight.
print(net[0].weight.data().abs().max().asscalar() <= 1)


# --- A custom initializer ---------------------------------------------------------------------
# Subclass Initializer and fill the array in place. The weights are drawn from
# U(-10, 10), then every value smaller than 5 in magnitude is set to zero.
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print("Init", name, data.shape)
        data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
        data *= data.abs() >= 5


net.initialize(MyInit(), force_reinit=True)
print(net[0].weight.data()[:2])
w = net[0].weight.data()
print(((w == 0) + (w.abs() >= 5)).min().asscalar())  # 1: every value is 0 or at least 5

# Parameters can also be edited directly through their data.
net[0].weight.data()[:] += 1
net[0].weight.data()[0, 0] = 42
print(net[0].weight.data()[0])

# --- Tied parameters --------------------------------------------------------------------------
# The fourth layer is built with params=shared.params, so it uses the very same weight
# and bias arrays as the second one.
shared = nn.Dense(4, activation="relu")
net = nn.Sequential()
net.add(
    nn.Dense(4, activation="relu"),
    shared,
    nn.Dense(4, activation="relu", params=shared.params),
    nn.Dense(1),
)
net.initialize()
X = nd.random.uniform(shape=(2, 2))
print(net(X))
print(net[1].weight.data()[0] == net[2].weight.data()[0])
net[1].weight.data()[0, 0] = 100
# Still equal: there is only one array, so the change shows through both layers.
print(net[1].weight.data()[0] == net[2].weight.data()[0])
print(net[1].weight is net[2].weight)
print(net.collect_params())

# --- Deferred initialization ------------------------------------------------------------------
# Without in_units, a Dense layer cannot know its weight's second dimension until data
# arrives: initialize() only records what to do, and the first forward pass does it.
net = nn.Sequential()
net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
net.initialize()
print(net[0].weight)  # 0 marks the unknown dimension
try:
    net[0].weight.data()
except gluon.parameter.DeferredInitializationError:
    print("not initialized yet: no forward pass has run")
net(nd.random.uniform(shape=(2, 20)))
print(net[0].weight)
print(net[0].weight.data().shape)
