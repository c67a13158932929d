#!/usr/bin/env python3
"""Stand-ins for what a bridge between the LAN and ZeroTier must carry or stop.

  dhcpd DEV LOG [--ready FILE]
      The LAN's one DHCP server: logs every DHCP (udp 67) and DHCPv6 (udp 547,
      ff02::1:2) message it hears as a JSON line {proto, type, src}, and
      answers a DISCOVER with an OFFER by broadcast, as dnsmasq does for a
      client without an address.
  discover DEV LOG [--wait S]
      A DHCP client with no address: a DISCOVER from 0.0.0.0:68 to
      255.255.255.255:67 on DEV, then any OFFER heard within S seconds, logged.
  solicit DEV
      A DHCPv6 client: a SOLICIT from its link-local address, port 546, to
      ff02::1:2 port 547 on DEV.
  frame-send DEV ETHERTYPE [--count N]
      N broadcast Ethernet frames of another protocol (ETHERTYPE in hex).
  frame-listen DEV ETHERTYPE LOG [--ready FILE] [--for S]
      Counts the frames of ETHERTYPE received on DEV for S seconds, into LOG.
  syn-mss DEV PORT OUT [--for S]
      The MSS option of the first TCP SYN to PORT received on DEV, into OUT.
"""
import argparse, json, os, socket, struct, sys, time

SO_BINDTODEVICE = 25


def ready(path):
    if path:
        open(path, "w").close()


def dhcp_packet(msg_type, mac, xid):
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, bytes(4), bytes(4), bytes(4),
                        bytes(4), mac + bytes(10), bytes(64), bytes(128))
    return bootp + b"\x63\x82\x53\x63" + bytes([53, 1, msg_type, 255])


def dhcp_type(data):
    opts, i = data[240:], 0
    while i < len(opts) and opts[i] != 255:
        if opts[i] == 0:
            i += 1
            continue
        if opts[i] == 53:
            return opts[i + 2]
        i += 2 + opts[i + 1]
    return 0


def dhcpd(a):
    v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    v4.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    v4.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, a.dev.encode())  # the offer's way out, as dnsmasq's
    v4.bind(("0.0.0.0", 67))
    v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    v6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    v6.bind(("::", 547))
    for idx in socket.if_nameindex():
        try:
            mreq = socket.inet_pton(socket.AF_INET6, "ff02::1:2") + struct.pack("=I", idx[0])
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
        except OSError:
            pass
    ready(a.ready)
    import select
    while True:
        for s in select.select([v4, v6], [], [])[0]:
            data, src = s.recvfrom(4096)
            if s is v4:
                t = dhcp_type(data) if len(data) > 240 else 0
                rec = {"proto": "dhcp", "type": t, "src": src[0]}
            else:
                t, rec = 0, {"proto": "dhcpv6", "type": data[0] if data else 0, "src": src[0]}
            with open(a.log, "a") as f:
                f.write(json.dumps(rec) + "\n")
            if t == 1:  # DISCOVER -> OFFER, broadcast (the client has no address yet)
                offer = bytearray(dhcp_packet(2, data[28:34], struct.unpack("!I", data[4:8])[0]))
                offer[0] = 2
                v4.sendto(bytes(offer), ("255.255.255.255", 68))


def discover(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, a.dev.encode())
    s.bind(("0.0.0.0", 68))
    s.sendto(dhcp_packet(1, bytes.fromhex("02aabbccdd01"), 0x1234), ("255.255.255.255", 67))
    s.settimeout(0.2)
    end = time.time() + a.wait
    open(a.log, "a").close()
    while time.time() < end:
        try:
            data, src = s.recvfrom(4096)
        except socket.timeout:
            continue
        if len(data) > 240 and data[0] == 2:
            with open(a.log, "a") as f:
                f.write(json.dumps({"offer_from": src[0]}) + "\n")


def solicit(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, a.dev.encode())
    s.bind(("::", 546))
    idx = socket.if_nametoindex(a.dev)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    s.sendto(bytes([1, 0x12, 0x34, 0x56]) + struct.pack("!HH", 8, 2) + b"\x00\x00", ("ff02::1:2", 547, 0, idx))


def packet_socket(dev, ethertype):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ethertype))
    s.bind((dev, 0))
    return s


def frame_send(a):
    et = int(a.ethertype, 16)
    s = packet_socket(a.dev, et)
    mac = s.getsockname()[4]
    for i in range(a.count):
        s.send(b"\xff" * 6 + mac + struct.pack("!H", et) + b"bdctl frame %d" % i + bytes(32))


def frame_listen(a):
    et = int(a.ethertype, 16)
    s = packet_socket(a.dev, et)
    s.settimeout(0.2)
    ready(a.ready)
    n, end = 0, time.time() + a.for_s
    while time.time() < end:
        try:
            _, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] != socket.PACKET_OUTGOING:
            n += 1
    open(a.log, "w").write("%d\n" % n)


def syn_mss(a):
    s = packet_socket(a.dev, 3)
    s.settimeout(0.2)
    ready(a.out + ".ready")
    end = time.time() + a.for_s
    while time.time() < end:
        try:
            pkt, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING or struct.unpack("!H", pkt[12:14])[0] != 0x0800 or pkt[23] != 6:
            continue
        l4 = 14 + (pkt[14] & 15) * 4
        dport, flags, doff = struct.unpack("!H", pkt[l4 + 2:l4 + 4])[0], pkt[l4 + 13], (pkt[l4 + 12] >> 4) * 4
        if dport != a.port or flags & 0x12 != 0x02:
            continue
        opts, i, mss = pkt[l4 + 20:l4 + doff], 0, "none"
        while i < len(opts) and opts[i] != 0:
            if opts[i] == 1:
                i += 1
                continue
            if opts[i] == 2:
                mss = struct.unpack("!H", opts[i + 2:i + 4])[0]
            i += max(opts[i + 1], 2)
        open(a.out, "w").write("%s\n" % mss)
        return


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("dhcpd"); p.add_argument("dev"); p.add_argument("log"); p.add_argument("--ready")
    p = sub.add_parser("discover"); p.add_argument("dev"); p.add_argument("log"); p.add_argument("--wait", type=float, default=1.0)
    p = sub.add_parser("solicit"); p.add_argument("dev")
    p = sub.add_parser("frame-send"); p.add_argument("dev"); p.add_argument("ethertype"); p.add_argument("--count", type=int, default=1)
    p = sub.add_parser("frame-listen"); p.add_argument("dev"); p.add_argument("ethertype"); p.add_argument("log")
    p.add_argument("--ready"); p.add_argument("--for", dest="for_s", type=float, default=2.0)
    p = sub.add_parser("syn-mss"); p.add_argument("dev"); p.add_argument("port", type=int); p.add_argument("out")
    p.add_argument("--for", dest="for_s", type=float, default=5.0)
    a = ap.parse_args()
    {"dhcpd": dhcpd, "discover": discover, "solicit": solicit, "frame-send": frame_send,
     "frame-listen": frame_listen, "syn-mss": syn_mss}[a.cmd](a)


if __name__ == "__main__":
    main()
