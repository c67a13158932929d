#!/usr/bin/env python3
"""Summarise a /proc/PID/smaps copy (from check-memstat.c) smem-style.

Usage: check-smaps.py LABEL SMAPS CURLLIBS
CURLLIBS: a file naming, one per line (resolved paths), the shared objects
libcurl brings in beyond what bdctl-check links (from ldd). Prints one row, in MB: the program's
own peak RSS (VmHWM), then at exit RSS, PSS, private dirty memory (what this
process alone has written: the memory the run really costs) split into
anonymous (heap, malloc arenas, thread stacks), libcurl and its dependencies'
relocations and data, and the other objects' (binary, libbdctl, libstdc++,
libc...), and private clean pages (file pages no other process maps right
now: page cache that stays cached between runs and can be dropped).
"""
import os
import sys

label, smaps, curl_list = sys.argv[1], sys.argv[2], sys.argv[3]
curl = {l.strip() for l in open(curl_list) if l.strip()}
tot = {"Rss": 0, "Pss": 0, "Private_Clean": 0, "Private_Dirty": 0}
dirty = {"anon": 0, "curl": 0, "other": 0}
peak = 0
path = ""
for line in open(smaps):
    f = line.split()
    if not f:
        continue
    if "-" in f[0] and ":" not in f[0]:
        path = f[5] if len(f) > 5 else ""
        continue
    key = f[0].rstrip(":")
    if key == "VmHWM":
        peak = int(f[1])
    elif key in tot:
        tot[key] += int(f[1])
        if key == "Private_Dirty":
            kind = "anon" if not path.startswith("/") else "curl" if os.path.realpath(path) in curl else "other"
            dirty[kind] += int(f[1])

mb = lambda kb: f"{kb / 1024:5.1f}"
print(f"{label:<46} {mb(peak)} {mb(tot['Rss'])} {mb(tot['Pss'])}  {mb(tot['Private_Dirty'])} ="
      f" {mb(dirty['anon'])} {mb(dirty['curl'])} {mb(dirty['other'])}  {mb(tot['Private_Clean'])}")
