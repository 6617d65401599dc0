"""Speed of the image classifier: images/s for training and prediction, and the loading share.

    .venv/bin/python bench/images.py [--images 256] [--size 256] [--batch-size 32]

On generated button and link pictures (PNG, a few hundred pixels wide), at 256x256
grayscale, batch 32. For training it prints images/s with the real loader (worker
processes, JPEG augmentation on), with loading in the main process for comparison, and
the share of the wall time the model spent waiting for data; for prediction, images/s
of the model alone and of `predict` (which decodes in the main process). CUDA figures
follow when a GPU is present. Compare ratios between runs, not seconds between machines.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import torch
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trainer.images.dataset import EpochShuffle, ImageDataset, Preprocessing  # noqa: E402
from trainer.images.modeldir import LoadedModel  # noqa: E402
from trainer.images.predict import predict_probabilities  # noqa: E402
from trainer.images.train import build_model, default_workers  # noqa: E402


def draw_images(folder: Path, count: int) -> list[Path]:
    rng = random.Random(0)
    paths = []
    for i in range(count):
        width, height = rng.randint(120, 400), rng.randint(30, 80)
        image = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(image)
        if i % 2 == 0:
            draw.rounded_rectangle((2, 2, width - 3, height - 3), radius=8, fill=(30, 90, 200))
            draw.text((10, height / 2), "Buy now", fill="white", anchor="lm")
        else:
            draw.text((10, height / 2), "read more", fill=(20, 20, 200), anchor="lm")
            draw.line((10, height / 2 + 8, 70, height / 2 + 8), fill=(20, 20, 200))
        path = folder / f"{i:04d}.png"
        image.save(path)
        paths.append(path)
    return paths


def train_epoch(paths: list[Path], prep: Preprocessing, batch_size: int, workers: int,
                device: torch.device) -> tuple[float, float]:
    """One epoch as trainer/images/train.py runs it; returns (images/s, share waiting for data)."""
    torch.manual_seed(0)
    data = ImageDataset(paths, [i % 2 for i in range(len(paths))], prep, jpeg_quality=(25, 90), seed=0)
    loader = torch.utils.data.DataLoader(data, batch_size=batch_size, sampler=EpochShuffle(len(data), 0),
                                         num_workers=workers, pin_memory=device.type == "cuda")
    model = build_model(2, prep, 0.01).to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    waiting = 0.0
    start = time.perf_counter()
    batches = iter(loader)
    while True:
        asked = time.perf_counter()
        try:
            images, labels = next(batches)
        except StopIteration:
            break
        waiting += time.perf_counter() - asked
        images, labels = images.to(device), labels.to(device)
        loss = loss_fn(model(images), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    total = time.perf_counter() - start
    return len(paths) / total, waiting / total


def model_only_rate(prep: Preprocessing, batch_size: int, batches: int, device: torch.device,
                    training: bool) -> float:
    model = build_model(2, prep, 0.01).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    images = torch.rand(batch_size, prep.channels, prep.size, prep.size, device=device)
    labels = torch.randint(0, 2, (batch_size,), device=device)
    model.train(training)
    start = time.perf_counter()
    for step in range(batches + 1):
        if step == 1:  # the first batch warms up allocators and kernels
            start = time.perf_counter()
        if training:
            loss = torch.nn.functional.cross_entropy(model(images), labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        else:
            with torch.no_grad():
                model(images)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return batch_size * batches / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    prep = Preprocessing(size=args.size, grayscale=True)
    batches = max(1, args.images // args.batch_size)

    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    print(f"images {args.images}, {args.size}x{args.size} grayscale, batch {args.batch_size}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, loader workers {args.workers}")
    with tempfile.TemporaryDirectory() as tmp:
        paths = draw_images(Path(tmp), args.images)
        for device in devices:
            name = device.type
            if name == "cuda":
                name += f" ({torch.cuda.get_device_name()})"
            model_rate = model_only_rate(prep, args.batch_size, batches, device, training=True)
            rate, waiting = train_epoch(paths, prep, args.batch_size, args.workers, device)
            rate0, waiting0 = train_epoch(paths, prep, args.batch_size, 0, device)
            print(f"[{name}] train, model alone:            {model_rate:8.1f} images/s")
            print(f"[{name}] train, {args.workers} loader workers:       {rate:8.1f} images/s, "
                  f"waiting for data {waiting:5.1%} of the time")
            print(f"[{name}] train, loading in main process: {rate0:8.1f} images/s, "
                  f"waiting for data {waiting0:5.1%} of the time")
            predict_rate = model_only_rate(prep, args.batch_size, batches, device, training=False)
            print(f"[{name}] predict, model alone:          {predict_rate:8.1f} images/s")
            if device.type == "cpu":
                loaded = LoadedModel(build_model(2, prep, 0.01).eval(), ("buttons", "links"), prep, {})
                start = time.perf_counter()
                predict_probabilities(loaded, paths, args.batch_size)
                print(f"[{name}] predict, with decoding:         "
                      f"{len(paths) / (time.perf_counter() - start):8.1f} images/s")


if __name__ == "__main__":
    main()
