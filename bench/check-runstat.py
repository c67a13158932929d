#!/usr/bin/env python3
"""Run commands round-robin and report wall, CPU and peak RSS per command.

Usage: check-runstat.py RUNS OUTDIR SPECFILE
SPECFILE: one case per line, "LABEL<TAB>argv0<TAB>argv1...". Each case runs
RUNS times, interleaved with the others so that load from the rest of the
machine falls on all alike, each under GNU time: peak RSS is its %M (the
largest single process of the tree, not a sum). CPU is user+sys from wait4()
on GNU time, with microsecond resolution where time prints 10 ms: the command,
every child it waited for, and GNU time itself (its share shows in an empty
program's row). (Not wait4 on the command itself: a process forked from
Python carries Python's RSS into ru_maxrss across exec.) The last run's stdout
goes to OUTDIR/<case index>.out.
"""
import os
import statistics
import sys
import time

runs, outdir, spec = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cases = [line.rstrip("\n").split("\t") for line in open(spec) if line.strip()]
stats = [{"wall": [], "cpu": [], "rss": 0} for _ in cases]

def run(i):
    rssfile = os.path.join(outdir, f"{i}.rss")
    argv = ["/usr/bin/time", "-f", "%M", "-o", rssfile] + cases[i][1:]
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        out = os.open(os.path.join(outdir, f"{i}.out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        err = os.open(os.path.join(outdir, f"{i}.err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, 1)
        os.dup2(err, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, _, ru = os.wait4(pid, 0)
    s = stats[i]
    s["wall"].append(time.monotonic() - t0)
    s["cpu"].append(ru.ru_utime + ru.ru_stime)
    s["rss"] = max(s["rss"], int(open(rssfile).read().split()[-1]))

for r in range(runs):
    for k in range(len(cases)):
        run((r + k) % len(cases))

for (label, *_), s in zip(cases, stats):
    wall = statistics.median(s["wall"])
    cpu = [c * 1000 for c in s["cpu"]]
    print(f"{label:<46} {runs:>3}  wall {wall:7.3f} s  CPU {statistics.median(cpu):7.1f} ms"
          f" (min {min(cpu):6.1f})  peak RSS {s['rss'] / 1024:5.1f} MB")
