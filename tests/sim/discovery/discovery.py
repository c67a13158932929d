#!/usr/bin/env python3
"""Stand-ins for the discovery traffic bdctl-repeat carries.

  listen PORT LOG [--group G --dev IF] [--reply TEXT] [--ready FILE] [--bind ADDR]
      Hears UDP on PORT (beside other listeners: SO_REUSEADDR, as SmartSDR
      and avahi do), joins multicast group G on IF, and writes one JSON line
      per datagram: src, sport, dst, ttl, dscp, payload. With --reply it
      answers each one, by unicast to its source, as a SmartSDR client or an
      HPSDR radio answers a discovery.
  radio IP [--count N --every S] [--answers LOG --wait S]
      A FlexRadio: its discovery broadcast to 255.255.255.255:4992 from port
      4992, a VITA-49 extension-data packet (class 0x534CFFFF, stream
      0x800) with the radio's key=value text, the same bytes every time, as
      the real radio repeats it each second; then the answers sent back to
      it, logged for S seconds.
  send PORT DST PAYLOAD [--count N] [--ttl T] [--sport P] [--dev IF] [--unique] [--gap-us G]
      Any datagram: a burst of N to DST (broadcast or a group), each payload
      numbered with --unique, paced G microseconds apart with --gap-us.
  ask PORT DST PAYLOAD LOG [--wait S] [--dev IF]
      An HPSDR-style discovery: one broadcast from an ephemeral port, then
      the answers that come back to that port by unicast within S seconds,
      one JSON line each (src, sport, payload).
"""
import argparse, json, os, socket, struct, sys, time

IP_PKTINFO, IP_RECVTOS, IP_RECVTTL = 8, 13, 12
IP_TOS_CMSG, IP_TTL_CMSG = 1, 2


def listen(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    for o in (IP_PKTINFO, IP_RECVTOS, IP_RECVTTL):
        s.setsockopt(socket.IPPROTO_IP, o, 1)
    s.bind((a.bind, a.port))
    if a.group:
        idx = socket.if_nametoindex(a.dev)
        mreq = socket.inet_aton(a.group) + socket.inet_aton("0.0.0.0") + struct.pack("=i", idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    if a.ready:
        open(a.ready, "w").close()
    while True:
        data, anc, _, (src, sport) = s.recvmsg(65535, 256)
        rec = {"src": src, "sport": sport, "payload": data.decode("latin-1")}
        for level, kind, val in anc:
            if level != socket.IPPROTO_IP:
                continue
            if kind == IP_PKTINFO:
                rec["dst"] = socket.inet_ntoa(val[8:12])
            elif kind == IP_TOS_CMSG:
                rec["dscp"] = val[0] >> 2
            elif kind == IP_TTL_CMSG:
                rec["ttl"] = struct.unpack("=i", val[:4])[0]
        with open(a.log, "a") as f:
            f.write(json.dumps(rec) + "\n")
        if a.reply and src != a.ignore:
            s.sendto(os.fsencode(a.reply), (src, sport))


def radio(a):
    text = ("discovery_protocol_version=3.0.0.2 model=FLEX-6600 serial=1719-0000-6600-0042 "
            "nickname=remote-station callsign=N0CALL ip=%s port=4992 status=Available" % a.ip).encode()
    text += b"\0" * (-len(text) % 4)
    words = 7 + len(text) // 4
    # VITA-49: ext data with stream id and class id, no timestamps; OUI 0x001C2D (FlexRadio).
    hdr = struct.pack(">IIII", (0x38 << 24) | words, 0x800, 0x00001C2D, 0x534CFFFF) + b"\0" * 12
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 4992))
    for i in range(a.count):
        s.sendto(hdr + text, ("255.255.255.255", 4992))
        if i + 1 < a.count:
            time.sleep(a.every)
    # A client answers the radio on its own port: the radio's socket, not a
    # listener beside it, is the one the kernel gives that unicast to.
    if a.answers:
        end = time.monotonic() + a.wait
        with open(a.answers, "a") as f:
            while (left := end - time.monotonic()) > 0:
                s.settimeout(left)
                try:
                    data, (src, sport) = s.recvfrom(65535)
                except socket.timeout:
                    break
                if src != a.ip:  # its own broadcast, looped back
                    f.write(json.dumps({"src": src, "sport": sport, "payload": data.decode("latin-1")}) + "\n")


def send(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, a.ttl)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.ttl)
    if a.dev:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.dev.encode())
    s.bind(("0.0.0.0", a.sport))
    nxt = time.monotonic()
    for i in range(a.count):
        body = "%s %d" % (a.payload, i) if a.unique else a.payload
        s.sendto(body.encode(), (a.dst, a.port))
        if a.gap_us:
            nxt += a.gap_us / 1e6
            time.sleep(max(0, nxt - time.monotonic()))


def ask(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    if a.dev:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.dev.encode())
    s.bind(("0.0.0.0", 0))
    s.sendto(os.fsencode(a.payload), (a.dst, a.port))  # argv bytes as given (EF FE 02)
    end = time.monotonic() + a.wait
    with open(a.log, "a") as f:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data, (src, sport) = s.recvfrom(65535)
            except socket.timeout:
                break
            f.write(json.dumps({"src": src, "sport": sport, "payload": data.decode("latin-1")}) + "\n")


p = argparse.ArgumentParser()
sub = p.add_subparsers(dest="cmd", required=True)
l = sub.add_parser("listen")
l.add_argument("port", type=int); l.add_argument("log")
l.add_argument("--group"); l.add_argument("--dev"); l.add_argument("--reply"); l.add_argument("--ready")
l.add_argument("--ignore", help="a source not to answer (its own address)")
l.add_argument("--bind", default="0.0.0.0", help="255.255.255.255: broadcasts only, never a unicast")
r = sub.add_parser("radio")
r.add_argument("ip"); r.add_argument("--count", type=int, default=1); r.add_argument("--every", type=float, default=1.0)
r.add_argument("--answers", help="log the unicast answers to this file"); r.add_argument("--wait", type=float, default=2.0)
s = sub.add_parser("send")
s.add_argument("port", type=int); s.add_argument("dst"); s.add_argument("payload")
s.add_argument("--count", type=int, default=1); s.add_argument("--ttl", type=int, default=1)
s.add_argument("--sport", type=int, default=0); s.add_argument("--dev"); s.add_argument("--unique", action="store_true")
s.add_argument("--gap-us", type=int, default=0, help="paced: this many microseconds between two")
k = sub.add_parser("ask")
k.add_argument("port", type=int); k.add_argument("dst"); k.add_argument("payload"); k.add_argument("log")
k.add_argument("--wait", type=float, default=2.0); k.add_argument("--dev")
a = p.parse_args()
{"listen": listen, "radio": radio, "send": send, "ask": ask}[a.cmd](a)
