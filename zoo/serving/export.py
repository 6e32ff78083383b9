"""Export a run for serving, then check the artefact in its own runtime: its outputs against the
Keras model's on real test inputs (largest difference, refused beyond a tolerance), its size and
its latency per example at batch 1 and at a large batch, beside Keras' own `predict`."""
from __future__ import annotations

import dataclasses
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from zoo import files
from zoo.errors import DataError, RunError
from zoo.serving import runtimes

TOLERANCE = 1e-4  # float32 outputs (probabilities): the largest difference accepted
LARGE_BATCH = 128
REPEATS = 20  # latency: the median of this many calls, after one warm-up call


@dataclasses.dataclass
class ExportReport:
    """What `export_run` wrote and measured."""
    format: str
    path: Path
    size_bytes: int
    takes: str               # what the artefact's input is
    examples: int
    examples_from: str       # "the test split of DATASET" or "random inputs"
    max_difference: float    # largest |artefact - Keras| over the examples' outputs
    tolerance: float
    latency_ms: dict         # {"artefact"|"keras": {batch: ms per example}}

    def lines(self) -> list[str]:
        batches = sorted(self.latency_ms["artefact"])
        speed = ", ".join(
            f"batch {b}: {self.latency_ms['artefact'][b]:.3f} ms/example "
            f"(Keras predict {self.latency_ms['keras'][b]:.3f})" for b in batches)
        return [f"{self.format} export written to {self.path} ({self.size_bytes / 1e6:.2f} MB); "
                f"it takes {self.takes}.",
                f"Parity on {self.examples} examples from {self.examples_from}: largest "
                f"difference {self.max_difference:.2e} (tolerance {self.tolerance:.0e}).",
                f"Latency: {speed}."]

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["path"] = str(self.path)
        return out


def export_run(run, fmt: str, out, *, examples: int = LARGE_BATCH, data_dir=None,
               tolerance: float = TOLERANCE, overwrite: bool = False,
               repeats: int = REPEATS) -> ExportReport:
    """Write `run` (a LoadedRun) as `fmt` at `out`, load it back in its runtime and check it.

    Args:
        run: `zoo.load_run(...)`.
        fmt: "keras", "savedmodel", "onnx" or "litert".
        out: the file (a folder for savedmodel) to write.
        examples: how many test examples to compare the outputs on.
        tolerance: the largest difference from Keras' outputs accepted.
        overwrite: replace `out` when it exists.
        repeats: latency is the median of this many calls at batch 1 (a quarter as many at the
            large batch, at least 3).

    Raises:
        RunError: when the artefact's outputs differ from Keras' beyond `tolerance`; nothing is
            left at `out` then (an existing file there is kept).

    Example:
        >>> report = export_run(zoo.load_run(RUN), "onnx", "model.onnx")   # doctest: +SKIP
        >>> report.max_difference < 1e-4                                   # doctest: +SKIP
        True
    """
    from zoo import validation
    runtimes.check_available(fmt)
    examples = validation.positive_int("examples", examples)
    repeats = validation.positive_int("repeats", repeats)
    tolerance = validation.positive_float("tolerance", tolerance)
    out = Path(out)
    if out.exists() and not overwrite:
        raise RunError(f"{out} exists: pass overwrite=True (--overwrite) or another path.")
    model, takes, prepare = _exportable(run, fmt)
    raw, examples_from = _examples(run, examples, data_dir)
    batch = prepare(raw)
    reference = run.serving_model()
    expected = _predict(reference, raw)
    model(batch[:1])  # Keras' ONNX export outside TensorFlow traces from a first call's shapes
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as tmp:
        written = Path(tmp) / f"export{runtimes.SUFFIX[fmt]}"  # Keras wants .tflite, .keras
        try:
            unsupported = runtimes.write(model, fmt, written)
        except Exception as error:  # the converters raise their own types
            raise RunError(f"The {fmt} converter cannot convert {run.model.name} "
                           f"({_converter_reason(error)}). Nothing was written to {out}; use "
                           "another format.") from None
        try:
            artefact = runtimes.load(fmt, written)
            got = np.asarray(artefact(batch), dtype=np.float64)
        except Exception as error:  # the runtimes raise their own types (onnxruntime's, ...)
            reason = "; ".join(unsupported) or _converter_reason(error)
            raise RunError(f"The {fmt} export of {run.model.name} was made but cannot run in "
                           f"{runtimes.RUNTIME[fmt]} ({reason}). Nothing was written to {out}; "
                           "use another format.") from None
        difference = float(np.max(np.abs(got.reshape(expected.shape) - expected)))
        if not difference <= tolerance:  # also refuses NaN
            raise RunError(f"The {fmt} export disagrees with the Keras model: largest difference "
                           f"{difference:.3g} on {len(batch)} examples (tolerance {tolerance:g}). "
                           f"Nothing was written to {out}.")
        latency = {"artefact": _latency(artefact, batch, repeats),
                   "keras": _latency(lambda b: _predict(reference, b), raw, repeats)}
        size = _size(written)
        _move_into_place(written, out)
    if run.domain == "text" and fmt in ("onnx", "litert"):
        files.write_json(out.with_name(out.name + ".vocabulary.json"), run.preprocessing["text"])
    return ExportReport(format=fmt, path=out, size_bytes=size, takes=takes,
                        examples=len(batch), examples_from=examples_from,
                        max_difference=difference, tolerance=tolerance, latency_ms=latency)


