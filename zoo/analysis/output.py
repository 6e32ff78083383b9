"""Writing analysis results, atomically (zoo.files): a reader never sees half a PNG or JSON."""
from __future__ import annotations

from zoo import files
from zoo.reports.plots import DPI


def write_figure(fig, path) -> str:
    """Save a matplotlib Figure as a PNG of exactly figsize x DPI pixels."""
    return str(files.save_figure(fig, path, dpi=DPI))


def write_json(data, path) -> str:
    return str(files.write_json(path, data))
