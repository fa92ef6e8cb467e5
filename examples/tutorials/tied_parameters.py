"""Accessing, initializing and sharing model parameters; the gradient of a tied weight.
The Gluon counterpart of seed 004 (a d2l-based chapter on model parameters).

Run:  python examples/tutorials/tied_parameters.py
"""

from gluonlite import autograd, init, nd
from gluonlite.gluon import nn

# An MLP with one hidden layer. Before the first forward pass the input size is unknown,
# which print() shows as "None -> 3".
net = nn.Sequential()
net.add(nn.Dense(3), nn.Activation("relu"), nn.Dense(1))
net.initialize()
print(net)

X = nd.random.uniform(shape=(2, 4))
with autograd.record():  # record, so that Y.backward() can run further down
    Y = net(X).sum()
print(net)
print(Y.shape)

# --- Accessing parameters ------------------------------------------------------------------------
# collect_params() is a ParameterDict: an ordered mapping from full names to Parameters.
print(type(net.collect_params()))
for name, param in net.collect_params().items():
    print(name, param.data().shape, param.shape)

# The first layer alone, and the type of what we get back.
for name, param in net[0].params.items():
    print(name, param.shape, type(param))


# Parameters come from a block's ParameterDict (params.get). A plain NDArray stored on
# the block is just an attribute: it is not a parameter, so it is never listed,
# initialized or trained.
class MyModel(nn.Block):
    def __init__(self, **kwargs):
        super(MyModel, self).__init__(**kwargs)
        self.weight1 = self.params.get("weight1", shape=(20, 20))
        self.weight2 = nd.random.uniform(shape=(20, 20))

    def forward(self, x):
        pass


n = MyModel()
for name in n.collect_params():
    print(name)

# A Parameter gives its value with data() and its gradient with grad(); the gradient is
# zero until backward has run.
weight_0 = list(net[0].params.values())[0]
print(weight_0.data().shape)
print(weight_0.grad())
Y.backward()
print(weight_0.grad())

# --- Initializing parameters ------------------------------------------------------------------
# Select the weights with a regex and draw them from N(0, 0.01^2) ...
for name, param in net.collect_params(".*weight").items():
    param.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
    print(name, param.data())
    print(param.data().abs().max().asscalar() < 0.1)  # ten sigmas: never exceeded

# ... and set the biases to a constant.
for name, param in net.collect_params(".*bias").items():
    param.initialize(init=init.Constant(0), force_reinit=True)
    print(name, param.data())


# --- A custom initialization ----------------------------------------------------------------
# Half the weights become zero, the others are uniform in [-10, -5] or [5, 10]: draw from
# U(-10, 10) in place, then zero what is smaller than 5 in magnitude. Writing into data()
# outside autograd.record() is not tracked by autograd.
def init_weight_(data):
    data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
    data *= data.abs() >= 5


for name, param in net.collect_params(".*weight").items():
    init_weight_(param.data())
    print(name, param.data())
    w = param.data()
    print(((w == 0) + (w.abs() >= 5)).min().asscalar(), w.abs().max().asscalar() <= 10)

# Parameters can be rewritten directly as well; set_data replaces the whole value.
for name, param in net.collect_params(".*bias").items():
    param.set_data(param.data() + 1)
    print(name, param.data())

# --- Sharing parameters ------------------------------------------------------------------------
# Adding the same layer twice makes both positions use one set of parameters: the
# network computes x * w * w.
linear = nn.Dense(1, in_units=1, use_bias=False)
net = nn.Sequential()
net.add(linear, linear)
print(net)
net.initialize(init.Constant(3))
for name, param in net.collect_params().items():
    print(name, param.data())

# Both positions hold the same Block object, hence the same Parameter.
print(id(net[0]) == id(net[1]))
print(id(net[0].weight) == id(net[1].weight))

# The gradient of a shared parameter adds up over its uses: d(x*w*w)/dw = 2*x*w = 6.
x = nd.ones((1, 1))
with autograd.record():
    y = net(x).sum()
print(y)
y.backward()
print(net[0].weight.grad())
