"""examples/train_digits.py written in PyTorch: the same data split, MLP, optimizer,
epochs, batch size, metrics, save/reload and plot, for bench/bench_digits_e2e.py.

    python bench/peers/torch_digits.py [--out-dir DIR] [--epochs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
from train_digits import load_data, plot  # noqa: E402  (same data and plot code)


def build_net(hidden: int) -> torch.nn.Sequential:
    net = torch.nn.Sequential(
        torch.nn.Linear(64, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden // 2),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden // 2, 10),
    )
    for layer in net:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
    return net


def evaluate(net, loader) -> float:
    correct = total = 0
    with torch.no_grad():
        for data, label in loader:
            correct += int((net(data).argmax(1) == label).sum())
            total += len(label)
    return correct / total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out-dir", default="digits_output_torch")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    start = time.perf_counter()
    x_train, x_test, y_train, y_test = load_data(args.seed)
    data = torch.utils.data
    train_loader = data.DataLoader(
        data.TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
        batch_size=args.batch_size,
        shuffle=True,
    )
    test_loader = data.DataLoader(
        data.TensorDataset(torch.from_numpy(x_test), torch.from_numpy(y_test)), batch_size=256
    )
    net = build_net(args.hidden)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss(reduction="none")
    history = {"loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, args.epochs + 1):
        loss_sum, correct, count = 0.0, 0, 0
        for x, y in train_loader:
            opt.zero_grad()
            out = net(x)
            loss = loss_fn(out, y)
            loss.mean().backward()  # Gluon's Trainer.step(batch) averages the summed loss
            opt.step()
            loss_sum += float(loss.detach().sum())
            correct += int((out.argmax(1) == y).sum())
            count += len(y)
        history["loss"].append(loss_sum / count)
        history["train_acc"].append(correct / count)
        history["test_acc"].append(evaluate(net, test_loader))
        print(
            "epoch %2d  loss %.4f  train acc %.4f  test acc %.4f"
            % (epoch, history["loss"][-1], history["train_acc"][-1], history["test_acc"][-1])
        )
    os.makedirs(args.out_dir, exist_ok=True)
    path = os.path.join(args.out_dir, "digits_mlp.pt")
    torch.save(net.state_dict(), path)
    reloaded = build_net(args.hidden)
    reloaded.load_state_dict(torch.load(path))
    print("reloaded net test acc %.4f" % evaluate(reloaded, test_loader))
    elapsed = time.perf_counter() - start
    plot(history, os.path.join(args.out_dir, "digits_training.png"))
    print(
        "final test accuracy %.2f%% after %d epochs in %.1f s"
        % (100 * history["test_acc"][-1], args.epochs, elapsed)
    )


if __name__ == "__main__":
    main()
