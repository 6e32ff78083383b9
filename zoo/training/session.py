"""`open_run`: a run's folder locked, Keras set up, and its trainer, for the length of a `with`."""
from __future__ import annotations

import contextlib
import sys

from zoo.training import keras_setup
from zoo.training.config import TrainConfig
from zoo.training.run_folder import RunFolder
from zoo.training.trainer import Trainer


@contextlib.contextmanager
def open_run(config: TrainConfig, *, explicit=()):
    """Open (or resume) the run folder of `config` and yield its Trainer.

    A run that fails before its first epoch leaves no folder; one that fails later is marked
    failed and resumed by the same call. `explicit`: the options the caller set itself, which
    the trainer never adapts to the data.

    Example:
        >>> with open_run(RECIPE.replace(epochs=2)) as run:   # doctest: +SKIP
        ...     splits = run.load_data()
        ...     model = run.build(splits)
        ...     run.fit_phases(model, splits)
        ...     result = run.evaluate(model, splits)
    """
    config = config.validate()
    folder = RunFolder.open(config.output_dir, config.model, fingerprint=config.fingerprint(),
                            run_dir=config.run_dir, new_run=config.new_run)
    with folder:
        if folder.resumed:
            _check_same_run(folder, config)
            _check_record(folder, config)
        if not folder.resumed:
            folder.write_config({**config.as_dict(), "fingerprint": config.fingerprint(),
                                 "command": sys.argv})
        setup = keras_setup.set_up(config)
        if not setup.is_chief:
            folder.use_worker_outputs()
        if not folder.resumed:
            from zoo.training.outputs import library_versions
            folder.write_config({**folder.read_config(), "versions": library_versions()})
        folder.write_status("running")
        try:
            yield Trainer(config, folder, setup, explicit=explicit)
        finally:
            keras_setup.tear_down(setup)


def _check_record(folder, config: TrainConfig):
    """The run's record, repaired where a kill left a file half-written, then checked (or, with
    restart, cleared)."""
    from zoo.training import run_state
    if config.restart:
        print(f"Restarting the run in {folder.path} from its first epoch (--restart).")
        run_state.restart(folder)
        return
    from zoo.training import data_parallel
    if config.distribute == "multiworker" or (config.distribute == "data"
                                              and data_parallel.multi_process(config)):
        # Each worker's record is its own (history in a scratch folder on all but the chief),
        # and a worker that stopped alone would leave the others waiting in their collectives:
        # the workers agree on the epoch to resume from in Trainer.fit, together.
        return
    run_state.check(folder)


def _check_same_run(folder, config: TrainConfig):
    """A resumed run (an explicit --run-dir) goes on only with the options it was started with:
    another learning rate or model would be ignored, or mixed into one run, without a word."""
    from zoo.errors import RunError
    saved = folder.read_config()
    if not saved.get("fingerprint") or saved["fingerprint"] == config.fingerprint():
        return
    differences = config.differences(saved)
    raise RunError(f"{folder.path} holds an unfinished run started with other options ("
                   + ("; ".join(differences) or "its fingerprint differs") + "): run the same "
                   "command as before to resume it, or pass another --run-dir for a new run.")
