"""Shared matplotlib helpers: figures, image panels, image grids and line plots.

Figures are made with matplotlib.figure.Figure rather than pyplot: they render with the Agg
canvas, need no screen and keep no global state between calls."""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

CELL = 1.5  # inches per image in a grid

DPI = 100  # figures are saved at figsize x DPI pixels


def figure(width: float, height: float) -> Figure:
    """A figure of width x height inches (the PNG is that times DPI pixels)."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def show_image(ax, image, title=None, *, cmap="gray", vmin=0.0, vmax=1.0):
    """Draw one HxWxC (C = 1 or 3) or HxW image without axes."""
    image = np.asarray(image, dtype="float32")
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim == 3:
        image = np.clip(image, 0.0, 1.0)
    ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    if title:
        ax.set_title(title, fontsize=7)
    ax.axis("off")


def image_grid(images, titles=None, *, ncols=8, **style) -> Figure:
    """Images in rows of `ncols`, each with an optional title; `style` goes to show_image."""
    n = len(images)
    if n == 0:
        return message("nothing to show")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig = figure(ncols * CELL, nrows * CELL)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    titles = titles or [None] * n
    for ax, image, title in zip(axes.flat, images, titles):
        show_image(ax, image, title, **style)
    return fig


def line_plot(curves: dict, *, xlabel: str, ylabel: str, title: str, ylim=(0.0, 1.02)) -> Figure:
    """One line per entry of curves = {label: (x values, y values)}."""
    fig = figure(6, 4)
    ax = fig.add_subplot()
    for label, (x, y) in curves.items():
        ax.plot(x, y, marker="o", label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title, ylim=ylim)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def message(text: str) -> Figure:
    """A small figure carrying one line of text, for results with nothing to draw."""
    fig = figure(4, 1)
    fig.text(0.5, 0.5, text, ha="center", va="center")
    return fig
