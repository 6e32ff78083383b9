"""Strategies side by side: each runs with the same budget on the same space, and their best-so-far
curves go in one plot, with a table of how many trials each needed to come close to the best."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from tuning import spaces
from tuning.plan import STRATEGIES, held_fixed, make_plan, search_space
from zoo import files, validation
from zoo.errors import InvalidArgumentError

TOLERANCE = 0.005  # "within 0.5 points" of an accuracy


def trials_to_reach(curve, target, direction):
    """1-based number of trials after which the best so far is within reach, or None."""
    for i, best in enumerate(curve, start=1):
        if best is not None and (best >= target if direction == "max" else best <= target):
            return i
    return None


def compare(model: str, strategies=STRATEGIES, *, max_trials: int | None = None,
            budgets: dict | None = None, space: dict | None = None, tune: dict | None = None,
            output_dir: str = "runs", compare_dir: str | None = None,
            tolerance: float = TOLERANCE, retrain: bool = False, verbose: bool = True,
            **options) -> dict:
    """Run tuning.search once per strategy (options are search()'s) and compare them. Every
    strategy gets max_trials (default: the grid's size), except those given their own in
    `budgets` (strategy -> trials), e.g. to ask which strategy gets there on a third of the
    grid's trials. The reference is the best score the grid finds when "grid" is among the
    strategies (the whole grid is tried), else the best of all."""
    from tuning.plots import compare_strategies
    from tuning.pruning import running_best
    from tuning.search import search
    strategies = _strategies(strategies)
    # One space for all (a grid over the default space holds what it does not search at its
    # defaults: the others search that space too).
    resolved = search_space(model, "grid" if "grid" in strategies else None, space, tune)
    if max_trials is None and "grid" in strategies:
        max_trials = spaces.grid_size(spaces.tuned(resolved))
    explicit = options.get("data") is not None and not isinstance(options.get("data"), str)
    budgets = dict(budgets or {})
    for strategy in budgets:
        validation.known_name("strategy", strategy, strategies)
    plans = {s: make_plan(model, strategy=s, max_trials=budgets.get(s, max_trials), space=resolved,
                          data=None if explicit else options.get("data"),
                          explicit_data=explicit, output_dir=output_dir,
                          **{k: v for k, v in options.items() if k not in _RUN_ONLY})
             for s in strategies}  # every argument is checked before the first search runs
    first = plans[strategies[0]]
    folder = Path(compare_dir or Path(output_dir) / "tune" / model /
                  f"compare-{first.fingerprint()}")
    note = held_fixed(resolved, "Strategies " + ", ".join(strategies) + " search")
    if verbose and note:
        print(note)
    results = {s: search(model, strategy=s, max_trials=plans[s].max_trials, space=resolved,
                         search_dir=str(folder / s), retrain=retrain, verbose=verbose,
                         output_dir=output_dir, **options)
               for s in strategies}
    objective, direction = first.objective, first.direction
    curves = {s: running_best([row.get(objective) if row.get("status") != "PRUNED" else None
                               for row in r.trials], direction)  # a pruned score is partial
              for s, r in results.items()}
    reference = (results["grid"].best_score if "grid" in results else
                 (max if direction == "max" else min)(r.best_score for r in results.values()))
    target = reference - tolerance if direction == "max" else reference + tolerance
    table = [_row(s, r, curves[s], target, direction, objective) for s, r in results.items()]
    written = {"plot": compare_strategies(curves, objective, folder / "comparison.png", target,
                                          f"{model}: " + _budgets_text(plans)),
               **_write_table(table, folder)}
    if verbose:
        _print_table(table, reference, objective, tolerance)
    return {"folder": folder, "reference": reference, "target": target, "table": table,
            "results": results, "files": written}


_RUN_ONLY = ("search_dir", "overwrite", "workers", "oracle_address", "callbacks", "verbose",
             "retrain", "data")


def _strategies(strategies):
    if isinstance(strategies, str):
        strategies = [s.strip() for s in strategies.split(",") if s.strip()]
    strategies = list(dict.fromkeys(strategies))
    if not strategies:
        raise InvalidArgumentError("compare needs at least one strategy, e.g. 'grid,random'.")
    for strategy in strategies:
        validation.known_name("strategy", strategy, STRATEGIES)
    return strategies


def _row(strategy, result, curve, target, direction, objective):
    seconds = sum(row.get("seconds") or 0.0 for row in result.trials)
    return {"strategy": strategy, "trials": len(result.trials),
            f"best {objective}": result.best_score,
            "trials to reach": trials_to_reach(curve, target, direction),
            "search seconds": round(seconds, 1),
            "best hyperparameters": result.best_hyperparameters}


def _budgets_text(plans) -> str:
    trials = {s: plan.max_trials for s, plan in plans.items()}
    if len(set(trials.values())) == 1:
        return f"strategies with {next(iter(trials.values()))} trials"
    return ", ".join(f"{s} {n}" for s, n in trials.items()) + " trials"


def _write_table(table, folder):
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return {"csv": files.write_text(folder / "comparison.csv", text.getvalue()),
            "json": files.write_json(folder / "comparison.json", table)}


def _print_table(table, reference, objective, tolerance):
    print(f"\nreference: best {objective} {reference:.4f}; trials to come within "
          f"{tolerance * 100:.1f} points of it:")
    for row in table:
        reached = row["trials to reach"] or "-"
        print(f"  {row['strategy']:<10} {reached!s:>4} of {row['trials']:<3} trials  best "
              f"{row[f'best {objective}']:.4f}  {row['search seconds']:.0f} s")
