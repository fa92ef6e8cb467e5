"""Train a Gluon MLP on scikit-learn's handwritten digits, save it, reload it, plot it.

The digits data set (1,797 8x8 grey images, 10 classes) ships inside scikit-learn, so
nothing is downloaded. The script holds out a stratified test split, trains with
``gluon.Trainer``, ``SoftmaxCrossEntropyLoss``, a ``DataLoader`` and ``metric.Accuracy``,
shows a tqdm progress bar per epoch, saves the parameters, reloads them into a fresh
network and checks that the test accuracy is unchanged, and writes a PNG of loss and
accuracy per epoch.

    pip install "gluonlite[examples]"        # scikit-learn, tqdm, matplotlib
    python examples/train_digits.py                      # CPU, SGD with momentum
    python examples/train_digits.py --optimizer adam --num-workers 2
    python examples/train_digits.py --ctx gpu            # needs a CUDA GPU

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
from typing import Dict, List, Tuple

import numpy as np

import gluonlite as mx
from gluonlite import autograd, gluon

try:
    import matplotlib
    import tqdm
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
except ImportError as missing:
    sys.exit(
        "train_digits.py needs scikit-learn, tqdm and matplotlib (%s); install them "
        'with: pip install "gluonlite[examples]"' % missing
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    parser.add_argument(
        "--lr",
        type=float,
        default=None,
        help="learning rate (default: 0.1 for sgd, 0.002 for adam)",
    )
    parser.add_argument("--hidden", type=int, default=128, help="width of the hidden layers")
    parser.add_argument("--ctx", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument(
        "--num-workers",
        type=int,
        default=0,
        help="DataLoader worker processes (0: load in this process)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--out-dir", default="digits_output", help="where the parameters and the plot are written"
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


def load_data(seed: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Digits scaled to [0, 1], split 80/20 with every class in both parts."""
    digits = load_digits()
    features = (digits.data / 16.0).astype(np.float32)
    return train_test_split(
        features,
        digits.target.astype(np.int64),
        test_size=0.2,
        stratify=digits.target,
        random_state=seed,
    )


def build_net(hidden: int) -> gluon.nn.HybridSequential:
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(
            gluon.nn.Dense(hidden, activation="relu"),
            gluon.nn.Dense(hidden // 2, activation="relu"),
            gluon.nn.Dense(10),
        )
    return net


def evaluate(net: gluon.Block, loader: gluon.data.DataLoader, ctx: mx.Context) -> float:
    metric = mx.metric.Accuracy()
    for data, label in loader:
        output = net(data.as_in_context(ctx))
        metric.update([label], [output])
    return metric.get()[1]


def train(args: argparse.Namespace, ctx: mx.Context) -> Dict[str, List[float]]:
    x_train, x_test, y_train, y_test = load_data(args.seed)
    train_loader = gluon.data.DataLoader(
        gluon.data.ArrayDataset(x_train, y_train),
        batch_size=args.batch_size,
        shuffle=True,
        num_workers=args.num_workers,
    )
    test_loader = gluon.data.DataLoader(gluon.data.ArrayDataset(x_test, y_test), batch_size=256)
    print(
        "digits: %d training and %d test images, %d features, context %s"
        % (len(x_train), len(x_test), x_train.shape[1], ctx)
    )

    net = build_net(args.hidden)
    net.initialize(mx.init.Xavier(), ctx=ctx)
    net.hybridize()
    lr = args.lr if args.lr is not None else (0.1 if args.optimizer == "sgd" else 0.002)
    optimizer_params = {"learning_rate": lr}
    if args.optimizer == "sgd":
        optimizer_params["momentum"] = 0.9
    trainer = gluon.Trainer(net.collect_params(), args.optimizer, optimizer_params)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    train_metric = mx.metric.Accuracy()

    history: Dict[str, List[float]] = {"loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, args.epochs + 1):
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
            bar.set_postfix(loss="%.4f" % (loss_sum / count), refresh=False)
        history["loss"].append(loss_sum / count)
        history["train_acc"].append(train_metric.get()[1])
        history["test_acc"].append(evaluate(net, test_loader, ctx))
        print(
            "epoch %2d  loss %.4f  train acc %.4f  test acc %.4f"
            % (epoch, history["loss"][-1], history["train_acc"][-1], history["test_acc"][-1])
        )

    os.makedirs(args.out_dir, exist_ok=True)
    params_file = os.path.join(args.out_dir, "digits_mlp.params")
    net.save_parameters(params_file)
    reloaded = build_net(args.hidden)
    reloaded.load_parameters(params_file, ctx=ctx)
    reloaded_acc = evaluate(reloaded, test_loader, ctx)
    print("saved %s; reloaded net test acc %.4f" % (params_file, reloaded_acc))
    if reloaded_acc != history["test_acc"][-1]:
        print(
            "error: the reloaded parameters give test accuracy %.4f, the trained net %.4f"
            % (reloaded_acc, history["test_acc"][-1]),
            file=sys.stderr,
        )
        sys.exit(1)
    history["reloaded_acc"] = [reloaded_acc]
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
    mx.random.seed(args.seed)  # weight initialisation
    start = time.perf_counter()
    history = train(args, ctx)
    elapsed = time.perf_counter() - start
    png = os.path.join(args.out_dir, "digits_training.png")
    plot(history, png)
    print(
        "final test accuracy %.2f%% after %d epochs in %.1f s; plot written to %s"
        % (100 * history["test_acc"][-1], args.epochs, elapsed, png)
    )


if __name__ == "__main__":
    main()
