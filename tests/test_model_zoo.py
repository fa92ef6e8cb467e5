"""gluon.model_zoo.vision against MXNet 1.9.1 (fixtures from tests/data/make_model_zoo_fixtures.py).

Parameter names depend on per-process block counters, so a model built here is compared
with the manifest after removing its own prefix (``resnetv13_`` here, ``resnetv10_`` in
the oracle's fresh process): the prefix must differ only in the counter, and every name
must be that prefix plus MXNet's relative name. One test builds models in a fresh child
process and checks the full names, counters included.
"""

import json
import os
import re
import subprocess
import sys

import model_zoo_support as support
import numpy as np
import pytest
from conftest import GLUONLITE_HOME, child_env

import gluonlite as mx
from gluonlite import autograd, gluon
from gluonlite.gluon.model_zoo import vision

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
ZOO_DATA = os.path.join(DATA, "model_zoo")
with open(os.path.join(DATA, "model_zoo_manifest.json")) as _f:
    MANIFEST = json.load(_f)
MODELS = MANIFEST["models"]


def _relative_names(net):
    return [key[len(net.prefix) :] for key in net.collect_params().keys()]


def _without_counter(prefix):
    return re.sub(r"\d+_$", "", prefix)


def test_unknown_model_raises_mxnet_value_error():
    with pytest.raises(ValueError) as info:
        vision.get_model("ResNet0_V9")
    assert str(info.value) == MANIFEST["unknown_name_error"]


def test_get_model_knows_exactly_mxnet_names():
    listed = MANIFEST["unknown_name_error"].split("\n\t")[1:]
    assert sorted(MODELS) == listed and len(listed) == 34
    assert sorted(vision._models) == listed


@pytest.mark.parametrize("name", sorted(MODELS))
def test_parameter_names_shapes_and_output_match_mxnet(name):
    expected = MODELS[name]
    net = vision.get_model(name)
    assert _without_counter(net.prefix) == _without_counter(expected["prefix"])
    names = [n for n, _ in expected["params"]]
    assert _relative_names(net) == names
    net.initialize()
    out = net(mx.nd.ones((1, 3, expected["input"], expected["input"])))
    assert list(out.shape) == expected["output"]
    shapes = [list(p.shape) for p in net.collect_params().values()]
    assert shapes == [s for _, s in expected["params"]]


def test_fresh_process_gives_mxnet_full_names():
    code = (
        "import json; from gluonlite.gluon.model_zoo import vision\n"
        "print(json.dumps({n: list(vision.get_model(n).collect_params().keys())\n"
        '                  for n in ["resnet18_v1", "mobilenetv2_0.25", "inceptionv3"]}))'
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=GLUONLITE_HOME,
        env=child_env(),
        check=True,
        timeout=120,
    )
    got = json.loads(result.stdout)
    for name, keys in got.items():
        expected = MODELS[name]
        assert keys == [expected["prefix"] + n for n, _ in expected["params"]]
    assert got["resnet18_v1"][:2] == ["resnetv10_conv0_weight", "resnetv10_batchnorm0_gamma"]
    # resnet18_v1 ran first in this process, so mobilenetv2's counter is also the first
    assert got["mobilenetv2_0.25"][0] == "mobilenetv20_features_conv0_weight"


@pytest.mark.parametrize("name", sorted(n for n in MODELS if "repr" in MODELS[n]))
def test_print_net_matches_mxnet(name):
    reprs = MODELS[name]["repr"]
    net = vision.get_model(name)
    if "before_init" in reprs:
        assert repr(net) == reprs["before_init"]
    net.initialize()
    net(mx.nd.ones((1, 3, MODELS[name]["input"], MODELS[name]["input"])))
    assert repr(net) == reprs["after_forward"]


