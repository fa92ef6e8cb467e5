"""Every tutorial port prints what MXNet 1.9.1 printed for it (recorded by
tools/compare_with_mxnet.py --record): text exact, numbers within tolerance, and values
drawn from MXNet's random generator checked for layout only.

MXNet's oracle ran without a GPU, so every tutorial is compared with GPUs hidden
(CUDA_VISIBLE_DEVICES=''); on a machine with a GPU the device tutorials also run once
with it visible, and must then actually compute on it."""

import glob
import importlib.util
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECTED = os.path.join(ROOT, "tests", "tutorials", "expected")
TUTORIALS = sorted(glob.glob(os.path.join(ROOT, "examples", "tutorials", "*.py")))
DEVICE_TUTORIALS = [p for p in TUTORIALS if os.path.basename(p) in ("gpu.py", "gpu_numpy.py")]
# how each device tutorial's output shows an array on the GPU (nd vs mx.np printing)
_ON_GPU = {"gpu.py": "@gpu(0)>", "gpu_numpy.py": "ctx=gpu(0)"}


def _run(script, hide_gpus):
    env = dict(os.environ)
    if hide_gpus:
        env["CUDA_VISIBLE_DEVICES"] = ""
    return subprocess.run(
        [sys.executable, script],
        capture_output=True,
        text=True,
        cwd=os.path.dirname(script),
        timeout=600,
        env=env,
    )


def _compare_module():
    spec = importlib.util.spec_from_file_location(
        "compare_with_mxnet", os.path.join(ROOT, "tools", "compare_with_mxnet.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", TUTORIALS, ids=lambda p: os.path.basename(p))
def test_tutorial_output_matches_recorded_mxnet_output(script):
    name = os.path.splitext(os.path.basename(script))[0]
    expected_path = os.path.join(EXPECTED, name + ".txt")
    assert os.path.exists(expected_path), (
        f"no recorded MXNet output for {name}; record it with tools/compare_with_mxnet.py --record"
    )
    compare = _compare_module()
    with open(expected_path) as f:
        expected = f.read().rstrip("\n")
    with open(os.path.join(EXPECTED, name + ".random.json")) as f:
        random_lines = json.load(f)
    proc = _run(script, hide_gpus=True)
    assert proc.returncode == 0, proc.stderr
    problems = compare.compare(expected, compare.normalize(proc.stdout), random_lines)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("script", DEVICE_TUTORIALS, ids=lambda p: os.path.basename(p))
def test_device_tutorial_runs_on_the_gpu_when_there_is_one(script):
    import gluonlite

    if gluonlite.context.num_gpus() == 0:
        pytest.skip("no GPU: the CPU fallback is what the recorded-output test checks")
    proc = _run(script, hide_gpus=False)
    assert proc.returncode == 0, proc.stderr
    marker = _ON_GPU[os.path.basename(script)]
    assert marker in proc.stdout and "No GPU found" not in proc.stdout, proc.stdout
