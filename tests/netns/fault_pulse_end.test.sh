#!/usr/bin/env bash
# Every pulse ends (#12): whatever fails between "energised" and "at rest"
# cannot skip the return to rest, a lost reply to the rest command is judged
# by reading the board back, and a slow read in the middle of a pulse is
# abandoned rather than allowed to lengthen it.
. "$(dirname "$0")/lib.sh"
export T_PREFIX T_TMP
SIM="$BDCTL_SRC/tests/sim/relay"
EV="$T_TMP/ev"; mkdir -p "$EV"

ns pi
start() {  # start NAME ARGS...: a KMTronic web board on the Pi's loopback
  local n=$1; shift
  bg on pi python3 "$SIM/kmtronic_http.py" --bind 127.0.0.1 --events "$EV/$n" --ready "$T_TMP/ready.$n" "$@"
  for _ in $(seq 100); do [ -e "$T_TMP/ready.$n" ] && return 0; sleep 0.05; done
  echo "emulator $n did not start"; exit 1
}
start plain --port 8081 --relays 2
start hang --port 8082 --relays 2 --rest-reply hang
start reset --port 8083 --relays 2 --rest-reply reset
start trunc --port 8084 --relays 2 --rest-reply truncate
start slow --port 8085 --relays 2 --status-delay 2500
bg on pi python3 "$SIM/rigrunner.py" --bind 127.0.0.1 --port 8086 --events "$EV/rr" --ready "$T_TMP/ready.rr"
for _ in $(seq 100); do [ -e "$T_TMP/ready.rr" ] && break; sleep 0.05; done

