#!/usr/bin/env python3
"""Emulator of a KMTronic UDP relay board: 6-byte ASCII commands on port
12345. FF0000 answers the status, one '0'/'1' per relay; FFnnss switches
relay nn (hex); --reply-to-set also answers set commands (undocumented on
real boards, so the driver must cope with both)."""
import argparse
import re
import socket
import time

from simlog import EventLog, ready

ap = argparse.ArgumentParser()
ap.add_argument("--bind", default="0.0.0.0")
ap.add_argument("--port", type=int, default=12345)
ap.add_argument("--relays", type=int, default=8)
ap.add_argument("--reply-to-set", action="store_true")
ap.add_argument("--delay", type=float, default=0)
ap.add_argument("--events")
ap.add_argument("--ready")
ap.add_argument("--malformed", action="store_true", help="answer status requests with noise (a board mid-reboot)")
args = ap.parse_args()

log = EventLog(args.events)
state = [0] * (args.relays + 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((args.bind, args.port))
ready(args.ready)
while True:
    data, peer = s.recvfrom(64)
    cmd = data.decode("ascii", "replace")
    log.write("req", cmd)
    if args.delay:
        time.sleep(args.delay / 1000)
    status = "".join(str(v) for v in state[1:]).encode()
    if cmd == "FF0000":
        s.sendto(b"\x00\xffERR" if args.malformed else status, peer)
        continue
    m = re.fullmatch(r"FF([0-9A-F]{2})(0[01])", cmd)
    if m:
        n, v = int(m.group(1), 16), int(m.group(2))
        if m.group(1) == "E0":
            log.write("bank", m.group(2))
        elif 1 <= n <= args.relays and state[n] != v:
            state[n] = v
            log.write("set", n, v)
        if args.reply_to_set:
            s.sendto(b"OK", peer)
