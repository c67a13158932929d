#!/usr/bin/env bash
# Fault injection: the state or log directory is full (a 64 KiB tmpfs, filled)
# or read-only (a read-only bind mount) when a tool writes its state file, the
# relay audit log or the Prometheus file. Each mount lives in a private mount
# namespace (unshare -m) over the test's own temp dirs: the host's /var and
# mount table are never touched. Expected: a clear one-line error naming the
# file, a failure exit code, the old file intact and no temp file left behind;
# for the state files also the kernel's ruleset exactly as it was (the state
# is staged before the nftables commit).
. "$(dirname "$0")/lib.sh"
export T_PREFIX T_TMP
SIM="$BDCTL_SRC/tests/sim/relay"

ns pi
on pi ip link add zt0 type veth peer name ztpeer
on pi ip link add eth0 type veth peer name ethpeer
for i in zt0 ztpeer eth0 ethpeer; do on pi ip link set "$i" up; done
on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0

# in_private FAULT DIR SCRIPT: run bash SCRIPT in a private mount namespace
# where DIR is full (FAULT=full) or read-only (FAULT=ro). SCRIPT's "$@"
# setup runs before the fault, via the function setup() it defines.
in_private() {
  local fault=$1 dir=$2 script=$3
  mkdir -p "$dir"
  unshare -m --propagation private bash -c '
    set -u; fault=$1 dir=$2; . "$3"
    if [ "$fault" = full ]; then
      mount -t tmpfs -o size=64k,mode=0755 bdctl-full "$dir" || exit 99
      setup
      cat /dev/zero >"$dir/.fill" 2>/dev/null
    else
      setup
      mount --bind "$dir" "$dir" && mount -o remount,bind,ro "$dir" || exit 99
    fi
    act
  ' in_private "$fault" "$dir" "$script"
}
# same_rules NAME: the ruleset act() left (rules.now) is the one setup() left
# (rules.old), and setup() did install bdctl's table.
same_rules() {
  check "$1: there was a ruleset to keep" grep -q 'table inet bdctl' "$T_TMP/rules.old"
  check_eq "$1: the ruleset is exactly as it was" "$(cat "$T_TMP/rules.old")" "$(cat "$T_TMP/rules.now")"
}
# expect NAME FILE RC: the result files act() wrote.
expect() {
  local what=$1 file=$2 want_rc=$3
  check_eq "$what: exit $want_rc" "$want_rc" "$(cat "$T_TMP/rc")"
  check_eq "$what: one line on stderr" 1 "$(wc -l <"$T_TMP/err")"
  check "$what: the error names $file" grep -q "$file" "$T_TMP/err"
  check_eq "$what: the old file is intact" "$(cat "$T_TMP/old")" "$(cat "$T_TMP/now")"
  check_eq "$what: no temp file left" "" "$(cat "$T_TMP/left")"
}
cat >"$T_TMP/common.sh" <<'SH'
pi() { ip netns exec "${T_PREFIX}pi" "$@"; }
rules() { pi nft list ruleset >"$T_TMP/$1"; }  # rules FILE: the namespace's whole ruleset
finish() {  # finish FILE: record the file and what else is in its directory
  cat "$1" >"$T_TMP/now" 2>&1
  ls -A "$(dirname "$1")" | grep -v -x -e .fill -e "$(basename "$1")" -e '.*\.lock' >"$T_TMP/left"
}
SH

# --- bdctl-mss: state file (mss.json) ------------------------------------------------
cat >"$T_TMP/mss.sh" <<'SH'
. "$T_TMP/common.sh"
setup() { pi bdctl-mss set --mss 1300 >/dev/null; cat "$BDCTL_STATE_DIR/mss.json" >"$T_TMP/old"; rules rules.old; }
act() {
  pi bdctl-mss ${MSS_ACT:-set --mss 1200} >/dev/null 2>"$T_TMP/err"; echo $? >"$T_TMP/rc"
  rules rules.now; finish "$BDCTL_STATE_DIR/mss.json"
}
SH
for fault in full ro; do
  in_private $fault "$BDCTL_STATE_DIR" "$T_TMP/mss.sh"
  expect "mss set, $fault state dir" mss.json 1
  same_rules "mss set, $fault state dir"
  grep -q 'No space left on device\|Read-only file system' "$T_TMP/err" && pass "mss set, $fault: the reason is the kernel's" ||
    fail "mss set, $fault: the reason is the kernel's ($(cat "$T_TMP/err"))"
  on pi bdctl-mss clear >/dev/null
