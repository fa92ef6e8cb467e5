"""Parameter management in Gluon: access, initialization, custom initializers, sharing,
deferred initialization. A port of an MXNet 1.x tutorial: only the imports differ.

Run:  python examples/tutorials/mxnet_parameter_management.py
"""

from gluonlite import init, nd
from gluonlite.gluon import nn

# --- Accessing parameters ---------------------------------------------------------------
net = nn.Sequential()
net.add(nn.Dense(256, activation="relu"))
net.add(nn.Dense(10))
net.initialize()

X = nd.random.uniform(shape=(2, 20))
Y = net(X)

print(net)
print(net[0].params)
print(type(net[0].params))

# Weights, their (still zero) gradients, the output layer's bias.
print(net[0].weight.data().shape)
print(net[0].weight.grad())
print(net[1].bias.data())

# Every parameter of the nested blocks, and a regex selection (matched from the start).
print(net.collect_params())
print(net.collect_params(".*weight"))

# --- Initialization ------------------------------------------------------------------------
net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
print(net[0].weight.data()[0])

net.initialize(init=init.Constant(2), force_reinit=True)
print(net[0].weight.data()[0])


# --- A custom initializer --------------------------------------------------------------------
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print(name, data.shape)
        data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
        data *= data.abs() >= 5  # keep only values whose magnitude is at least 5


net.initialize(MyInit(), force_reinit=True)
print(net[0].weight.data()[0])

# set_data writes the parameter directly: add 1 to every weight of the first layer.
wdata = net[0].weight.data()
print(wdata[0])
net[0].weight.set_data(wdata + 1)
print(wdata[0])

# --- Sharing parameters ----------------------------------------------------------------------
net = nn.Sequential()
shared = nn.Dense(8, activation="relu")
# the third layer reuses the second layer's parameters
net.add(
    nn.Dense(8, activation="relu"), shared, nn.Dense(8, activation="relu", params=shared.params)
)
net.initialize()

X = nd.random.uniform(shape=(2, 20))
net(X)
print(net[1].weight.data()[0])
print(net[2].weight.data()[0])
print(net[1].weight.data()[0] == net[2].weight.data()[0])


# --- Deferred initialization -----------------------------------------------------------------
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print("Init", name, data.shape)


net = nn.Sequential()
net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
net.initialize(init=MyInit())  # prints nothing: the input size is not known yet

X = nd.random.uniform(shape=(2, 20))
Y = net(X)  # the first forward infers in_units and runs the initializer

# Avoiding deferral: re-initialize an initialized net, or give in_units up front.
net.initialize(init=MyInit(), force_reinit=True)

net = nn.Sequential()
net.add(nn.Dense(256, in_units=20, activation="relu"), nn.Dense(10, in_units=256))
net.initialize(init=MyInit())
