"""The second main example (examples/train_cifar_like.py): a small ResNet on generated
CIFAR-10-format data, read back through gluon.data.vision.CIFAR10."""

import time

from conftest import run_example, run_example_asking_for_a_gpu

RECORD_BYTES = 1 + 3 * 32 * 32  # CIFAR-10 binary: a label byte, then a 3x32x32 image


def _run_example(*args):
    return run_example("train_cifar_like.py", *args)


def test_cifar_like_example_learns_writes_cifar_batches_and_reloads(tmp_path):
    start = time.perf_counter()
    result = _run_example(
        "--epochs", "2", "--train-size", "1000", "--test-size", "300", "--out-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    final = [line for line in result.stdout.splitlines() if line.startswith("final")][0]
    accuracy = float(final.split("final test accuracy ")[1].split("%")[0])
    # chance is 10 %; seeds 1-3 and the default 42 gave 32-43 % after these 30 updates
    assert accuracy >= 20.0, result.stdout
    assert "after 2 epochs" in final
    assert "reloaded net test acc" in result.stdout
    assert (tmp_path / "cifar_like_resnet.params").stat().st_size > 0
    png = (tmp_path / "cifar_like_training.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data = tmp_path / "data"
    assert [(data / ("data_batch_%d.bin" % i)).stat().st_size for i in range(1, 6)] == [
        200 * RECORD_BYTES
    ] * 5
    assert (data / "test_batch.bin").stat().st_size == 300 * RECORD_BYTES
    labels = (data / "test_batch.bin").read_bytes()[::RECORD_BYTES]
    assert sorted(set(labels)) == list(range(10))
    assert time.perf_counter() - start < 60


def test_cifar_like_gpu_request_without_gpu_exits_clearly(tmp_path):
    run_example_asking_for_a_gpu("train_cifar_like.py", tmp_path)
    assert not (tmp_path / "data").exists()  # it stops before generating anything
