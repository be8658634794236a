"""One training run per checkpoint: a lock file next to the checkpoint, naming the run that holds it.

Two runs saving to one path would each overwrite the other's work (the last writer wins, and
two resumed runs of 100 steps end 100 steps on, not 200). So a run first creates
``<checkpoint>.lock`` with ``O_CREAT | O_EXCL`` (only one process can) and writes its process id,
host and command line into it; a second run finds the file and refuses at once, naming the first.

A run that dies without removing its lock (SIGKILL, power loss) leaves a stale lock. Where the
operating system offers ``fcntl.flock`` (Linux, macOS), the holder also keeps an advisory lock on
the file, which the kernel drops when the process dies however it dies: a lock file nobody holds
is stale and is taken over, with no guess from process ids (which are reused). Elsewhere (Windows,
file systems without flock), a lock whose process id no longer runs on this host is taken over;
there, two runs started in the same instant on one stale lock could both take it over.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import sys
import time
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

__all__ = ["CheckpointLock", "LockBusy"]


@contextmanager
def _signals_held():
    """Hold back SIGINT, SIGTERM and SIGHUP (delivered when the block ends), where the system can."""
    stops = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class LockBusy(ValueError):
    """Another live process holds the lock; the message names it."""


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill would terminate it; assume it runs
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


class CheckpointLock:
    """Exclusive use of a checkpoint path by this process, as a context manager.

    Parameters
    ----------
    checkpoint : str or Path
        The lock is ``<checkpoint>.lock`` in the same folder (which must exist).

    Raises
    ------
    LockBusy
        On entering, if another running process holds the lock.
    """

    def __init__(self, checkpoint):
        self.checkpoint = Path(checkpoint)
        self.path = self.checkpoint.with_name(self.checkpoint.name + ".lock")
        self._fd = None
        self.took_over = None  # what the stale lock said, if one was taken over

    def _describe(self, info: dict) -> str:
        started = info.get("started")
        when = (
            time.strftime(" since %Y-%m-%d %H:%M:%S", time.localtime(started))
            if isinstance(started, (int, float))
            else ""
        )
        return f"process {info.get('pid', '?')} on {info.get('host', '?')}{when}" + (
            f" ({info['command']})" if info.get("command") else ""
        )

    def _read(self, fd) -> dict:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            info = json.loads(os.read(fd, 65536).decode("utf-8"))
            return info if isinstance(info, dict) else {}
        except (OSError, ValueError):
            return {}  # empty (its creator has not written it yet) or damaged

    def _write(self, fd) -> None:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.time(),
            "command": " ".join(sys.argv)[:300],
        }
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(info).encode("utf-8"))

    def _busy(self, info: dict) -> LockBusy:
        return LockBusy(
            f"{self.checkpoint} is in use by another training run, {self._describe(info)}: wait "
            f"for it to finish or stop it, or use another --checkpoint (its lock file is {self.path})"
        )

    def acquire(self) -> None:
        with _signals_held():  # a stop signal must not leave a lock file that nobody holds
            self._acquire()
        # and if a stop signal interrupts the way out before release() ran, the exit still removes it
        atexit.register(self.release)

    def _acquire(self) -> None:
        for _ in range(100):  # each retry means another process changed the file meanwhile
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
                created = True
            except FileExistsError:
                try:
                    fd = os.open(self.path, os.O_RDWR)
                except FileNotFoundError:  # its holder just removed it
                    continue
                created = False
            flocked = False
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    flocked = True
                except BlockingIOError:  # a live process holds it (perhaps one that created it a moment ago)
                    info = self._read(fd)
                    os.close(fd)
                    raise self._busy(info) from None
                except OSError:  # a file system without flock (some network ones): process ids decide
                    pass
            if flocked:
                # the holder unlinks the file before it lets go: if ours is no longer the file at
                # this path, we hold a lock nobody else will look at, so try again
                try:
                    same = os.path.samestat(os.fstat(fd), os.stat(self.path))
                except FileNotFoundError:
                    same = False
                if not same:
                    os.close(fd)
                    continue
                if not created:
                    self.took_over = self._read(fd)
            elif not created:
                info = self._read(fd)
                if (
                    info.get("host") != socket.gethostname()
                    or not isinstance(info.get("pid"), int)
                    or _pid_alive(info["pid"])
                ):
                    os.close(fd)
                    raise self._busy(info)
                self.took_over = info
            self._write(fd)
            self._fd = fd
            return
        raise LockBusy(f"could not lock {self.checkpoint}: {self.path} keeps changing; is another run starting?")

    def release(self) -> None:
        if self._fd is None:
            return
        with _signals_held():  # a stop signal arriving now is handled once the file is gone
            try:
                os.unlink(self.path)  # before letting go of the flock: see acquire()
            except FileNotFoundError:
                pass
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CheckpointLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
