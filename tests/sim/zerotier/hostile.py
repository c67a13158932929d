#!/usr/bin/env python3
"""A hostile stand-in for the ZeroTier local API, as any local user can bind
127.0.0.1:9993 while zerotier-one is down. Modes:
  endless  200 OK, chunked, a body that never ends
  escapes  valid answers (the 1.14.1 fixtures) whose strings carry terminal
           escapes, a forged "\\r\\nOK ..." line and a 3 MB network name
Writes its port to HOME/zerotier-one.port and a token to HOME/authtoken.secret.
"""
import json
import os
import socket
import sys
import threading

mode, home = sys.argv[1], sys.argv[2]
fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
EVIL = "\x1b[2J\x1b]0;owned\x07\r\nOK zerotier.route all fine"


def load(name):
    with open(os.path.join(fixtures, name + ".json")) as f:
        return json.load(f)


def answers():
    status = load("nodeB-status-online")
    status["version"] = "1.14.1" + EVIL
    nets = load("nodeB-network-list-ok")
    for n in nets:
        n["name"] = EVIL + "x" * (3 << 20)  # under the 4 MiB cap: bounded by the parser
        n["status"] = "OK" + EVIL
    peers = load("nodeB-peer-list")
    return {"/status": status, "/network": nets, "/peer": peers}


ANSWERS = answers() if mode == "escapes" else {}


def serve(c):
    try:
        req = b""
        while b"\r\n\r\n" not in req:
            chunk = c.recv(4096)
            if not chunk:
                return
            req += chunk
        path = req.split(b" ")[1].decode()
        if mode == "endless":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            block = b"%x\r\n%s\r\n" % (65536, b"[" * 65536)
            while True:
                c.sendall(block)
        body = ANSWERS.get(path.rstrip("/"))
        if body is None and path.startswith("/network/"):
            body = next((n for n in ANSWERS["/network"] if n["id"] == path.split("/")[2]), {})
        data = json.dumps(body if body is not None else {}).encode()
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                  b"Connection: close\r\n\r\n" % len(data) + data)
    except OSError:
        pass
    finally:
        c.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
os.makedirs(home, exist_ok=True)
with open(os.path.join(home, "authtoken.secret"), "w") as f:
    f.write("hostiletoken0123456789ab\n")
os.chmod(os.path.join(home, "authtoken.secret"), 0o600)
with open(os.path.join(home, "zerotier-one.port.tmp"), "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(os.path.join(home, "zerotier-one.port.tmp"), os.path.join(home, "zerotier-one.port"))
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
