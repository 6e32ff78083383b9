"""Score against cost: the trials no other trial beats on both (the Pareto front), as a table and a
plot, for a search whose objective names a cost ("val_accuracy,params"). keras-tuner's
MultiObjective adds its objectives into one number, which hides the trade-off a user chooses on."""
from __future__ import annotations

import csv
import io
import math

from matplotlib.figure import Figure

from tuning.costs import COSTS
from zoo import files


def front(table: list[dict], objective: str, direction: str, cost: str) -> list[dict]:
    """The completed, unpruned trials on the front, cheapest first."""
    rows = [r for r in table if r["status"] == "COMPLETED" and _finite(r.get(objective))
            and _finite(r.get(cost))]
    sign = 1 if direction == "max" else -1

    def beats(a, b):  # a is at least as good on both and better on one
        score_a, score_b = sign * a[objective], sign * b[objective]
        return (score_a >= score_b and a[cost] <= b[cost]
                and (score_a > score_b or a[cost] < b[cost]))

    on_front = [r for r in rows if not any(beats(other, r) for other in rows)]
    return sorted(on_front, key=lambda r: (r[cost], -sign * r[objective], r["trial"]))


def write(table, objective, direction, cost, folder, title="") -> dict:
    rows = front(table, objective, direction, cost)
    text = io.StringIO()
    columns = ["trial", objective, cost] + [k for k in (rows[0] if rows else {})
                                            if k not in ("trial", objective, cost, "trial_id")]
    writer = csv.DictWriter(text, fieldnames=columns, restval="", extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return {"pareto_csv": files.write_text(folder / "pareto.csv", text.getvalue()),
            "pareto_plot": plot(table, rows, objective, cost, folder / "pareto.png", title)}


def plot(table, rows, objective, cost, path, title=""):
    figure = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = figure.add_subplot()
    done = [r for r in table if r["status"] == "COMPLETED" and _finite(r.get(objective))
            and _finite(r.get(cost))]
    pruned = [r for r in table if r["status"] == "PRUNED" and _finite(r.get(objective))
              and _finite(r.get(cost))]
    ax.scatter([r[cost] for r in done], [r[objective] for r in done], s=20, color="tab:gray",
               label="trial")
    if pruned:
        ax.scatter([r[cost] for r in pruned], [r[objective] for r in pruned], s=20,
                   marker="x", color="tab:orange", label="pruned (score when stopped)")
    ax.step([r[cost] for r in rows], [r[objective] for r in rows], where="post",
            color="tab:blue", marker="o", label="Pareto front")
    for r in rows:
        ax.annotate(str(r["trial"]), (r[cost], r[objective]), textcoords="offset points",
                    xytext=(4, -10), fontsize=8)
    costs = [r[cost] for r in done]
    if costs and min(costs) > 0 and max(costs) / min(costs) > 20:
        ax.set_xscale("log")
    ax.set(xlabel=f"{cost}: {COSTS[cost]}", ylabel=f"{objective} (validation)",
           title=title or "Score against cost")
    ax.legend()
    return files.save_figure(figure, path, dpi=110)


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
