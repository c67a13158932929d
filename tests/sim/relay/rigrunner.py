#!/usr/bin/env python3
"""Emulator of a West Mountain Radio RIGrunner 4005i: /status.xml with
<rr4005i> (SUPPLY, RAILLOADn, RAILENAn), ?RAILENAn=0|1 on /status.xml and
/index.htm, /settings.cgi lines RAILSTRn=Name. Rails start enabled."""
import argparse
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from simlog import EventLog, ready

ap = argparse.ArgumentParser()
ap.add_argument("--bind", default="0.0.0.0")
ap.add_argument("--port", type=int, default=80)
ap.add_argument("--names", default="Station,Radio,Rotator,Aux,Pi")
ap.add_argument("--loads", default="2.10,1.30,0.00,0.45,0.60")
ap.add_argument("--supply", default="13.71")
ap.add_argument("--delay", type=float, default=0)
ap.add_argument("--events")
ap.add_argument("--ready")
args = ap.parse_args()

log = EventLog(args.events)
names = args.names.split(",")
loads = [float(x) for x in args.loads.split(",")]
ena = [1] * 5


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):
        pass

    def reply(self, code, body, ctype="text/xml"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        log.write("req", self.path)
        if args.delay:
            time.sleep(args.delay / 1000)
        u = urlsplit(self.path)
        if u.path in ("/status.xml", "/index.htm"):
            for k, v in parse_qs(u.query).items():
                if k.startswith("RAILENA") and k[7:].isdigit() and int(k[7:]) < 5 and v[0] in ("0", "1"):
                    n = int(k[7:])
                    if ena[n] != int(v[0]):
                        ena[n] = int(v[0])
                        log.write("set", n, ena[n])
            if u.path == "/index.htm":
                return self.reply(200, b"<html>RIGrunner</html>", "text/html")
            x = ["<?xml version='1.0'?>", "<rr4005i>", "<SUPPLY>%s</SUPPLY>" % args.supply]
            x += ["<RAILLOAD%d>%.2f</RAILLOAD%d>" % (i, loads[i] if ena[i] else 0.0, i) for i in range(5)]
            x += ["<RAILENA%d>%d</RAILENA%d>" % (i, ena[i], i) for i in range(5)]
            x += ["<TEMP>31.2</TEMP>", "</rr4005i>", ""]
            return self.reply(200, "\n".join(x).encode())
        if u.path == "/settings.cgi":
            body = "".join("RAILSTR%d=%s\n" % (i, n) for i, n in enumerate(names)) + "RAILFUSE0=10\n"
            return self.reply(200, body.encode(), "text/plain")
        return self.reply(404, b"not found", "text/html")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server((args.bind, args.port), Handler)
ready(args.ready)
srv.serve_forever()