done
# clear removes the state file: only a read-only dir can stop that (a full
# one still lets a file go).
MSS_ACT=clear in_private ro "$BDCTL_STATE_DIR" "$T_TMP/mss.sh"
expect "mss clear, ro state dir" mss.json 1
same_rules "mss clear, ro state dir"
check "mss clear, ro: the reason is the kernel's" grep -q 'Read-only file system' "$T_TMP/err"
on pi bdctl-mss clear >/dev/null

# --- bdctl-route: state file (route.json) ---------------------------------------------
cat >"$T_TMP/route.sh" <<'SH'
. "$T_TMP/common.sh"
setup() {
  pi bdctl-route up --zt zt0 --lan eth0 --family ipv4 --no-persist >/dev/null
  cat "$BDCTL_STATE_DIR/route.json" >"$T_TMP/old"
  rules rules.old; pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding >"$T_TMP/fwd.old"
}
act() {
  pi bdctl-route ${ROUTE_ACT:-up --zt zt0 --lan eth0 --family both --no-persist} >/dev/null 2>"$T_TMP/err"
  echo $? >"$T_TMP/rc"
  rules rules.now; pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding >"$T_TMP/fwd.now"
  finish "$BDCTL_STATE_DIR/route.json"
}
SH
for fault in full ro; do
  in_private $fault "$BDCTL_STATE_DIR" "$T_TMP/route.sh"
  expect "route up, $fault state dir" route.json 1
  same_rules "route up, $fault state dir"
  # --family both would turn IPv6 forwarding on: not without its state.
  check_eq "route up, $fault state dir: forwarding sysctls unchanged" "$(cat "$T_TMP/fwd.old")" "$(cat "$T_TMP/fwd.now")"
  on pi bdctl-route down >/dev/null 2>&1
  on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
done
ROUTE_ACT=down in_private ro "$BDCTL_STATE_DIR" "$T_TMP/route.sh"
expect "route down, ro state dir" route.json 1
same_rules "route down, ro state dir"
check_eq "route down, ro state dir: forwarding sysctls unchanged" "$(cat "$T_TMP/fwd.old")" "$(cat "$T_TMP/fwd.now")"
on pi bdctl-route down >/dev/null 2>&1
on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0

# --- bdctl-route: the sysctl.d drop-in (staged before the commit too) ------------------
cat >"$T_TMP/dropin.sh" <<'SH'
. "$T_TMP/common.sh"
setup() {
  pi bdctl-route up --zt zt0 --lan eth0 --family ipv4 >/dev/null
  cat "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf" >"$T_TMP/old"
  rules rules.old; pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding >"$T_TMP/fwd.old"
}
act() {
  pi bdctl-route up --zt zt0 --lan eth0 --family both >/dev/null 2>"$T_TMP/err"
  echo $? >"$T_TMP/rc"
  rules rules.now; pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding >"$T_TMP/fwd.now"
  finish "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf"
}
SH
for fault in full ro; do
  in_private $fault "$BDCTL_SYSCTL_DIR" "$T_TMP/dropin.sh"
  expect "route up, $fault sysctl.d" 90-bdctl-route.conf 1
  same_rules "route up, $fault sysctl.d"
  check_eq "route up, $fault sysctl.d: forwarding sysctls unchanged" "$(cat "$T_TMP/fwd.old")" "$(cat "$T_TMP/fwd.now")"
  on pi bdctl-route down >/dev/null 2>&1
  on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
done

# --- bdctl-relay: the audit log --------------------------------------------------------
# A KMTronic web board emulator on the namespace's loopback; its event log
# shows every relay it actually switched.
bg on pi python3 "$SIM/kmtronic_http.py" --bind 127.0.0.1 --port 8080 --relays 4 \
  --events "$T_TMP/board.events" --ready "$T_TMP/board.ready"