conf() {
  local n port
  for n in plain:8081 hang:8082 reset:8083 trunc:8084 slow:8085; do
    port=${n#*:}; n=${n%%:*}
    printf '[boards.%s]\ndriver = "kmtronic-http"\nurl = "http://127.0.0.1:%s"\ntimeout = "%s"\nspacing = "0ms"\n' \
      "$n" "$port" "$([ "$n" = slow ] && echo 3s || echo 1s)"
    printf '[relays.%s]\nboard = "%s"\nchannel = 1\nmomentary = true\npulse = "300ms"\n' "r$n" "$n"
  done
  # A RIGrunner rail: at rest it is on; a pulse switches it off, then on again.
  printf '[boards.rr]\ndriver = "rigrunner"\nurl = "http://127.0.0.1:8086"\ntimeout = "1s"\nspacing = "0ms"\n'
  printf '[relays.rstation]\nboard = "rr"\nchannel = 0\npulse = "300ms"\n'
}
conf >"$T_TMP/relay.toml"
relay() { on pi bdctl-relay -c "$T_TMP/relay.toml" --json "$@"; }
# at_rest NAME: the board's own state of channel 1 (read with Python, not bdctl).
at_rest() {
  local port; port=$(awk -v b="[boards.$1]" '$0==b{f=1} f&&/^url/{sub(/.*:/,"");sub(/"/,"");print;exit}' "$T_TMP/relay.toml")
  on pi python3 -c 'import sys,urllib.request,re
x = urllib.request.urlopen("http://127.0.0.1:%s/status.xml" % sys.argv[1], timeout=5).read().decode()
print(re.search(r"<relay1>(\d)</relay1>", x).group(1) == "0")' "$port"
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["relays"][0]; print(r[sys.argv[2]])' "$@"; }

# --- the state directory runs out of inodes after the relay was energised ---
cat >"$T_TMP/inodes.sh" <<'SH'
set -u
mount -t tmpfs -o size=1m,nr_inodes=$1,mode=0755 bdctl-inodes "$BDCTL_STATE_DIR" || exit 99
ip netns exec "${T_PREFIX}pi" bdctl-relay -c "$T_TMP/relay.toml" --json pulse rplain >"$T_TMP/i.out" 2>"$T_TMP/i.err"
echo $? >"$T_TMP/i.rc"
SH
mkdir -p "$BDCTL_STATE_DIR"
# inode_runs RELAY EVENTS AWAY BACK REST_CMD: pulse RELAY with 2..8 inodes
# free in the state dir; the board's EVENTS log shows AWAY when it left rest
# and BACK when it returned; REST_CMD prints True when the board is at rest.
inode_runs() {
  local relay=$1 ev=$2 away=$3 back=$4 rest=$5 n rc reached=0
  sed -i "s/pulse r[a-z]*/pulse $relay/" "$T_TMP/inodes.sh"
  for n in 2 3 4 5 6 7 8; do
    : >"$ev"
    unshare -m --propagation private bash "$T_TMP/inodes.sh" "$n"
    rc=$(cat "$T_TMP/i.rc")
    check_eq "$relay, $n inodes: at rest afterwards" True "$($rest)"
    if grep -q "$away" "$ev"; then
      check "$relay, $n inodes: it left rest, so it was returned" grep -q "$back" "$ev"
      if [ "$rc" != 0 ]; then
        reached=1
        check "$relay, $n inodes: one JSON document says what failed" python3 -c 'import json,sys
d = json.load(open(sys.argv[1])); r = d["relays"][0]
assert d["ok"] is False and r["result"] == "error" and "history" in r["error"] and "back at rest" in r["error"], r
assert r["after"]["at_rest"] is True' "$T_TMP/i.out"
      fi
    else
      check_eq "$relay, $n inodes: never left rest: one line on stderr" 1 "$(wc -l <"$T_TMP/i.err")"
    fi
  done
  check_eq "$relay: some inode count fails after it left rest (the case under test was reached)" 1 "$reached"
}
plain_at_rest() { at_rest plain; }
inode_runs rplain "$EV/plain" 'set 1 1' 'set 1 0' plain_at_rest
# A RIGrunner rail: at rest it is on; a pulse switches it off, then on again.
rail_on() {
  on pi python3 -c 'import urllib.request,re
x = urllib.request.urlopen("http://127.0.0.1:8086/status.xml", timeout=5).read().decode()
print(re.search(r"<RAILENA0>(\d)</RAILENA0>", x).group(1) == "1")'
}
inode_runs rstation "$EV/rr" 'set 0 0' 'set 0 1' rail_on

# --- the reply to the rest command is lost after the board switched ---
for b in hang reset trunc; do
  : >"$EV/$b"
  relay pulse "r$b" >"$T_TMP/p.json" 2>"$T_TMP/p.err"; rc=$?
  check_eq "$b: the board is at rest" True "$(at_rest "$b")"
  check_eq "$b: judged by reading back: ok, exit 0" "0 ok" "$rc $(field "$T_TMP/p.json" result)"
  check_not "$b: no STUCK" grep -q STUCK "$T_TMP/p.json"
  check "$b: the reply was really lost" grep -q lost-reply "$EV/$b"
done

# --- a read-back mid-pulse slower than the pulse ---
: >"$EV/slow"
relay pulse rslow --for 2s >"$T_TMP/s.json" 2>"$T_TMP/s.err"; rc=$?
held=$(python3 -c 'import sys
on = off = None
for l in open(sys.argv[1]):
    t, k, *a = l.split()
    if k == "set" and a == ["1", "1"]: on = float(t)
    if k == "set" and a == ["1", "0"] and on is not None and off is None: off = float(t)
print(int((off - on) * 1000))' "$EV/slow")
check "slow read-back: the board held the relay about 2 s, not 2.5+ (held $held ms)" test "$held" -ge 1950 -a "$held" -le 2300
pms=$(field "$T_TMP/s.json" pulse_ms)
check "slow read-back: pulse_ms is the measured length ($pms ms against the board's $held ms)" \
  python3 -c 'import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); sys.exit(abs(a - b) > 150)' "$pms" "$held"
check_eq "slow read-back: requested_ms is what was asked" 2000 "$(field "$T_TMP/s.json" requested_ms)"
check_eq "slow read-back: ok (the read after the pulse is the one that counts)" "0 ok" "$rc $(field "$T_TMP/s.json" result)"
check_eq "slow read-back: at rest" True "$(at_rest slow)"

done_testing
