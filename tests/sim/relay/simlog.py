"""Event log shared by the relay emulators: one line per event,
'MONOTONIC_SECONDS KIND ARGS...', so tests can time pulses against the same
CLOCK_MONOTONIC bdctl-relay uses, and see every request a board received."""
import os
import threading
import time

_lock = threading.Lock()


class EventLog:
    def __init__(self, path):
        self.path = path

    def write(self, kind, *args):
        if not self.path:
            return
        line = "%.6f %s %s\n" % (time.monotonic(), kind, " ".join(str(a) for a in args))
        with _lock, open(self.path, "a") as f:
            f.write(line)


def ready(path, text="ready"):
    """Tell the test the emulator is listening (written atomically)."""
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.rename(tmp, path)
