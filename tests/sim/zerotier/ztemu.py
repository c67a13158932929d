#!/usr/bin/env python3
"""ZeroTier-One 1.14.1 local API emulator for bdctl tests.

Serves the captured fixtures (shared/fixtures/zerotier) byte for byte: status
line, headers and body, quirks included (401 {}, 404 with an empty body and no
Content-Type, {} for an unknown peer). A few states were never captured as a
whole; those bodies are derived from a fixture by one documented change
(see STATES). Like the daemon it writes <home>/zerotier-one.port and, if
missing, <home>/authtoken.secret (mode 0600).

States (--state, or the first word of --control FILE, re-read per request):
  offline        node offline, joined network REQUESTING_CONFIGURATION, 4 planets without paths
  tunneled       online through the TCP fallback relay (status: tcpFallbackActive true), network OK + LAN route
  requesting     online (moon reachable), network still REQUESTING_CONFIGURATION
  access-denied  online, network ACCESS_DENIED (not authorised in Central)
  ok-noroute     online, network OK, no managed route to the LAN via this node (the fixture as captured)
  ok-route       as ok-noroute plus the LAN route via this node's address (--lan-route)
  ok-hostbits    as ok-route, but the route target has host bits set (--lan-route-bad)
  no-network     online, no network joined
  two-networks   online, two networks joined (requesting + OK)
  wrong-token    every request answered 401 {} (the token in the file is not the daemon's)
  slow           as ok-route, each answer delayed by --delay seconds
  bridge-ok      online, network OK and set up for bridging: this member may bridge (bridge true,
                 what "Allow Ethernet Bridging" in Central gives), allowManaged 0, no managed address
  bridge-denied  as bridge-ok, but Central has not allowed this member to bridge (bridge false)
  moved          online, the network left and another joined (8056c2e21c000002 on ztmoved0,
                 10.147.30.54/24, with the LAN route via it): the site moved networks
"""
import argparse
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FIXTURES = os.path.join(HERE, "fixtures")  # copied from shared/fixtures/zerotier
STATES = ["offline", "tunneled", "requesting", "access-denied", "ok-noroute", "ok-route",
          "ok-hostbits", "no-network", "two-networks", "wrong-token", "slow", "ok-noroute-v6", "moved",
          "bridge-ok", "bridge-denied"]


class Fixtures:
    def __init__(self, d):
        self.dir = d

    def raw(self, name):
        """(status line + headers as bytes, body bytes) exactly as captured."""
        with open(os.path.join(self.dir, name + ".hdr"), "rb") as f:
            hdr = f.read()
        with open(os.path.join(self.dir, name + ".json"), "rb") as f:
            body = f.read()
        return hdr, body

    def derived(self, name, body):
        """A captured response whose body was changed: same status line and
        headers, Content-Length recomputed, compact sorted JSON like the daemon."""
        hdr, _ = self.raw(name)
        data = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        hdr = re.sub(rb"Content-Length: \d+", b"Content-Length: %d" % len(data), hdr)
        return hdr, data

    def json(self, name):
        return json.loads(self.raw(name)[1])


