"""Saving and loading NDArrays and model parameters.
The Gluon counterpart of the file I/O sections of seeds 002 and 003 (d2l, "File I/O").

The files are MXNet 1.x .params files: MXNet reads what this script writes and the
other way round. Everything is written in a temporary directory that is removed at the end.

Run:  python examples/tutorials/file_io.py
"""

import os
import tempfile

from gluonlite import nd
from gluonlite.gluon import nn

workdir = tempfile.TemporaryDirectory()
previous_dir = os.getcwd()
os.chdir(workdir.name)

# --- NDArrays ------------------------------------------------------------------------------------
# nd.save writes one array, a list of arrays or a dict of named arrays; nd.load gives a
# list back for the first two and a dict for the third.
x = nd.arange(4)
nd.save("x-file", x)
x2 = nd.load("x-file")
print(x2)

y = nd.zeros(4)
nd.save("x-files", [x, y])
x2, y2 = nd.load("x-files")
print((x2, y2))

mydict = {"x": x, "y": y}
nd.save("mydict", mydict)
mydict2 = nd.load("mydict")
print(mydict2)
print(sorted(os.listdir(".")))


# --- Model parameters -----------------------------------------------------------------------------
# save_parameters stores the values only; the architecture stays in the code, so loading
# means building the same model again and filling it from the file.
class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation="relu")
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


net = MLP()
net.initialize()
X = nd.random.uniform(shape=(2, 20))
Y = net(X)
net.save_parameters("mlp.params")

# The keys are the attribute paths of the parameters, not their global names, so they
# do not depend on how many layers were created before this model.
for key, value in nd.load("mlp.params").items():
    print(key, value.shape)
print(net.hidden.weight.name, net.output.bias.name)

# A second instance, never initialized: loading gives it its shapes and values.
clone = MLP()
clone.load_parameters("mlp.params")
print(clone)
print(clone.hidden.weight.name, clone.output.bias.name)

# Same parameters, same input, same output.
Y_clone = clone(X)
print(Y_clone == Y)
print((Y_clone - Y).abs().max().asscalar())

# The loaded arrays are copies: changing the clone leaves the original untouched.
clone.output.bias.set_data(nd.ones(10))
print(net.output.bias.data())

os.chdir(previous_dir)
workdir.cleanup()
