"""keras-tuner's names outside its public API, in one place, checked against the version they were
read from.

keras-tuner 1.4 exports the tuners, oracles and HyperParameters, but not what the zoo's repairs
and additions need: the trial record and its statuses, the hyperparameter classes, the helpers
that turn fit()'s histories into metrics, the grid oracle's linked list, the chief's gRPC
servicer, and the oracle's retry queue. They are imported (or reached) here only. The zoo's
oracle subclasses (tuning.oracles, tuning.oracle_rules) also override or call these private
methods of keras-tuner's Oracle: _get_oracle_fname, _get_trial_dir, _save_trial,
_random_populate_space, _nonfixed_space, _duplicate; and the Tuner's _get_tuner_fname. A
keras-tuner outside SUPPORTED is refused before any search starts, with what to install.
"""
from __future__ import annotations

import keras_tuner

from zoo.errors import ZooError

SUPPORTED = ("1.4.",)

if not keras_tuner.__version__.startswith(SUPPORTED):
    raise ZooError(
        f"keras-tuner {keras_tuner.__version__} is installed; the zoo's search relies on "
        f"internals of keras-tuner {', '.join(v + 'x' for v in SUPPORTED)}: "
        "pip install 'keras-tuner>=1.4,<1.5'.")

from keras_tuner.src.engine import hyperparameters as hp_module  # noqa: E402
from keras_tuner.src.engine import trial as trial_module  # noqa: E402
from keras_tuner.src.engine import tuner_utils  # noqa: E402
from keras_tuner.src.engine.trial import Trial, TrialStatus  # noqa: E402
from keras_tuner.src.tuners import gridsearch  # noqa: E402

__all__ = ["SUPPORTED", "Trial", "TrialStatus", "gridsearch", "hp_module", "trial_module",
           "tuner_utils", "retry_queue", "grpc_service", "oracle_chief"]


def retry_queue(oracle) -> list:
    """The ids of the trials the oracle hands out again before new ones."""
    return oracle._retry_queue


def grpc_service():
    """keras-tuner's protos module (the Oracle gRPC service), imported when a chief starts."""
    from keras_tuner.src import protos
    return protos


def oracle_chief():
    from keras_tuner.src.distribute import oracle_chief as module
    return module
