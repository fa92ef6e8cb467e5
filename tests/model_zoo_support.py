"""Deterministic parameters and inputs shared by the model-zoo fixture generator (run under
MXNet) and tests/test_model_zoo.py (run under gluonlite).

Values come from numpy's legacy RandomState, whose stream is the same in every numpy
version, seeded from the parameter's name with the model's prefix stripped, so both
frameworks give every parameter the same array without storing it.
"""

import zlib

import numpy as np

# Models whose outputs are compared with MXNet's: name -> (kwargs, input side, how the
# parameters are set). 'file': MXNet's Xavier init plus training-mode forwards, saved with
# save_parameters (tests/data/model_zoo/<name>.params). 'numpy': param_value() below.
OUTPUT_CASES = {
    "mobilenet0.25": ({"classes": 10}, 32, "file"),
    "squeezenet1.1": ({"classes": 10}, 0, "numpy"),  # 0: the manifest's input size
    "resnet18_v1": ({"classes": 10}, 32, "numpy"),
    "resnet18_v2": ({"classes": 10}, 32, "numpy"),
    "resnet50_v2": ({"classes": 10}, 32, "numpy"),
    "mobilenetv2_0.25": ({"classes": 10}, 32, "numpy"),
    "densenet121": ({"classes": 10}, 0, "numpy"),
    "inceptionv3": ({"classes": 10}, 0, "numpy"),
}


def _seed(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def param_value(relative_name: str, shape) -> np.ndarray:
    """A float32 array for a parameter, by its name's suffix: He-scaled weights, gamma and
    running_var in [0.5, 1.5), small beta, bias and running_mean."""
    rng = np.random.RandomState(_seed(relative_name))
    shape = tuple(shape)
    if relative_name.endswith("weight"):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        value = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
    elif relative_name.endswith(("gamma", "running_var")):
        value = rng.uniform(0.5, 1.5, size=shape)
    else:  # beta, bias, running_mean
        value = rng.normal(0.0, 0.1, size=shape)
    return value.astype(np.float32)


def model_input(name: str, side: int, batch: int = 1) -> np.ndarray:
    """The fixed input image batch (values in [0, 1)) fed to model ``name``."""
    rng = np.random.RandomState(_seed("input:" + name))
    return rng.uniform(0.0, 1.0, size=(batch, 3, side, side)).astype(np.float32)
