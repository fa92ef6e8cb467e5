"""Train a small ResNet on a generated CIFAR-like data set, save it, reload it, plot it.

Nothing is downloaded: the script draws 32x32 RGB images of ten shape classes (filled and
outlined circles and squares, triangles, horizontal, vertical and diagonal stripes, crosses
and checkerboards) at random positions and sizes, in random colours on random backgrounds,
with pixel noise. It writes them in CIFAR-10's binary format (``data_batch_1.bin`` ..
``data_batch_5.bin`` and ``test_batch.bin``, each record one label byte and a 3x32x32
image) under ``<out-dir>/data/`` and reads them back with ``gluon.data.vision.CIFAR10``, so
the real reader, ``transform_first`` and the vision transforms are exercised.

The network is ``ResNetV1(BasicBlockV1, [1, 1, 1], [16, 16, 32, 64], thumbnail=True)`` from
the model zoo's building blocks, hybridized, trained with SGD (momentum 0.9, weight decay
1e-4) under a cosine learning-rate schedule. The script shows a tqdm progress bar per
epoch, saves the parameters, reloads them into a fresh network and checks that the test
accuracy is unchanged, and writes a PNG of loss and accuracy per epoch.

    pip install "gluonlite[examples]"        # tqdm, matplotlib
    python examples/train_cifar_like.py                  # CPU, a few minutes on 2 cores
    python examples/train_cifar_like.py --epochs 10 --train-size 20000
    python examples/train_cifar_like.py --ctx gpu        # needs a CUDA GPU

``--ctx gpu`` on a machine without a usable GPU stops with exit status 2 and says why,
instead of silently training on the CPU. The script exits with status 1 if the reloaded
network's accuracy differs from the trained one's.

The script is written against the MXNet 1.x API: replacing ``gluonlite`` by ``mxnet`` in
the imports runs it on MXNet.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Callable, Dict, List, Tuple

import numpy as np

import gluonlite as mx
from gluonlite import autograd, gluon
from gluonlite.gluon.data.vision import transforms
from gluonlite.gluon.model_zoo.vision import BasicBlockV1, ResNetV1

try:
    import matplotlib
    import tqdm
except ImportError as missing:
    sys.exit(
        "train_cifar_like.py needs tqdm and matplotlib (%s); install them with: "
        'pip install "gluonlite[examples]"' % missing
    )

CLASSES = [
    "filled circle",
    "ring",
    "filled square",
    "outlined square",
    "triangle",
    "horizontal stripes",
    "vertical stripes",
    "diagonal stripes",
    "cross",
    "checkerboard",
]
SIDE = 32
TRAIN_FILES = ["data_batch_%d.bin" % i for i in range(1, 6)]
TEST_FILE = "test_batch.bin"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--train-size", type=int, default=5000, help="generated training images")
    parser.add_argument("--test-size", type=int, default=1000, help="generated test images")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.1, help="initial learning rate")
    parser.add_argument("--ctx", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument(
        "--num-workers",
        type=int,
        default=0,
        help="DataLoader worker processes (0: load in this process)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--out-dir",
        default="cifar_like_output",
        help="where the data, the parameters and the plot are written",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    return parser.parse_args()


def pick_context(name: str) -> mx.Context:
    """The requested device; exits with status 2 and a clear message if no GPU is usable."""
    if name == "cpu":
        return mx.cpu()
    if mx.context.num_gpus() == 0:
        print(
            "error: --ctx gpu was given but no CUDA GPU is usable here (gluonlite sees "
            "num_gpus() == 0: no NVIDIA driver or device, or a build without CUDA). "
            "Run with --ctx cpu instead.",
            file=sys.stderr,
        )
        sys.exit(2)
    return mx.gpu(0)


# ---- the generated data set ----------------------------------------------------------------


def shape_mask(label: int, rng: np.random.RandomState) -> np.ndarray:
    """Boolean 32x32 mask of one shape of class ``label`` at a random place and size."""
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32)
    half = rng.uniform(6, 12)  # half the shape's width
    cy, cx = rng.uniform(half, SIDE - half, size=2)
    dy, dx = yy - cy, xx - cx
    inside_box = (np.abs(dy) <= half) & (np.abs(dx) <= half)
    width = rng.uniform(1.5, 3.0)  # stroke width of outlines and stripes
    period = rng.uniform(3.5, 6.0)  # of stripes and checkerboards
    phase = rng.uniform(0, period)
    if label == 0:  # filled circle
        return dy**2 + dx**2 <= half**2
    if label == 1:  # ring
        radius = np.sqrt(dy**2 + dx**2)
        return (radius <= half) & (radius >= half - width)
    if label == 2:  # filled square
        return inside_box
    if label == 3:  # outlined square
        inner = (np.abs(dy) <= half - width) & (np.abs(dx) <= half - width)
        return inside_box & ~inner
    if label == 4:  # triangle pointing up
        top = cy - half
        return (dy <= half) & (yy >= top) & (np.abs(dx) <= (yy - top) / 2)
    if label == 5:  # horizontal stripes
        return inside_box & ((yy + phase) % period < period / 2)
    if label == 6:  # vertical stripes
        return inside_box & ((xx + phase) % period < period / 2)
    if label == 7:  # diagonal stripes, either direction
        diagonal = xx + yy if rng.rand() < 0.5 else xx - yy
        return inside_box & ((diagonal + phase) % (period * 1.4) < period * 0.7)
    if label == 8:  # cross (a plus sign)
        return inside_box & ((np.abs(dy) <= width) | (np.abs(dx) <= width))
    # checkerboard
    cells = np.floor((yy + phase) / period) + np.floor((xx + phase) / period)
    return inside_box & (cells % 2 == 0)


def random_colours(rng: np.random.RandomState) -> Tuple[np.ndarray, np.ndarray]:
    """Random RGB foreground and background colours, the shape the brighter of the two (with
    either polarity a small network needs many more updates to start learning)."""
    while True:
        foreground, background = rng.uniform(100, 255, size=3), rng.uniform(0, 155, size=3)
        if (foreground - background).sum() > 150:
            return foreground, background


def generate_images(count: int, rng: np.random.RandomState) -> Tuple[np.ndarray, np.ndarray]:
    """``count`` noisy 32x32x3 uint8 images with balanced labels, in random order."""
    labels = rng.permutation(np.arange(count) % len(CLASSES)).astype(np.uint8)
    images = np.empty((count, SIDE, SIDE, 3), dtype=np.uint8)
    for i, label in enumerate(labels):
        foreground, background = random_colours(rng)
        mask = shape_mask(int(label), rng)[:, :, None]
        image = np.where(mask, foreground, background) + rng.normal(0, 25, (SIDE, SIDE, 3))
        images[i] = np.clip(image, 0, 255).astype(np.uint8)
    return images, labels


def write_cifar_batch(path: str, images: np.ndarray, labels: np.ndarray) -> None:
    """CIFAR-10's binary layout: per image one label byte, then 3072 bytes in CxHxW order."""
    records = np.empty((len(labels), 1 + 3 * SIDE * SIDE), dtype=np.uint8)
    records[:, 0] = labels
    records[:, 1:] = images.transpose(0, 3, 1, 2).reshape(len(labels), -1)
    with open(path, "wb") as fout:
        fout.write(records.tobytes())