def _case_net(name):
    """The model and input of an output case, with MXNet's parameters (see model_zoo_support)."""
    kwargs, side, how = support.OUTPUT_CASES[name]
    x = mx.nd.array(support.model_input(name, side or MODELS[name]["input"]))
    net = vision.get_model(name, **kwargs)
    if how == "file":
        net.load_parameters(os.path.join(ZOO_DATA, name + ".params"))
    else:
        net.initialize()
        net(x)
        for key, param in net.collect_params().items():
            param.set_data(mx.nd.array(support.param_value(key[len(net.prefix) :], param.shape)))
    return net, x


@pytest.mark.parametrize("name", sorted(support.OUTPUT_CASES))
def test_inference_output_matches_mxnet(name):
    net, x = _case_net(name)
    expected = np.load(os.path.join(ZOO_DATA, name + "_output.npy"))
    assert np.abs(expected).max() > 1e-3  # the fixture is not a degenerate all-zero output
    np.testing.assert_allclose(net(x).asnumpy(), expected, rtol=1e-4, atol=1e-4)
    net.hybridize()
    np.testing.assert_allclose(net(x).asnumpy(), expected, rtol=1e-4, atol=1e-4)


def test_mobilenet_fixture_holds_trained_batchnorm_statistics():
    net, _ = _case_net("mobilenet0.25")
    stats = net.collect_params(".*running_mean").values()
    assert all(np.abs(p.data().asnumpy()).max() > 0 for p in stats)


def test_training_step_updates_parameters_and_running_stats():
    mx.random.seed(3)
    net = vision.mobilenet0_25(classes=10)
    net.initialize(mx.init.Xavier())
    x = mx.nd.array(support.model_input("train", 32, batch=2))
    label = mx.nd.array([1, 7])
    net(x)
    conv = net.features[0].weight
    mean = net.features[1].running_mean
    before_w, before_mean = conv.data().asnumpy().copy(), mean.data().asnumpy().copy()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    with autograd.record():
        loss = loss_fn(net(x), label)
    loss.backward()
    grad = conv.grad().asnumpy()
    trainer.step(2)
    assert np.isfinite(loss.asnumpy()).all() and np.abs(grad).max() > 0
    np.testing.assert_allclose(
        conv.data().asnumpy(), before_w - 0.1 * grad / 2, rtol=1e-5, atol=1e-7
    )
    assert not np.allclose(mean.data().asnumpy(), before_mean)


def test_constructor_functions_and_classes_are_exported():
    for fn in [
        "resnet18_v1",
        "resnet152_v2",
        "get_resnet",
        "vgg11_bn",
        "get_vgg",
        "alexnet",
        "densenet121",
        "squeezenet1_0",
        "squeezenet1_1",
        "inception_v3",
        "mobilenet1_0",
        "mobilenet0_25",
        "mobilenet_v2_0_25",
        "get_mobilenet",
        "get_mobilenet_v2",
        "get_model",
    ]:
        assert callable(getattr(vision, fn)), fn
    for cls in [
        "ResNetV1",
        "ResNetV2",
        "BasicBlockV1",
        "BasicBlockV2",
        "BottleneckV1",
        "BottleneckV2",
        "VGG",
        "AlexNet",
        "DenseNet",
        "SqueezeNet",
        "Inception3",
        "MobileNet",
        "MobileNetV2",
    ]:
        assert issubclass(getattr(vision, cls), gluon.HybridBlock), cls
    assert gluon.model_zoo.vision.get_model is vision.get_model
    net = vision.get_resnet(2, 34, classes=7, thumbnail=True)
    assert isinstance(net, vision.ResNetV2) and net.output._units == 7


def test_bad_family_arguments_raise_mxnet_messages():
    with pytest.raises(AssertionError, match=r"Invalid number of layers: 20\. Options are "):
        vision.get_resnet(1, 20)
    with pytest.raises(AssertionError, match=r"Invalid resnet version: 3\. Options are 1 and 2\."):
        vision.get_resnet(3, 18)
    with pytest.raises(
        AssertionError,
        match=r"Unsupported SqueezeNet version 2\.0:1\.0 or 1\.1 "
        r"expected",
    ):
        vision.SqueezeNet("2.0")
