"""Layers and blocks in Gluon: Sequential, a Block subclass, a hand-made container,
constant parameters and control flow in forward, and blocks nested inside blocks.
The Gluon counterpart of the first part of seed 003 (d2l, "Layers and Blocks").

Run:  python examples/tutorials/layers_and_blocks.py
"""

from gluonlite import nd
from gluonlite.gluon import nn

# --- A Sequential network -------------------------------------------------------------------
# Two Dense layers; the input size of the first one is found at the first forward pass.
net = nn.Sequential()
net.add(nn.Dense(256, activation="relu"))
net.add(nn.Dense(10))
net.initialize()

X = nd.random.uniform(shape=(2, 20))
print(net(X).shape)
print(net)


# --- The same network as a Block subclass -----------------------------------------------------
# A Block declares its layers in __init__ (as attributes, so they are registered as
# children) and says how to combine them in forward.
class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation="relu")
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


net = MLP()
net.initialize()
print(net(X).shape)
print(net)
print(net.hidden.weight.name, net.output.bias.name)


# --- A container of our own -------------------------------------------------------------------
# Sequential keeps its children in the ordered dict _children, keyed by name; a minimal
# re-implementation only needs add() and a forward that walks that dict in order.
class MySequential(nn.Block):
    def add(self, block):
        self._children[block.name] = block

    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x


net = MySequential()
net.add(nn.Dense(256, activation="relu"))
net.add(nn.Dense(10))
net.initialize()
print(net(X).shape)
print(list(net._children.keys()))
print(list(net.collect_params().keys()))


# --- Constants and Python control flow inside forward -------------------------------------------
# rand_weight is a Constant: it takes part in the computation but is never trained. The
# hidden layer is used twice, so its parameters serve both calls; the while loop is plain
# Python acting on the values computed so far.
class FixedHiddenMLP(nn.Block):
    def __init__(self, **kwargs):
        super(FixedHiddenMLP, self).__init__(**kwargs)
        self.rand_weight = self.params.get_constant(
            "rand_weight", nd.random.uniform(shape=(20, 20))
        )
        self.dense = nn.Dense(20, activation="relu")

    def forward(self, x):
        x = self.dense(x)
        x = nd.relu(nd.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while x.norm().asscalar() > 1:
            x /= 2
        if x.norm().asscalar() < 0.8:
            x *= 10
        return x.sum()


net = FixedHiddenMLP()
net.initialize()
out = net(X)
print(out)
print(out.shape, out.context)
print(net.rand_weight)
print(net.rand_weight.grad_req)
print(net.collect_params())


# --- Nesting blocks ---------------------------------------------------------------------------
# Blocks compose freely: a Block holding a Sequential, inside a Sequential, next to a Dense
# and the FixedHiddenMLP above.
class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super(NestMLP, self).__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation="relu"), nn.Dense(32, activation="relu"))
        self.dense = nn.Dense(16, activation="relu")

    def forward(self, x):
        return self.dense(self.net(x))


chimera = nn.Sequential()
chimera.add(NestMLP(), nn.Dense(20), FixedHiddenMLP())
chimera.initialize()
out = chimera(X)
print(out.shape)
print(chimera)
for name, param in chimera.collect_params().items():
    print(name, param.shape)
