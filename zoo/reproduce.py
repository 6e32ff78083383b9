"""`zoo reproduce NAME`: run a model's recipe again and say whether its test accuracy falls within
the interval its recorded runs give (zoo/results.json), with the library versions beside the
recorded ones."""
from __future__ import annotations

import statistics

from zoo.errors import InvalidArgumentError


def reproduce(name: str, *, seeds: int = 1, **options) -> dict:
    """Train `name`'s recipe with `seeds` seeds (the recorded ones first) and compare.

    Args:
        name: a model with a recorded result (`zoo results`).
        seeds: how many runs; their mean is compared with the recorded interval.
        **options: passed to zoo.train (output_dir; epochs or subset make a quick run that is
            not the recipe, and is compared all the same).

    Returns:
        {"model", "runs": [{"seed", "value", "wall_time_s", "run_dir"}], "mean", "interval",
        "within", "recorded", "versions": {library: (recorded, now)}}.

    Example:
        >>> reproduce("linear_mnist", seeds=3)["within"]   # doctest: +SKIP
        True
    """
    import zoo
    from zoo import results, validation
    from zoo.training.outputs import library_versions
    validation.positive_int("seeds", seeds)
    recorded = next((r for r in results.for_model(name) if r.get("value") is not None), None)
    if recorded is None:
        raise InvalidArgumentError(f"{name} has no recorded result to reproduce (zoo results "
                                   "lists those that have one).")
    low, high = results.interval(recorded)
    seed_list = [s["seed"] for s in recorded.get("seeds", []) if s.get("seed") is not None]
    seed_list += [s for s in range(seeds + len(seed_list)) if s not in seed_list]
    runs = []
    for seed in seed_list[:seeds]:
        result = zoo.train(name, seed=seed, new_run=True, **options)
        runs.append({"seed": seed, "value": round(float(result.test["accuracy"]), 4),
                     "wall_time_s": result.metrics["wall_time_s"],
                     "run_dir": str(result.run_dir)})
    mean = statistics.mean(r["value"] for r in runs)
    now = library_versions()
    then = recorded.get("versions", {})
    versions = {k: (then.get(k, "not recorded"), now[k])
                for k in ("keras", "tensorflow", "numpy", "python", "backend")}
    return {"model": name, "runs": runs, "mean": round(mean, 4),
            "interval": [round(low, 4), round(high, 4)], "within": low <= mean <= high,
            "recorded": {"text": results.text(recorded), "machine": recorded.get("machine")},
            "versions": versions}
