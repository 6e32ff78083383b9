"""The lecture's 2D toy problems, generated (no files, no download): two blobs (linearly
separable), XOR quadrants, rings and two spirals (none of them linearly separable). Each point is
(x1, x2) in about [-1, 1]; the same seed always gives the same points."""
from __future__ import annotations

import numpy as np

KINDS = ("blobs", "xor", "rings", "spirals")
SIZES = {"train": 1000, "test": 500}
SEEDS = {"train": 0, "test": 1}
NOISE = 0.08


def generate(kind: str, count: int, seed: int, noise: float = NOISE):
    """(points (count, 2) float32, labels (count,) int32: 0 or 1, balanced)."""
    rng = np.random.default_rng(seed)
    y = np.arange(count) % 2
    if kind == "blobs":
        centres = np.array([[-0.45, -0.35], [0.45, 0.35]])
        x = centres[y] + rng.normal(0, 0.22, (count, 2))
    elif kind == "xor":
        x = rng.uniform(-1, 1, (count, 2))
        x += np.sign(x) * 0.05  # a thin margin along the axes
        y = (x[:, 0] * x[:, 1] < 0).astype(int)
    elif kind == "rings":
        radius = np.where(y == 0, rng.uniform(0.0, 0.4, count), rng.uniform(0.6, 0.95, count))
        angle = rng.uniform(0, 2 * np.pi, count)
        x = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    elif kind == "spirals":
        t = rng.uniform(0.25, 1.0, count) * 3 * np.pi
        x = (t / (3 * np.pi))[:, None] * np.stack([np.cos(t + np.pi * y),
                                                    np.sin(t + np.pi * y)], axis=1)
    else:
        raise ValueError(f"unknown toy problem {kind!r}")
    x = x + rng.normal(0, noise, x.shape) if kind != "blobs" else x
    order = rng.permutation(count)
    return x[order].astype(np.float32), y[order].astype(np.int32)


def arrays(kind: str) -> dict:
    """{"train": (x, y), "test": (x, y)} of toy problem `kind`."""
    return {split: generate(kind, SIZES[split], SEEDS[split]) for split in SIZES}