for _ in $(seq 100); do [ -e "$T_TMP/board.ready" ] && break; sleep 0.05; done
cat >"$T_TMP/relay.toml" <<'CONF'
[boards.lan4]
driver = "kmtronic-http"
url = "http://127.0.0.1:8080"
spacing = "0ms"
[relays.bms1]
board = "lan4"
channel = 1
momentary = true
pulse = "200ms"
CONF
cat >"$T_TMP/audit.sh" <<'SH'
. "$T_TMP/common.sh"
setup() {
  pi bdctl-relay -c "$T_TMP/relay.toml" pulse bms1 >/dev/null
  # An append fits in the file's last page even on a full tmpfs: pad the
  # log to a page boundary so the next record needs a new page.
  python3 -c 'import os,sys; n=(-os.path.getsize(sys.argv[1])) % 4096; n += 4096 if n < 12 else 0
open(sys.argv[1], "a").write("{\"pad\":\"" + "x" * (n - 11) + "\"}\n")' "$BDCTL_LOG_DIR/relay-audit.log"
  cat "$BDCTL_LOG_DIR/relay-audit.log" >"$T_TMP/old"
  : >"$T_TMP/board.events"
}
act() {
  pi bdctl-relay -c "$T_TMP/relay.toml" pulse bms1 >/dev/null 2>"$T_TMP/err"; echo $? >"$T_TMP/rc"
  finish "$BDCTL_LOG_DIR/relay-audit.log"
}
SH
for fault in full ro; do
  in_private $fault "$BDCTL_LOG_DIR" "$T_TMP/audit.sh"
  expect "relay pulse, $fault log dir" relay-audit.log 1
  check_not "relay pulse, $fault log dir: the reason is the real one, not a stale 'File exists'" grep -q "File exists" "$T_TMP/err"
  check_not "relay pulse, $fault log dir: the relay was never energised" grep -q ' set ' "$T_TMP/board.events"
  check_eq "relay pulse, $fault log dir: the relay reads at rest" "True" \
    "$(on pi bdctl-relay -c "$T_TMP/relay.toml" --json status bms1 2>/dev/null |
       python3 -c 'import json,sys; r=json.load(sys.stdin)["relays"][0]; print((r["after"] or r["before"])["at_rest"])')"
  on pi bdctl-relay -c "$T_TMP/relay.toml" recover >/dev/null 2>&1
done

# --- bdctl-check: the Prometheus textfile ------------------------------------------------
PROM_DIR="$T_TMP/textfile"
cat >"$T_TMP/prom.sh" <<'SH'
. "$T_TMP/common.sh"
run() { pi bdctl-check --only plan.ranges --lan-subnet 192.168.1.0/24 --format prometheus --output "$T_TMP/textfile/bdctl.prom" "$@"; }
setup() { run >/dev/null 2>&1; echo $? >"$T_TMP/rc0"; cat "$T_TMP/textfile/bdctl.prom" >"$T_TMP/old"; }
act() { run >/dev/null 2>"$T_TMP/err"; echo $? >"$T_TMP/rc"; finish "$T_TMP/textfile/bdctl.prom"; }
SH
for fault in full ro; do
  in_private $fault "$PROM_DIR" "$T_TMP/prom.sh"
  # The same run exits 0 when it can write (all checks pass); a file it
  # could not write must not look like success to cron or a textfile collector.
  check_eq "check --output, $fault dir: exits 0 when the file can be written" 0 "$(cat "$T_TMP/rc0")"
  check_not "check --output, $fault dir: a failed write does not exit 0" test "$(cat "$T_TMP/rc")" = 0
  check_eq "check --output, $fault dir: one line on stderr" 1 "$(wc -l <"$T_TMP/err")"
  check "check --output, $fault dir: the error names the file" grep -q bdctl.prom "$T_TMP/err"
  check "check --output, $fault dir: the old file was a real one" grep -q '^bdctl_check_status' "$T_TMP/old"
  check_eq "check --output, $fault dir: the old file is intact" "$(cat "$T_TMP/old")" "$(cat "$T_TMP/now")"
  check_eq "check --output, $fault dir: no temp file left" "" "$(cat "$T_TMP/left")"
done

done_testing