def build(fx, state, lan_route, bad_route):
    """Response table for a state: path -> (hdr, body); plus lookup tables."""
    online = fx.raw("nodeB-status-online")
    me = "10.147.20.54"  # node B's address in nodeB-network-ok
    ok_net = fx.json("nodeB-network-ok")

    def with_route(target):
        n = json.loads(json.dumps(ok_net))
        n["routes"].append({"flags": 0, "metric": 0, "target": target, "via": me})
        return n

    nets, peers, status = [], fx.json("nodeB-peer-list"), online
    net_fixture = "nodeB-network-ok"
    if state == "offline":
        status, nets, peers = fx.raw("status"), [fx.json("network-get-requesting")], fx.json("peer-list")
        net_fixture = "network-get-requesting"
    elif state == "requesting":
        nets, net_fixture = [fx.json("network-get-requesting")], "network-get-requesting"
    elif state == "access-denied":
        nets, net_fixture = [fx.json("nodeB-network-access-denied")], "nodeB-network-access-denied"
    elif state == "ok-noroute":
        nets = [ok_net]
    elif state == "ok-noroute-v6":
        # IPv6 assigned too (an RFC 4193 address), and listed first, as the
        # service lists them: an IPv4 route must still go via the IPv4 address.
        n = json.loads(json.dumps(ok_net))
        n["assignedAddresses"].insert(0, "fddc:6f0c:a8a3:4f18:1199:937c:b4b1:2ad5/88")
        nets = [n]
    elif state in ("ok-route", "slow", "tunneled"):
        nets = [with_route(lan_route)]
    elif state == "ok-hostbits":
        nets = [with_route(bad_route)]
    elif state == "two-networks":
        nets = [fx.json("network-get-requesting"), ok_net]
    elif state == "moved":
        # What `zerotier-cli leave` of the old network and `join` of a new one
        # leave behind: another ID, another interface name, another subnet.
        n = json.loads(json.dumps(ok_net))
        n.update({"id": "8056c2e21c000002", "nwid": "8056c2e21c000002", "portDeviceName": "ztmoved0",
                  "assignedAddresses": ["10.147.30.54/24"],
                  "routes": [{"flags": 0, "metric": 0, "target": "10.147.30.0/24", "via": None},
                             {"flags": 0, "metric": 0, "target": lan_route, "via": "10.147.30.54"}]})
        nets, net_fixture = [n], "nodeB-network-ok"
    elif state in ("bridge-ok", "bridge-denied"):
        # `zerotier-cli set NWID allowManaged=0` drops the managed address.
        n = json.loads(json.dumps(ok_net))
        n.update({"bridge": state == "bridge-ok", "allowManaged": False, "assignedAddresses": []})
        nets = [n]
    if state == "tunneled":
        s = json.loads(online[1])
        s["tcpFallbackActive"] = True
        status = fx.derived("nodeB-status-online", s)
    return status, nets, net_fixture, peers


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = ""

    def log_message(self, fmt, *args):  # quiet unless asked
        if self.server.opts.verbose:
            sys.stderr.write("ztemu: " + (fmt % args) + "\n")

    def state(self):
        o = self.server.opts
        if o.control and os.path.exists(o.control):
            with open(o.control) as f:
                words = f.read().split()
            if words:
                return words[0]
        return o.state

    def send_raw(self, resp):
        hdr, body = resp
        self.wfile.write(hdr)
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        o, fx = self.server.opts, self.server.fx
        self.server.requests += 1
        state = self.state()
        if state == "slow":
            time.sleep(o.delay)
        path = self.path.split("?", 1)[0]
        # cpp-httplib routes first: an unmatched path is 404 with no body, even without a token.
        routes = [r"/status", r"/health", r"/network", r"/network/[0-9a-fA-F]{16}", r"/peer",
                  r"/peer/[0-9a-fA-F]{10}"]
        if not any(re.fullmatch(r, path) for r in routes):
            return self.send_raw(fx.raw("unknown-path"))
        if path == "/health":
            return self.send_raw(fx.raw("health-noauth"))
        token = self.headers.get("X-ZT1-Auth")
        if token is None:
            return self.send_raw(fx.raw("status-missing-token"))
        if state == "wrong-token" or token.strip() != self.server.token:
            return self.send_raw(fx.raw("status-wrong-token"))
        status, nets, net_fixture, peers = build(fx, state, o.lan_route, o.lan_route_bad)
        if path == "/status":
            return self.send_raw(status)
        if path == "/network":
            if not nets:
                return self.send_raw(fx.raw("network-list-empty"))
            return self.send_raw(fx.derived("nodeB-network-list-ok", nets))
        if path.startswith("/network/"):
            nwid = path[len("/network/"):].lower()
            for n in nets:
                if n["id"] == nwid:
                    if n == fx.json(net_fixture):
                        return self.send_raw(fx.raw(net_fixture))
                    return self.send_raw(fx.derived("nodeB-network-ok", n))
            return self.send_raw(fx.raw("network-get-notjoined"))
        if path == "/peer":
            return self.send_raw(fx.derived("nodeB-peer-list", peers))
        if path.startswith("/peer/"):
            addr = path[len("/peer/"):].lower()
            for p in peers:
                if p["address"] == addr:
                    return self.send_raw(fx.derived("nodeB-peer-get-moon", p))
            return self.send_raw(fx.raw("peer-get-unknown"))
        return self.send_raw(fx.raw("unknown-path"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", required=True, help="home dir: zerotier-one.port and authtoken.secret go here")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0: a random free port")
    ap.add_argument("--state", default="ok-route", choices=STATES)
    ap.add_argument("--control", help="file whose first word overrides --state, read per request")
    ap.add_argument("--fixtures", default=os.environ.get("BDCTL_ZT_FIXTURES", DEFAULT_FIXTURES))
    ap.add_argument("--lan-route", default="192.168.0.0/23")
    ap.add_argument("--lan-route-bad", default="192.168.1.0/23")
    ap.add_argument("--delay", type=float, default=5.0)
    ap.add_argument("--verbose", action="store_true")
    o = ap.parse_args()

    os.makedirs(o.home, exist_ok=True)
    tok = os.path.join(o.home, "authtoken.secret")
    if not os.path.exists(tok):
        import secrets, string
        alphabet = string.ascii_lowercase + string.digits
        fd = os.open(tok, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, "".join(secrets.choice(alphabet) for _ in range(24)).encode())
        os.close(fd)
    with open(tok) as f:
        token = f.read().strip()

    srv = ThreadingHTTPServer((o.bind, o.port), Handler)
    srv.daemon_threads = True
    srv.opts, srv.fx, srv.token, srv.requests = o, Fixtures(o.fixtures), token, 0
    port = srv.server_address[1]
    tmp = os.path.join(o.home, ".zerotier-one.port.tmp")
    with open(tmp, "w") as f:
        f.write(str(port))  # no trailing newline, as the daemon writes it
    os.rename(tmp, os.path.join(o.home, "zerotier-one.port"))
    sys.stdout.write("%d\n" % port)
    sys.stdout.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()