def write_data_set(
    root: str, train_size: int, test_size: int, seed: int
) -> Tuple[List[float], List[float]]:
    """Generate and write the batches; returns the training images' per-channel mean and std
    (in [0, 1], as ``transforms.Normalize`` wants them after ``ToTensor``)."""
    rng = np.random.RandomState(seed)
    os.makedirs(root, exist_ok=True)
    train_images, train_labels = generate_images(train_size, rng)
    test_images, test_labels = generate_images(test_size, rng)
    # five training batches, like CIFAR-10's
    for name, part in zip(TRAIN_FILES, np.array_split(np.arange(train_size), len(TRAIN_FILES))):
        write_cifar_batch(os.path.join(root, name), train_images[part], train_labels[part])
    write_cifar_batch(os.path.join(root, TEST_FILE), test_images, test_labels)
    pixels = train_images.reshape(-1, 3) / 255.0
    return pixels.mean(axis=0).tolist(), pixels.std(axis=0).tolist()


# ---- the network and the training loop -----------------------------------------------------


def build_net() -> ResNetV1:
    """A three-stage ResNet-V1 with one basic block per stage (about 78,000 parameters)."""
    return ResNetV1(BasicBlockV1, [1, 1, 1], [16, 16, 32, 64], classes=len(CLASSES), thumbnail=True)


def evaluate(net: gluon.Block, loader: gluon.data.DataLoader, ctx: mx.Context) -> float:
    metric = mx.metric.Accuracy()
    for data, label in loader:
        output = net(data.as_in_context(ctx))
        metric.update([label.as_in_context(ctx)], [output])
    return metric.get()[1]


