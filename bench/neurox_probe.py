"""NeuroX's probe training loop, run by torch, as the bench's reference (npm run bench).

The algorithm of NeuroX's train_logistic_regression_probe (neurox/interpretation/
linear_probe.py, _train_probe; batches from neurox/interpretation/utils.py batch_generator),
written here from its description, not copied:
  - nn.Linear(neurons, classes), torch's default initialisation; classes = distinct labels;
  - Adam (torch defaults) at lr 1e-3, 10 epochs, batches of 32 rows;
  - rows in file order every epoch: NeuroX's batch generator slices consecutive rows and
    does not shuffle;
  - loss = mean cross-entropy + l1 * sum|W| + l2 * sqrt(sum W^2), on the weight only (not the bias);
  - float32 on the CPU (NeuroX's autocast and grad scaler are CUDA-only and do nothing here).
Only the training loop is timed, as the bench times Grain's training. Accuracy is then scored
on the test rows whose label is >= 0 (Grain's rule for classes unseen in training).

Input: a folder written by bench/probe.ts: meta.json, train.f32, train.i32, test.f32, test.i32
(little-endian, rows x neurons row-major). Output: one JSON object on stdout.

Usage: python3 bench/neurox_probe.py FOLDER [--threads N]
"""
import json
import os
import sys
import time

import numpy as np
import torch


def load(folder, name, neurons):
    x = np.fromfile(os.path.join(folder, name + ".f32"), dtype="<f4").reshape(-1, neurons)
    y = np.fromfile(os.path.join(folder, name + ".i32"), dtype="<i4").astype(np.int64)
    if x.shape[0] != y.shape[0]:
        raise SystemExit("%s: %d rows of activations, %d labels" % (name, x.shape[0], y.shape[0]))
    return x, y


def main():
    folder = sys.argv[1]
    if "--threads" in sys.argv:
        torch.set_num_threads(int(sys.argv[sys.argv.index("--threads") + 1]))
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    neurons = meta["neurons"]
    l1 = meta["lambdaL1"]
    l2 = meta["lambdaL2"]
    epochs = meta.get("epochs", 10)
    batch = meta.get("batchSize", 32)
    lr = meta.get("learningRate", 1e-3)
    torch.manual_seed(meta.get("seed", 0))

    x_train, y_train = load(folder, "train", neurons)
    x_test, y_test = load(folder, "test", neurons)
    keep = y_train >= 0
    x_train, y_train = x_train[keep], y_train[keep]
    classes = len(np.unique(y_train))
    if int(y_train.max()) + 1 != classes:
        raise SystemExit("training labels must be 0..classes-1 without gaps, as NeuroX's label index makes them")

    probe = torch.nn.Linear(neurons, classes)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(probe.parameters(), lr=lr)
    xs = torch.from_numpy(x_train)
    ys = torch.from_numpy(y_train)
    rows = xs.shape[0]

    losses = []
    started = time.perf_counter()
    cpu_started = time.process_time()
    for _ in range(epochs):
        total = 0.0
        for start in range(0, rows, batch):
            inputs = xs[start:start + batch].float()
            labels = ys[start:start + batch]
            optimizer.zero_grad()
            weight = probe.weight
            loss = criterion(probe(inputs), labels) + l1 * weight.abs().sum() + l2 * weight.pow(2).sum().sqrt()
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / rows)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started

    with torch.no_grad():
        scored = y_test >= 0
        predicted = probe(torch.from_numpy(x_test[scored])).argmax(dim=1).numpy()
        accuracy = float((predicted == y_test[scored]).mean())
    print(json.dumps({
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "testAccuracy": accuracy,
        "epochs": epochs,
        "steps": epochs * ((rows + batch - 1) // batch),
        "trainRows": int(rows),
        "classes": classes,
        "epochLoss": losses,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
