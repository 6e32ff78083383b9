"""Distributed search on keras-tuner's chief/worker mode.

The chief holds the oracle and serves it over gRPC (keras-tuner's own OracleServicer); each worker
is a Tuner whose oracle is keras-tuner's OracleClient. Which one a process is comes from
keras-tuner's variables: KERASTUNER_TUNER_ID ("chief", or any other id for a worker),
KERASTUNER_ORACLE_IP and KERASTUNER_ORACLE_PORT. `zoo tune ... --workers N` makes this process the
chief and starts N workers on this machine; on several machines, run the same command on each with
those variables set.

What keras-tuner leaves open, done here: a worker that dies mid-trial would hold its trial forever
(the chief waits for every ongoing trial, and a grid waits with it). The chief watches the workers
it started: the trial of one that dies goes back to the oracle's retry queue, which the others
serve first; if none is left, a replacement is started. A worker started by hand that dies is
restarted with the same KERASTUNER_TUNER_ID: the oracle hands it its unfinished trial again.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent import futures

from zoo import validation
from zoo.errors import InvalidArgumentError, RunError

POLL_S = 0.5


def role() -> str:
    """'local', 'chief' or 'worker', from keras-tuner's variables: keras_tuner's own rule
    (distribute/utils.py), read here without importing TensorFlow."""
    if "KERASTUNER_ORACLE_IP" not in os.environ:
        return "local"
    for name in ("KERASTUNER_ORACLE_PORT", "KERASTUNER_TUNER_ID"):
        if name not in os.environ:
            raise InvalidArgumentError(f"KERASTUNER_ORACLE_IP is set but {name} is not: a "
                                       "distributed search needs the three variables.")
    validation.port("KERASTUNER_ORACLE_PORT", os.environ["KERASTUNER_ORACLE_PORT"])
    return "chief" if "chief" in os.environ["KERASTUNER_TUNER_ID"] else "worker"


def parse_address(text: str | None) -> tuple[str, int]:
    """HOST:PORT for the chief; default: KERASTUNER_ORACLE_IP/PORT, else loopback, a free port."""
    if text is None:
        return (os.environ.get("KERASTUNER_ORACLE_IP", "127.0.0.1"),
                validation.port("KERASTUNER_ORACLE_PORT",
                                os.environ.get("KERASTUNER_ORACLE_PORT", "0")))
    return validation.host_port("oracle_address", text)


# ---------------------------------------------------------------------------------------------
# The chief


def start_server(oracle, host: str, port: int):
    """keras-tuner's OracleServicer on a gRPC server; returns (server, servicer, bound port)."""
    import grpc
    from tuning.keras_tuner_internals import grpc_service, oracle_chief
    protos = grpc_service()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = oracle_chief().OracleServicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if not bound:
        raise RunError(f"The chief could not listen on {host}:{port}: is the port in use?")
    server.start()
    return server, servicer, bound


def release(oracle, tuner_id: str):
    """Send the trial of a dead worker back to the oracle's retry queue (as keras-tuner does for
    the running trials of a reloaded search) and forget the worker."""
    from keras_tuner import synchronized

    from tuning.keras_tuner_internals import retry_queue

    @synchronized
    def _release(oracle):
        trial = oracle.ongoing_trials.pop(tuner_id, None)
        oracle.tuner_ids.discard(tuner_id)
        if trial is not None:
            retry_queue(oracle).append(trial.trial_id)
            oracle.save()
        return trial

    return _release(oracle)


class WorkerPool:
    """The worker processes this chief started."""

    def __init__(self, folder, host, port, count):
        self.folder, self.host, self.port = folder, host, port
        self.processes = {}
        self.started = 0
        self.restarts_left = count
        for _ in range(count):
            self.spawn()

    def spawn(self):
        tuner_id = f"worker{self.started}"
        self.started += 1
        env = {**os.environ, "KERASTUNER_TUNER_ID": tuner_id,
               "KERASTUNER_ORACLE_IP": "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host,
               "KERASTUNER_ORACLE_PORT": str(self.port)}
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self.processes[tuner_id] = subprocess.Popen(
            [sys.executable, "-m", "tuning.worker", str(self.folder), "--parent", str(os.getpid())],
            env=env)
        return tuner_id

    def reap_dead(self) -> list:
        """Ids of workers that died (not a normal exit) since the last call."""
        dead = []
        for tuner_id, process in list(self.processes.items()):
            code = process.poll()
            if code is not None:
                del self.processes[tuner_id]
                if code != 0:
                    dead.append(tuner_id)
        return dead

    def alive(self) -> bool:
        return bool(self.processes)

    def stop(self):
        for process in self.processes.values():
            process.kill()
            process.wait()


