#!/usr/bin/env python3
"""bench/repeat.sh's two ends.

  recv PORT OUT READY     hears UDP PORT; writes one line per datagram: the
                          one-way latency in microseconds (the sender's
                          monotonic time is in the payload: one clock, one host)
  send DST PORT N GAP_US  N datagrams, GAP_US apart, each stamped
"""
import socket, struct, sys, time

if sys.argv[1] == "recv":
    port, out, ready = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("0.0.0.0", port))
    open(ready, "w").close()
    with open(out, "w", buffering=1) as f:
        while True:
            d = s.recv(2048)
            now = time.monotonic_ns()
            if len(d) >= 8:
                f.write("%d\n" % ((now - struct.unpack("!Q", d[:8])[0]) // 1000))
else:
    dst, port, n, gap = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]) / 1e6
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    pad = b"discovery " * 8
    nxt = time.monotonic()
    for i in range(n):
        s.sendto(struct.pack("!Q", time.monotonic_ns()) + pad, (dst, port))
        nxt += gap
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