def make_loaders(
    args: argparse.Namespace, root: str, mean: List[float], std: List[float]
) -> Tuple[gluon.data.DataLoader, gluon.data.DataLoader]:
    """Training data flipped at random, both normalised with the training set's statistics."""
    train_transform: Callable = transforms.Compose(
        [transforms.RandomFlipLeftRight(), transforms.ToTensor(), transforms.Normalize(mean, std)]
    )
    test_transform: Callable = transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize(mean, std)]
    )
    train_set = gluon.data.vision.CIFAR10(root=root, train=True)
    test_set = gluon.data.vision.CIFAR10(root=root, train=False)
    train_loader = gluon.data.DataLoader(
        train_set.transform_first(train_transform),
        batch_size=args.batch_size,
        shuffle=True,
        last_batch="discard",
        num_workers=args.num_workers,
    )
    test_loader = gluon.data.DataLoader(
        test_set.transform_first(test_transform), batch_size=256, num_workers=args.num_workers
    )
    print(
        "cifar-like: %d training and %d test images of %s from %s, context %s"
        % (len(train_set), len(test_set), "x".join(map(str, train_set[0][0].shape)), root, args.ctx)
    )
    return train_loader, test_loader


def train(args: argparse.Namespace, ctx: mx.Context) -> Dict[str, List[float]]:
    root = os.path.join(args.out_dir, "data")
    mean, std = write_data_set(root, args.train_size, args.test_size, args.seed)
    train_loader, test_loader = make_loaders(args, root, mean, std)

    net = build_net()
    net.initialize(mx.init.Xavier(magnitude=2), ctx=ctx)
    net.hybridize()
    schedule = mx.lr_scheduler.CosineScheduler(
        max_update=args.epochs * len(train_loader), base_lr=args.lr, final_lr=args.lr / 100
    )
    trainer = gluon.Trainer(
        net.collect_params(), "sgd", {"lr_scheduler": schedule, "momentum": 0.9, "wd": 1e-4}
    )
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    train_metric = mx.metric.Accuracy()

    history: Dict[str, List[float]] = {"loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        train_metric.reset()
        loss_sum, count = 0.0, 0
        bar = tqdm.tqdm(
            train_loader,
            desc="epoch %2d/%d" % (epoch, args.epochs),
            leave=False,
            disable=args.no_progress,
            file=sys.stdout,
        )
        for data, label in bar:
            data, label = data.as_in_context(ctx), label.as_in_context(ctx)
            with autograd.record():
                output = net(data)
                loss = loss_fn(output, label)
            loss.backward()
            trainer.step(data.shape[0])
            loss_sum += loss.sum().asscalar()
            count += data.shape[0]
            train_metric.update([label], [output])
            bar.set_postfix(
                loss="%.4f" % (loss_sum / count), lr="%.4f" % trainer.learning_rate, refresh=False
            )
        history["loss"].append(loss_sum / count)
        history["train_acc"].append(train_metric.get()[1])
        history["test_acc"].append(evaluate(net, test_loader, ctx))
        print(
            "epoch %2d  loss %.4f  train acc %.4f  test acc %.4f  (%.1f s)"
            % (
                epoch,
                history["loss"][-1],
                history["train_acc"][-1],
                history["test_acc"][-1],
                time.perf_counter() - start,
            )
        )

    params_file = os.path.join(args.out_dir, "cifar_like_resnet.params")
    net.save_parameters(params_file)
    reloaded = build_net()
    reloaded.load_parameters(params_file, ctx=ctx)
    reloaded.hybridize()
    reloaded_acc = evaluate(reloaded, test_loader, ctx)
    print("saved %s; reloaded net test acc %.4f" % (params_file, reloaded_acc))
    if reloaded_acc != history["test_acc"][-1]:
        print(
            "error: the reloaded parameters give test accuracy %.4f, the trained net %.4f"
            % (reloaded_acc, history["test_acc"][-1]),
            file=sys.stderr,
        )
        sys.exit(1)
    return history


def plot(history: Dict[str, List[float]], path: str) -> None:
    """Loss and accuracy per epoch, side by side, as a PNG."""
    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = range(1, len(history["loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, history["loss"], marker="o")
    ax_loss.set(xlabel="epoch", ylabel="training loss", title="Softmax cross-entropy")
    ax_acc.plot(epochs, history["train_acc"], marker="o", label="train")
    ax_acc.plot(epochs, history["test_acc"], marker="s", label="test")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    ax_acc.legend()
    for axis in (ax_loss, ax_acc):
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    args = parse_args()
    ctx = pick_context(args.ctx)
    np.random.seed(args.seed)  # DataLoader shuffling
    mx.random.seed(args.seed)  # weight initialisation and random flips
    start = time.perf_counter()
    history = train(args, ctx)
    elapsed = time.perf_counter() - start
    png = os.path.join(args.out_dir, "cifar_like_training.png")
    plot(history, png)
    print(
        "final test accuracy %.2f%% after %d epochs in %.1f s; plot written to %s"
        % (100 * history["test_acc"][-1], args.epochs, elapsed, png)
    )


if __name__ == "__main__":
    main()