def run_chief(plan, tuner, *, workers, address, progress, shared_data=None):
    """Serve the oracle until the search is done and no worker holds a trial."""
    from tuning import checkpoints
    from tuning.keras_tuner_internals import oracle_chief
    oracle = tuner.oracle
    tuner.save()
    if shared_data is not None:
        _share(shared_data, plan.folder / "data")
    server, servicer, port = start_server(oracle, *address)
    if workers == 0:
        print(f"chief: serving the oracle on {address[0]}:{port}; start the workers with "
              f"KERASTUNER_ORACLE_IP, KERASTUNER_ORACLE_PORT={port} and KERASTUNER_TUNER_ID.")
    pool = WorkerPool(plan.folder, address[0], port, workers)
    try:
        while True:
            time.sleep(POLL_S)
            for tuner_id in pool.reap_dead():
                trial = release(oracle, tuner_id)
                lost = f"; trial {int(trial.trial_id) + 1} goes to another worker" if trial else ""
                print(f"chief: {tuner_id} died{lost}.")
            progress.report()
            checkpoints.prune(tuner, plan.keep_checkpoints)
            if pool.alive() or _others_working(oracle, pool):
                continue
            retries = oracle.get_state()["retry_queue"]
            if servicer.stop_triggered and oracle_chief().exit_chief(oracle) and not retries:
                break
            if workers and pool.restarts_left:
                pool.restarts_left -= 1
                print(f"chief: no worker left with trials to run: starting {pool.spawn()}.")
            elif workers:
                raise RunError("Every worker died before the search ended: see their messages "
                               "above. Run the same command again to continue the search.")
    finally:
        pool.stop()
        server.stop(grace=1)
    tuner.save()
    progress.report()


def _others_working(oracle, pool) -> bool:
    """Workers this chief did not start (on other machines) that still hold trials."""
    return bool(oracle.tuner_ids - set(pool.processes)) or bool(
        set(oracle.ongoing_trials) - set(pool.processes))


def _share(data, folder):
    """Explicit splits, written where workers on this machine read them."""
    import shutil
    shutil.rmtree(folder, ignore_errors=True)
    data.save(folder)


# ---------------------------------------------------------------------------------------------
# A worker


def run_worker(plan, data, chief_timeout_s: float | None = None):
    """Run trials from the chief until it says stop; give up when the chief has been unreachable
    for chief_timeout_s (default: $ZOO_CHIEF_TIMEOUT_S, else CHIEF_TIMEOUT_S)."""
    from tuning.memory import frozen_heap
    from tuning.tuner import make_tuner
    host, port = os.environ["KERASTUNER_ORACLE_IP"], int(os.environ["KERASTUNER_ORACLE_PORT"])
    watch_chief(host, port, os.environ.get("KERASTUNER_TUNER_ID", "worker"),
                chief_timeout_s if chief_timeout_s is not None else
                float(os.environ.get("ZOO_CHIEF_TIMEOUT_S", CHIEF_TIMEOUT_S)))
    tuner = make_tuner(plan, "worker")
    chief = f"{host}:{port}"
    print(f"{tuner.tuner_id}: running trials for the chief at {chief}.", flush=True)
    with frozen_heap():
        tuner.search(data)
    print(f"{tuner.tuner_id}: done ({len(tuner._finished_here)} trials).", flush=True)


# keras-tuner's gRPC client waits up to an hour for a chief that is gone: a worker started by
# hand (not by --workers, which ends with its chief) stops after this long without one.
CHIEF_TIMEOUT_S = 60.0
CHIEF_PROBE_S = 1.0


def watch_chief(host: str, port: int, name: str, timeout_s: float):
    """In a thread: connect to the chief's port every CHIEF_PROBE_S; after timeout_s without an
    answer, say so in one line and end the process (its main thread is blocked in gRPC)."""
    import socket

    def watch():
        last_seen = time.monotonic()
        while True:
            try:
                with socket.create_connection((host, port), timeout=CHIEF_PROBE_S):
                    last_seen = time.monotonic()
            except OSError:
                if time.monotonic() - last_seen >= timeout_s:
                    print(f"{name}: no chief at {host}:{port} for {timeout_s:g} s; stopping. Start "
                          "the worker again once the chief runs (the search resumes).",
                          file=sys.stderr, flush=True)
                    os._exit(4)
            time.sleep(CHIEF_PROBE_S)
    threading.Thread(target=watch, daemon=True).start()


def exit_with_parent(parent_pid: int):
    """A worker started by a chief ends when the chief does (else it would wait an hour on
    keras-tuner's gRPC timeout)."""
    def watch():
        while True:
            if os.getppid() != parent_pid:
                os._exit(3)
            time.sleep(1)
    threading.Thread(target=watch, daemon=True).start()