def _exportable(run, fmt):
    """(the model to write, what it takes, raw batch -> the batch it takes). Strings cannot go
    through ONNX (tf2onnx has no string ops) or LiteRT's built-in ops: a text run exports its
    token-id model there, with its vocabulary in a file beside it."""
    if run.domain == "text" and fmt in ("onnx", "litert"):
        from zoo.data.serving import as_model_input, vectorizer_of
        vectorizer = vectorizer_of(run.preprocessing)

        def to_ids(raw):
            return np.asarray(vectorizer(as_model_input(raw)), dtype=np.int32)
        length = run.preprocessing["text"]["sequence_length"]
        return (run.model, f"token ids (batch, {length}) int32: strings are not supported by "
                f"{fmt}; the vocabulary is written beside it", to_ids)
    shape = tuple(run.input_shape)
    takes = {"image": f"raw pixels 0-255, float32 (batch, {', '.join(map(str, shape))})",
             "text": "raw strings of text (batch,)",
             "series": f"series, float32 (batch, {', '.join(map(str, shape))})",
             "points": f"points, float32 (batch, {', '.join(map(str, shape))})"}[run.domain]
    return run.serving_model(), takes, lambda raw: raw


def _examples(run, count: int, data_dir):
    """Real test inputs when the run's dataset can be read, else random ones (said so)."""
    from zoo.data.serving import raw_test_examples
    try:
        return (raw_test_examples(run.preprocessing, count, data_dir=data_dir),
                f"the test split of {run.preprocessing['dataset']}")
    except (DataError, OSError, KeyError):
        pass
    rng = np.random.default_rng(0)
    if run.domain == "text":
        words = run.preprocessing["text"]["vocabulary"][2:] or ["text"]
        raw = np.array([" ".join(rng.choice(words, 20)) for _ in range(count)], dtype=object)
    elif run.domain == "image":
        raw = rng.integers(0, 256, (count, *run.input_shape)).astype(np.float32)
    else:
        raw = rng.standard_normal((count, *run.input_shape)).astype(np.float32)
    return raw, "random inputs (the dataset could not be read)"


def _predict(model, batch) -> np.ndarray:
    from zoo.data.serving import as_model_input
    batch = as_model_input(batch)
    return np.asarray(model.predict(batch, batch_size=LARGE_BATCH, verbose=0), dtype=np.float64)


def _latency(call, batch, repeats: int) -> dict:
    """{batch size: median milliseconds per example} at batch 1 and at the whole batch."""
    out = {}
    for size in sorted({1, len(batch)}):
        part = batch[:size]
        call(part)  # warm-up: tracing, allocation
        times = []
        for _ in range(repeats if size == 1 else max(3, repeats // 4)):
            start = time.perf_counter()
            call(part)
            times.append(time.perf_counter() - start)
        out[size] = 1000 * statistics.median(times) / size
    return out


def _converter_reason(error) -> str:
    """The operations a converter could not take, named; else its message's first line."""
    import re
    ops = sorted(set(re.findall(r"'tf\.(\w+)' op is neither", str(error))))
    if ops:
        return f"unsupported ops: {', '.join(ops)}"
    flex = sorted(set(re.findall(r"\((Flex\w+)\) failed to prepare", str(error))))
    if flex:  # converted with TensorFlow's own ops, which need LiteRT's Flex delegate
        return (f"it needs TensorFlow select ops ({', '.join(flex)}), which this interpreter "
                "does not link")
    return _first_line(error)


def _first_line(error) -> str:
    text = str(error).strip()
    return (text.splitlines() or [type(error).__name__])[0][:200]


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def _move_into_place(source: Path, target: Path) -> None:
    """Rename the checked artefact into place; an old one is removed only after that."""
    old = None
    if target.exists() or target.is_symlink():
        old = target.with_name(f".{target.name}.old")
        os.replace(target, old)
    os.replace(source, target)
    if old is not None:
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
