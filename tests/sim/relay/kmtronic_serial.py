#!/usr/bin/env python3
"""Emulator of a KMTronic USB/RS232 relay board over a pty: raw bytes
FF nn ss switch relay nn; FF 09 00 answers one byte 00/01 per relay (4- and
8-relay boards). The pty's device path is written to --link as a symlink."""
import argparse
import os
import select
import tty

from simlog import EventLog, ready

ap = argparse.ArgumentParser()
ap.add_argument("--link", required=True)
ap.add_argument("--relays", type=int, default=8)
ap.add_argument("--events")
ap.add_argument("--ready")
args = ap.parse_args()

log = EventLog(args.events)
state = [0] * (args.relays + 1)
master, slave = os.openpty()
tty.setraw(slave)
name = os.ttyname(slave)
# Keep our slave fd open: when the client closes its end the master must not see EIO.
if os.path.lexists(args.link):
    os.unlink(args.link)
os.symlink(name, args.link)
ready(args.ready, name)
buf = b""
while True:
    select.select([master], [], [])
    buf += os.read(master, 64)
    while len(buf) >= 3:
        if buf[0] != 0xFF:
            log.write("junk", "%02x" % buf[0])
            buf = buf[1:]
            continue
        n, v = buf[1], buf[2]
        buf = buf[3:]
        log.write("req", "FF%02X%02X" % (n, v))
        if n == 0x09 and v == 0x00 and args.relays <= 8:
            os.write(master, bytes(state[1:]))
        elif 1 <= n <= args.relays and v in (0, 1):
            if state[n] != v:
                state[n] = v
                log.write("set", n, v)
