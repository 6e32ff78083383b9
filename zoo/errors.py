"""The zoo's exceptions: every error a user can cause is one of these, with a message that says
what was wrong and how to fix it. The command line turns them into one line and exit status 2."""


class ZooError(Exception):
    """Base class of the errors the zoo raises on bad input."""
    # The command line leaves through os._exit after the message, skipping the interpreter's
    # clean-up, where that clean-up would crash or hang (see the subclasses that set it).
    exit_at_once = False


class UnknownNameError(ZooError, LookupError):
    """A model, dataset, preset or strategy name that is not registered."""

    def __str__(self):  # LookupError would quote the message like a dict key
        return str(self.args[0]) if self.args else ""


class InvalidArgumentError(ZooError, ValueError):
    """An argument of the wrong type or out of its range."""


class DataError(ZooError):
    """A dataset that is missing, truncated, corrupt or does not fit the model."""


class WeightsUnavailableError(ZooError):
    """Pretrained weights that cannot be fetched or read."""


class RunError(ZooError):
    """A run folder that is missing, incomplete or would be overwritten."""


class DiskFullError(RunError):
    """The disk filled while a run or a search was writing: what was complete is kept."""
    exit_at_once = True  # h5py's clean-up of a file whose write failed crashes (segfault)


class LostProcessError(RunError):
    """Another process of a multi-process run stopped: this one cannot go on alone."""
    exit_at_once = True  # JAX's shutdown at exit waits for the lost process, for ever
