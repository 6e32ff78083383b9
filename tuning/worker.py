"""A worker of a distributed search, as the chief starts it:

    KERASTUNER_TUNER_ID=worker0 KERASTUNER_ORACLE_IP=127.0.0.1 KERASTUNER_ORACLE_PORT=PORT \\
        python -m tuning.worker SEARCH_DIR [--parent PID]

It reads the search plan (search.json) and, for explicit splits, the data the chief saved."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tuning import distributed
from tuning.data import SearchData
from tuning.plan import Plan


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tuning.worker")
    parser.add_argument("search_dir")
    parser.add_argument("--parent", type=int, help="end when this process (the chief) ends")
    args = parser.parse_args(argv)
    if args.parent:
        distributed.exit_with_parent(args.parent)
    plan = Plan.load(args.search_dir)
    shared = Path(args.search_dir) / "data"
    data = (SearchData.saved(shared, plan.batch_size, plan.seed) if plan.data is None else
            SearchData(plan.data, batch_size=plan.batch_size, load_options=plan.load_options()))
    distributed.run_worker(plan, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
