#!/usr/bin/env python3
"""Emulator of a KMTronic LAN web relay board (W8CR and friends).

Routes: /FFnnss (nn = relay, 2 hex digits), /FFE0xx (whole bank), /relays.cgi
(status page; ?relay=N toggles), /status.xml. Fault modes from the field:
--quirk-404 answers 404 to switch commands yet switches; --hang makes the
board stop answering for good once two requests overlap or arrive closer
than --min-gap ms; --delay adds latency; --temp-module serves the DS1820
temperature module's status.xml instead. Auth: --auth USER:PASS (Basic).
--status-delay adds latency to status.xml only (a board busy with its web
page); --rest-reply hang|reset|truncate switches a relay back to 0 and then
loses the reply to that command: answers after 5 s, resets the connection,
or sends half of it (what a board on a weak Wi-Fi bridge does).
"""
import argparse
import base64
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from simlog import EventLog, ready

ap = argparse.ArgumentParser()
ap.add_argument("--bind", default="0.0.0.0")
ap.add_argument("--port", type=int, default=80)
ap.add_argument("--relays", type=int, default=8)
ap.add_argument("--relay0", default="1")
ap.add_argument("--auth", help="USER:PASS; absent = no login")
ap.add_argument("--quirk-404", action="store_true")
ap.add_argument("--hang", action="store_true")
ap.add_argument("--min-gap", type=float, default=300, help="ms; closer requests hang the board (--hang)")
ap.add_argument("--delay", type=float, default=0, help="ms before each reply")
ap.add_argument("--temp-module", action="store_true")
ap.add_argument("--status-delay", type=float, default=0, help="ms before each status.xml reply")
ap.add_argument("--rest-reply", choices=["hang", "reset", "truncate"])
ap.add_argument("--events")
ap.add_argument("--ready")
args = ap.parse_args()

log = EventLog(args.events)
state = [0] * (args.relays + 1)
mutex = threading.Lock()
busy = 0
last_start = None
hung = False


def set_relay(n, v):
    if 1 <= n <= args.relays and state[n] != v:
        state[n] = v
        log.write("set", n, v)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", ctype="text/html", extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        global busy, last_start, hung
        now = time.monotonic()
        with mutex:
            log.write("req", self.path)
            if args.hang and not hung:
                too_close = last_start is not None and (now - last_start) * 1000 < args.min_gap
                if busy > 0 or too_close:
                    hung = True
                    log.write("hang", "overlap" if busy > 0 else "gap=%.0fms" % ((now - last_start) * 1000))
            last_start = now
            busy += 1
            is_hung = hung
        try:
            if is_hung:
                time.sleep(3600)  # the real board needs a power cycle
                return
            self.handle_get()
        finally:
            with mutex:
                busy -= 1

    def handle_get(self):
        if args.delay:
            time.sleep(args.delay / 1000)
        if args.auth:
            want = "Basic " + base64.b64encode(args.auth.encode()).decode()
            if self.headers.get("Authorization") != want:
                log.write("auth-fail")
                return self.reply(401, b"<html>401 Unauthorized</html>",
                                  extra={"WWW-Authenticate": 'Basic realm="KMTronic"'})
        path = self.path
        m = re.fullmatch(r"/FF([0-9A-Fa-f]{2})(0[01])", path)
        if m and m.group(1).upper() != "E0":
            set_relay(int(m.group(1), 16), int(m.group(2)))
            if args.rest_reply and m.group(2) == "00":
                return self.lose_reply()
            return self.reply(404 if args.quirk_404 else 200, b"")
        m = re.fullmatch(r"/FFE0([0-9A-Fa-f]{2})", path)
        if m:
            log.write("bank", m.group(1))
            bits = int(m.group(1), 16)
            for n in range(1, args.relays + 1):
                set_relay(n, (bits >> (n - 1)) & 1)
            return self.reply(404 if args.quirk_404 else 200, b"")
        m = re.fullmatch(r"/relays\.cgi\?relay=(\d+)", path)
        if m:
            log.write("toggle", m.group(1))
            n = int(m.group(1))
            set_relay(n, 1 - state[n] if 1 <= n <= args.relays else 0)
            return self.reply(200, b"")
        if path == "/relays.cgi":
            body = "<html><body>Status: %s</body></html>" % " ".join(str(v) for v in state[1:])
            return self.reply(200, body.encode())
        if path == "/status.xml":
            if args.status_delay:
                time.sleep(args.status_delay / 1000)
            if args.temp_module:
                body = "<response>\n<temp0>21.5</temp0>\n<name0>Sensor1</name0>\n</response>\n"
            else:
                lines = ["<response>", "<relay0>%s</relay0>" % args.relay0]
                lines += ["<relay%d>%d</relay%d>" % (n, state[n], n) for n in range(1, args.relays + 1)]
                body = "\r\n".join(lines + ["</response>", ""])
            return self.reply(200, body.encode(), "text/xml")
        return self.reply(404, b"<html>404 Not Found</html>")


    def lose_reply(self):
        log.write("lost-reply", args.rest_reply)
        if args.rest_reply == "hang":
            time.sleep(5)
            return self.reply(200, b"")
        if args.rest_reply == "reset":
            import socket
            import struct
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n<html>")
        self.wfile.flush()
        self.connection.shutdown(2)
        self.connection.close()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server((args.bind, args.port), Handler)
ready(args.ready)
srv.serve_forever()
