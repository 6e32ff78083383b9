"""Search plots: best score so far against trial, score against each hyperparameter, and the
best-so-far curves of several strategies. matplotlib's object API (no pyplot, no GUI backend)."""
from __future__ import annotations

import math

from matplotlib.figure import Figure

from tuning import spaces
from tuning.progress import format_value
from tuning.pruning import running_best
from zoo import files


def best_so_far(table, objective, direction, path, title=""):
    """Every trial's score, pruned ones (their score when stopped) as crosses; the best so far
    counts completed trials only, as the search's choice does."""
    trials = [row["trial"] for row in table]
    scores = [row.get(objective) if row.get("status") != "PRUNED" else None for row in table]
    pruned = [row for row in table if row.get("status") == "PRUNED"]
    figure = Figure(figsize=(6, 4), layout="constrained")
    ax = figure.add_subplot()
    ax.scatter(trials, [s if s is not None else math.nan for s in scores], s=18,
               color="tab:gray", label="trial")
    if pruned:
        ax.scatter([r["trial"] for r in pruned], [r.get(objective) for r in pruned], s=22,
                   marker="x", color="tab:orange",
                   label="pruned (score when stopped)")
    ax.step(trials, [b if b is not None else math.nan for b in running_best(scores, direction)],
            where="post", color="tab:blue", label="best so far")
    ax.set(xlabel="trial", ylabel=f"{objective} (validation)", title=title or "Best so far")
    ax.legend()
    return files.save_figure(figure, path, dpi=110)


def score_against_hyperparameters(table, space, objective, path, title=""):
    names = [n for n in spaces.tuned(space) if n != "epochs"]
    if any("epochs" in row for row in table):
        names.append("epochs")  # Hyperband's, or a tuned one
    names = names or ["trial"]
    columns = min(3, len(names))
    rows = math.ceil(len(names) / columns)
    figure = Figure(figsize=(4 * columns, 3.2 * rows), layout="constrained")
    for i, name in enumerate(names, start=1):
        ax = figure.add_subplot(rows, columns, i)
        done = [r for r in table if r.get(objective) is not None and name in r]
        _scatter(ax, [r[name] for r in done], [r[objective] for r in done], space.get(name),
                 pruned=[r.get("status") == "PRUNED" for r in done])
        ax.set(xlabel=name, ylabel=objective if i % columns == 1 or columns == 1 else None)
    figure.suptitle(title or f"{objective} against each hyperparameter")
    return files.save_figure(figure, path, dpi=110)


def _scatter(ax, xs, ys, spec, pruned=None):
    """A range on a numeric axis (log when sampled so); choices evenly spaced, in their order.
    Pruned trials (their score when stopped) are orange crosses."""
    pruned = pruned or [False] * len(xs)
    numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs)
    if numeric and not isinstance(spec, (spaces.Choice, spaces.Boolean)):
        positions = xs
        if getattr(spec, "sampling", "linear") != "linear":
            ax.set_xscale("log")
    else:
        labels = [format_value(v) for v in getattr(spec, "values", ())]
        labels += [x for x in dict.fromkeys(map(format_value, xs)) if x not in labels]
        positions = [labels.index(format_value(x)) for x in xs]
        ax.set_xticks(range(len(labels)), labels)
    for flag, marker in ((False, "o"), (True, "x")):
        chosen = [i for i, p in enumerate(pruned) if p == flag]
        if chosen:
            ax.scatter([positions[i] for i in chosen], [ys[i] for i in chosen], s=18,
                       marker=marker, color="tab:orange" if flag else "tab:blue")


def compare_strategies(curves: dict, objective: str, path, target=None, title=""):
    """curves: strategy -> best score so far after each trial."""
    figure = Figure(figsize=(6.5, 4), layout="constrained")
    ax = figure.add_subplot()
    for strategy, best in curves.items():
        ax.step(range(1, len(best) + 1), [b if b is not None else math.nan for b in best],
                where="post", label=strategy)
    if target is not None:
        ax.axhline(target, color="gray", linestyle=":", label="within 0.5 points of the best")
    ax.set(xlabel="trial", ylabel=f"best {objective} so far",
           title=title or "Strategies with the same budget")
    ax.legend()
    return files.save_figure(figure, path, dpi=110)
