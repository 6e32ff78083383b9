"""The zoo's exceptions: every error a user can cause is one of these, with a message that says
what was wrong and how to fix it. The command line turns them into one line and exit status 2."""


class ZooError(Exception):
    """Base class of the errors the zoo raises on bad input."""


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
