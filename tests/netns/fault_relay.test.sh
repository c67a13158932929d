#!/usr/bin/env bash
# Fault injection: a relay board that accepts the TCP connection and never
# answers, from the first request or from the middle of a pulse. bdctl-relay
# must give up in bounded time, never leave a relay energised without saying
# so, and `recover` must bring it to rest once the board answers again.
. "$(dirname "$0")/lib.sh"

ns pi
# A KMTronic web board stand-in on the namespace's loopback: answers
# /status.xml and /FFnnss like the board, logs each request and switch to
# $T_TMP/ev.PORT, and from request number HANG_AFTER+1 on, while the file
# $T_TMP/hang.PORT exists, accepts and reads requests but never answers.
board() {  # board PORT HANG_AFTER
  touch "$T_TMP/hang.$1"
  bg on pi python3 -c '
import sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, hang_after, tmp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
state, n, lock = [0] * 9, [0], threading.Lock()
def log(*a):
    with open("%s/ev.%d" % (tmp, port), "a") as f: f.write(" ".join(map(str, a)) + "\n")
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *a): pass
    def do_GET(self):
        with lock:
            n[0] += 1; k = n[0]
        log("req", k, self.path)
        import os
        if k > hang_after and os.path.exists("%s/hang.%d" % (tmp, port)):
            log("hung", k)
            time.sleep(3600); return
        if self.path.startswith("/FF") and len(self.path) == 7:
            ch, v = int(self.path[3:5], 16), int(self.path[5:7])
            if 1 <= ch <= 8 and state[ch] != v: state[ch] = v; log("set", ch, v)
            body = b""
        else:
            body = ("<response><relay0>1</relay0>" + "".join("<relay%d>%d</relay%d>" % (i, state[i], i) for i in range(1, 9)) + "</response>").encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
class S(ThreadingHTTPServer):
    daemon_threads = True; allow_reuse_address = True
S(("127.0.0.1", port), H).serve_forever()
' "$1" "$2" "$T_TMP"
  for _ in $(seq 50); do on pi python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null && return; sleep 0.1; done
}
cat >"$T_TMP/relay.toml" <<'CONF'
[boards.mute]
driver = "kmtronic-http"
url = "http://127.0.0.1:8081"
timeout = "1s"
spacing = "0ms"
[boards.flaky]
driver = "kmtronic-http"
url = "http://127.0.0.1:8082"
timeout = "1s"
spacing = "0ms"
[relays.reset1]
board = "mute"
channel = 1
momentary = true
pulse = "300ms"
[relays.lamp]
board = "mute"
channel = 2
[relays.reset2]
board = "flaky"
channel = 1
momentary = true
pulse = "300ms"
CONF
R() { on pi bdctl-relay -c "$T_TMP/relay.toml" "$@"; }
timed() {  # timed ARGS...: bdctl-relay ARGS in the Pi's namespace; $RC, $MS, $T_TMP/rerr
  local t0; t0=$(date +%s%N)
  R "$@" >"$T_TMP/rout" 2>"$T_TMP/rerr"; RC=$?
  MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}
state_of() {  # state_of NAME: at_rest of a relay as bdctl-relay reads it
  R --json status "$1" 2>/dev/null | python3 -c 'import json,sys; r=json.load(sys.stdin)["relays"][0]; print((r["after"] or r["before"])["at_rest"])'
}

# --- a board that never answers anything -------------------------------------
board 8081 0
for cmd in "pulse reset1" "on lamp" "off lamp" "status reset1"; do
  timed --json $cmd
  check_eq "mute board, $cmd: exit 1" 1 "$RC"
  check "mute board, $cmd: gives up within 3 s of a 1 s timeout (took $MS ms)" test "$MS" -lt 3000
  check "mute board, $cmd: the result names the board's failure" grep -q 'board mute (http://127.0.0.1:8081/status.xml): no reply within 1s' "$T_TMP/rout" "$T_TMP/rerr"
done
check_not "mute board: no switch command was ever sent (only status reads)" grep -q 'req [0-9]* /FF' "$T_TMP/ev.8081"

# --- a board that hangs in the middle of a pulse --------------------------------
# Requests 1 (status) and 2 (relay on) are answered; everything after hangs,
# so the relay is energised and cannot be switched back.
board 8082 2
timed --json pulse reset2
check_eq "board hangs mid-pulse: exit 1" 1 "$RC"
check "board hangs mid-pulse: the relay was energised first" grep -q '^set 1 1' "$T_TMP/ev.8082"
check "board hangs mid-pulse: bounded (pulse + 5 s of retries + slack; took $MS ms)" test "$MS" -lt 9000
check "board hangs mid-pulse: says STUCK and points to recover" grep -q 'STUCK.*recover' "$T_TMP/rout"
check "board hangs mid-pulse: the intent record is kept" bash -c "ls -R '$BDCTL_STATE_DIR' | grep -qi intent"
# The board answers again (as after a power cycle of its controller).
rm -f "$T_TMP/hang.8082"
timed --json recover
check_eq "recover once the board answers: exit 0" 0 "$RC"
check_eq "recover: the relay was switched back" "set 1 0" "$(grep '^set 1' "$T_TMP/ev.8082" | tail -1)"
check_eq "recover: the relay reads at rest" True "$(state_of reset2)"
check_eq "recover: nothing left to recover" "[]" \
  "$(R --json recover | python3 -c 'import json,sys; print(json.load(sys.stdin)["recovered"])')"

done_testing
