"""Custom layers in Gluon: one without parameters, one with its own weight and bias
(ParameterDict.get), and HybridBlock versions whose input size is found at the first
forward pass. The Gluon counterpart of the custom-layer sections of seeds 002 and 003.

Run:  python examples/tutorials/custom_layers.py
"""

from gluonlite import gluon, init, nd
from gluonlite.gluon import nn


# --- A layer without parameters ---------------------------------------------------------------
# Subtracting the mean makes the output centered on zero; forward is all it needs.
class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        super(CenteredLayer, self).__init__(**kwargs)

    def forward(self, x):
        return x - x.mean()


layer = CenteredLayer()
print(layer(nd.array([1, 2, 3, 4, 5])))
print(layer.collect_params())

# It composes with built-in layers like any other block.
net = nn.Sequential()
net.add(nn.Dense(128), CenteredLayer())
net.initialize()
Y = net(nd.random.uniform(shape=(4, 8)))
print(Y.shape)
# The mean is zero up to float32 rounding.
print(abs(Y.mean().asscalar()) < 1e-5)

# --- Parameters for a custom layer ------------------------------------------------------------
# A ParameterDict creates parameters on demand: get() makes a new one the first time a
# name is asked for and returns that same one afterwards.
params = gluon.ParameterDict()
params.get("param2", shape=(2, 3))
print(params)
print(params.get("param2") is params["param2"])


# --- A layer with parameters ----------------------------------------------------------------
# Weight and bias come from the block's own ParameterDict, so they are named after the
# block (mydense0_weight...), listed by collect_params and initialized by initialize().
class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super(MyDense, self).__init__(**kwargs)
        self.weight = self.params.get("weight", shape=(in_units, units))
        self.bias = self.params.get("bias", shape=(units,))

    def forward(self, x):
        linear = nd.dot(x, self.weight.data()) + self.bias.data()
        return nd.relu(linear)


dense = MyDense(units=3, in_units=5)
print(dense.params)
dense.initialize()
print(dense.weight.data().shape)
print(dense.weight.data())
# Without an initializer of their own they get the default, Uniform(-0.07, 0.07).
print(dense.weight.data().abs().max().asscalar() <= 0.07)
print(dense(nd.random.uniform(shape=(2, 5))).shape)

# A network built from custom layers only.
net = nn.Sequential()
net.add(MyDense(8, in_units=64), MyDense(1, in_units=8))
net.initialize()
print(net(nd.random.uniform(shape=(2, 64))).shape)
print(net)
print(net.collect_params())

# Initializers apply to custom parameters as to built-in ones; here every value is 1,
# so each output of the first layer is relu(64 * 1 + 1) = 65.
net.initialize(init.One(), force_reinit=True)
print(net[0](nd.ones((1, 64))))


# --- The same layers as HybridBlocks ------------------------------------------------------------
# hybrid_forward receives the ops module as F and the block's parameters as keyword
# arguments. With a 0 in a parameter's shape (and allow_deferred_init), the missing size
# is read from the first input.
class HybridCentered(nn.HybridBlock):
    def hybrid_forward(self, F, x):
        return F.broadcast_sub(x, F.mean(x))


class MyHybridDense(nn.HybridBlock):
    def __init__(self, units, in_units=0, **kwargs):
        super(MyHybridDense, self).__init__(**kwargs)
        self._units = units
        self.weight = self.params.get("weight", shape=(units, in_units), allow_deferred_init=True)
        self.bias = self.params.get(
            "bias", shape=(units,), init=init.Zero(), allow_deferred_init=True
        )

    def hybrid_forward(self, F, x, weight, bias):
        return F.relu(F.FullyConnected(x, weight, bias, num_hidden=self._units))


net = nn.HybridSequential()
net.add(MyHybridDense(16), HybridCentered())
net.initialize()
print(net[0].weight.shape)  # the input size is still unknown
net.hybridize()
Y = net(nd.random.uniform(shape=(3, 10)))
print(net[0].weight.shape)
print(Y.shape, abs(Y.mean().asscalar()) < 1e-5)
print(net[0].bias.data())
