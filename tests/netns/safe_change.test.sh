#!/usr/bin/env bash
# Safe changes: a change made with --confirm rolls itself back unless
# confirmed, byte for byte, also when every bdctl process is killed, across a
# simulated reboot, and at once when --verify finds a target down. One change
# at a time; foreign tables never touched; a rollback that cannot complete
# (a file it cannot replace, the kernel refusing its nftables batch) says what
# is left, and bdctl-check says so too. An operator's TCP session held through
# the Pi stalls while the cut is in place and resumes after the rollback.
. "$(dirname "$0")/lib.sh"

site
R() { on pi bdctl-route "$@"; }
B() { on pi bdctl "$@"; }
export PATH="$BDCTL_BIN:$PATH"
# What a rollback must bring back exactly: bdctl's table, the forwarding
# sysctls, bdctl's state files and drop-in (the audit log is not state).
owned() {
  on pi nft list table inet bdctl 2>&1
  on pi sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding
  for f in "$BDCTL_STATE_DIR/route.json" "$BDCTL_STATE_DIR/mss.json" "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf"; do
    if [ -e "$f" ]; then stat -c '%n %a' "$f"; cat "$f"; else echo "$f absent"; fi
  done
}
foreign() { on pi nft list table ip filter; }
pending_id() { B pending --json | jq -r '.pending.id // "none"'; }
# wait_gone SECONDS: until nothing is pending (the holder rolled back).
wait_gone() {
  local i
  for i in $(seq $(($1 * 20))); do [ -e "$BDCTL_STATE_DIR/pending.json" ] || return 0; sleep 0.05; done
  return 1
}
audit() { cat "$BDCTL_LOG_DIR/change-audit.log" 2>/dev/null; }
# SIGKILL this test's holders, in the Pi's namespace only (not another test's).
kill_holders() {
  local pid
  for pid in $(ip netns pids "${T_PREFIX}pi"); do
    [ "$(cat /proc/$pid/comm 2>/dev/null)" = bdctl-rollback ] && kill -9 "$pid"
  done
  return 0
}
# bdctl-check's view of a pending change: "STATUS SUMMARY".
pcheck() { on pi bdctl-check --only forwarding.pending --json | jq -r '.checks[0] | "\(.status) \(.summary)"'; }

on pi nft -f - <<'NFT'
table ip filter {
	chain FORWARD {
		type filter hook forward priority filter; policy accept;
		ip saddr 203.0.113.0/24 counter drop
	}
}
NFT
foreign_before=$(foreign)
tcp_listen lan 3389
# An echo service on the LAN host, and held_session NS HOST PORT LOG SECONDS:
# one TCP connection that sends a line every 0.2 s and logs each echo
# ("echo TIME N"), each silence ("stall TIME") and its end ("closed").
bg on lan python3 -c '
import socket, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7007)); s.listen(4)
def serve(c):
    while (d := c.recv(4096)): c.sendall(d)
while True: threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
'
held_session() {
  bg on "$1" python3 -c '
import socket, sys, time
log = open(sys.argv[3], "w", buffering=1)
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
s.settimeout(0.3)
log.write("connected\n")
end, n = time.time() + float(sys.argv[4]), 0
while time.time() < end:
    n += 1
    s.sendall(b"%d\n" % n)
    try:
        d = s.recv(4096)
        if not d: log.write("closed\n"); break
        log.write("echo %.3f %s\n" % (time.time(), d.split()[-1].decode()))
    except socket.timeout:
        log.write("stall %.3f\n" % time.time())
    time.sleep(0.2)
' "$2" "$3" "$4" "$5"
}
# echoed_after LOG UNIX_TIME SECONDS: an echo logged after UNIX_TIME, waiting up to SECONDS.
echoed_after() {
  local i
  for i in $(seq $(($3 * 10))); do
    awk -v t="$2" '$1 == "echo" && $2 > t { f = 1 } END { exit !f }' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# --- the baseline: routed, final ------------------------------------------------
check "up --no-confirm: final at once" R up --zt zt0 --lan eth0 --no-confirm
check "the operator reaches the LAN host" tcp_connect remote 192.168.1.10 3389
check_eq "nothing pending" "none" "$(pending_id)"
B pending --text >"$T_TMP/p.txt"
check "pending (text) says nothing is pending" grep -q "nothing pending" "$T_TMP/p.txt"
check_eq "pending --json: pending null, ok, exit 0" "null true" "$(B pending --json | jq -r '[.pending, .ok] | map(tostring) | join(" ")')"
check "bdctl-check: forwarding.pending ok with nothing pending" grep -q '^ok ' <(pcheck)
base=$(owned)

# --- a change that cuts the path, not confirmed: back within the window + 2 s ------
held_session remote 192.168.1.10 7007 "$T_TMP/session.log" 25
check "the operator's session carries data before the change" echoed_after "$T_TMP/session.log" 0 3
cut_at=$(date +%s.%N)
R down --confirm=4s --json >"$T_TMP/down.json"
check_eq "down --confirm=4s: ok, pending with a deadline and a holder" "true bdctl-route down true" \
  "$(jq -r '[.ok, .pending.command, (.pending.holder_pid > 0)] | join(" ")' "$T_TMP/down.json")"
deadline=$(jq -r .pending.deadline "$T_TMP/down.json")
check_not "the change cut the operator off" tcp_connect remote 192.168.1.10 3389
B pending --json >"$T_TMP/p.json"
check_eq "pending names the change, who (uid 0) and when" "bdctl-route down 0 $deadline" \
  "$(jq -r '[.pending.command, .pending.uid, .pending.deadline] | join(" ")' "$T_TMP/p.json")"
check "bdctl-check: a pending change is a warning with its deadline" \
  grep -q "^warning 'bdctl-route down' rolls back at $(date -d "$deadline" +%H:%M:%S) unless confirmed" <(pcheck)
check "wait: rolled back by the holder within 6 s" wait_gone 6
end_ns=$(date +%s%N)
dl_ns=$(date -d "$deadline" +%s%N)
late_ms=$(((end_ns - dl_ns) / 1000000))
echo "# rolled back $late_ms ms after the deadline"
check "restored within 1 s of the deadline ($late_ms ms)" test "$late_ms" -lt 1000
check_eq "table, sysctls and files byte for byte as before" "$base" "$(owned)"
check "the operator reaches the LAN host again" tcp_connect remote 192.168.1.10 3389
back_at=$(date +%s.%N)
check "the held session carried nothing while the change was in place" \
  awk -v a="$cut_at" -v b="$back_at" '$1 == "echo" && $2 > a + 0.5 && $2 < b - 0.5 { bad = 1 } END { exit bad }' "$T_TMP/session.log"
check "the same session carries data again after the rollback" echoed_after "$T_TMP/session.log" "$back_at" 8
check_eq "... one connection throughout, never closed" "1 0" \
  "$(grep -c '^connected' "$T_TMP/session.log") $(grep -c '^closed' "$T_TMP/session.log")"
check "audit: apply, arm and rollback with cause deadline" \
  bash -c "grep -q '\"event\":\"apply\"' '$BDCTL_LOG_DIR/change-audit.log' &&
           grep -q '\"event\":\"arm\"' '$BDCTL_LOG_DIR/change-audit.log' &&
           grep '\"event\":\"rollback\"' '$BDCTL_LOG_DIR/change-audit.log' | grep -q '\"cause\":\"deadline\".*\"result\":\"ok\"'"

# --- the same change, confirmed: still in place after its deadline ---------------
R down --confirm=2s >/dev/null
check "confirm: exit 0" B confirm
check_eq "nothing pending after confirm" "none" "$(pending_id)"
sleep 2.5
check_eq "still down after the deadline (table gone)" "1" "$(on pi nft list table inet bdctl >/dev/null 2>&1; echo $?)"
check_exit "confirm with nothing pending: exit 1" 1 B confirm
check "back to the baseline" R up --zt zt0 --lan eth0 --no-confirm
check_eq "baseline state again" "$base" "$(owned)"

# --- a confirm proves the backdoor only when it came over ZeroTier ------------------
R up --zt zt0 --lan eth0 --no-masquerade --confirm=1m >/dev/null
lan_ssh="192.168.1.10 50022 192.168.1.201 22"
zt_ssh="10.147.20.5 50022 10.147.20.1 22"
check_exit "confirm from an SSH session on the LAN side: refused, exit 1" 1 on pi env SSH_CONNECTION="$lan_ssh" bdctl confirm
check "... naming the address, the interface and the way out" \
  grep -q "reaches the Pi at 192.168.1.201 on eth0, not over ZeroTier.*--any-path" "$T_TMP/err"
check "the change is still pending" test "$(pending_id)" != none
on pi env SSH_CONNECTION="$zt_ssh" bdctl confirm --json >"$T_TMP/c.json"
check_eq "confirm over ZeroTier: kept, via zt0" "true zt0 true null" \
  "$(jq -r '[.ok, .via.interface, .via.zerotier, .pending] | map(tostring) | join(" ")' "$T_TMP/c.json")"
check "audit: the confirm says which way it came" bash -c "grep '\"event\":\"confirm\"' '$BDCTL_LOG_DIR/change-audit.log' | tail -1 | grep -q '\"interface\":\"zt0\"'"
R up --zt zt0 --lan eth0 --confirm=1m >/dev/null
check "--any-path: confirmed on purpose from the LAN side" on pi env SSH_CONNECTION="$lan_ssh" bdctl confirm --any-path
check_eq "baseline state again" "$base" "$(owned)"

# --- SIGHUP and the session killed: the holder lives in its own session ---------
on pi setsid bash -c 'bdctl-route up --zt zt0 --lan eth0 --no-masquerade --confirm=3s >/dev/null; kill -HUP -- -$$; kill -9 -- -$$' 2>/dev/null
check "the change is pending after its session died" test "$(pending_id)" != none
check_not "no masquerade: the LAN host's answers go astray" tcp_connect remote 192.168.1.10 3389
check "rolled back by the holder, though the session is gone" wait_gone 6
check_eq "state as before" "$base" "$(owned)"

# --- every bdctl process SIGKILLed: the next bdctl run rolls back ---------------
R up --zt zt0 --lan eth0 --no-masquerade --confirm=2s >/dev/null
kill_holders
check "bdctl-check: no holder armed is critical" grep -q '^critical .*no process is armed to roll it back' <(pcheck)
sleep 2.5
check "bdctl-check: past its deadline, not rolled back: critical" \
  grep -q '^critical .*passed its deadline .* and was not rolled back' <(pcheck)
check "holder killed, deadline passed: the change is still there" test -e "$BDCTL_STATE_DIR/pending.json"
B pending --json >"$T_TMP/p.json"
check_eq "the next run (bdctl pending) rolls it back, says so, nothing left pending" "true null" \
  "$(jq -r '[.rolled_back.complete, .pending] | map(tostring) | join(" ")' "$T_TMP/p.json")"
check_eq "state as before" "$base" "$(owned)"

# --- a simulated reboot inside the window -----------------------------------------
R up --zt zt0 --lan eth0 --family ipv4 --confirm=1m >/dev/null
changed=$(owned)
kill_holders
# The reboot: the kernel's state is gone, the files in /var and /etc remain.
on pi nft delete table inet bdctl
on pi sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
# bdctl-apply.service runs also when zerotier-one recreates its interface:
# a change made since this boot is left to its deadline.
check "--boot leaves a change made since this boot" on pi bdctl-rollback --boot
check "... still pending" test "$(pending_id)" != none
# The record now predates "this boot", as after a real reboot.
btime=$(awk '/^btime/ {print $2}' /proc/stat)
jq -c ".started_ms = $(((btime - 60) * 1000))" "$BDCTL_STATE_DIR/pending.json" >"$T_TMP/p.new"
cat "$T_TMP/p.new" >"$BDCTL_STATE_DIR/pending.json"
# bdctl-apply.service: the rollback first, then the boot's own apply.
check "boot: bdctl-rollback --boot" on pi bdctl-rollback --boot
check_eq "nothing pending after the boot rollback" "none" "$(pending_id)"
check "the files are as before the change (both families in state and drop-in)" \
  grep -q net.ipv6.conf.all.forwarding "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf"
check "audit: cause boot" bash -c "audit() { cat '$BDCTL_LOG_DIR/change-audit.log'; }; audit | grep '\"event\":\"rollback\"' | tail -1 | grep -q '\"cause\":\"boot\"'"
check "boot apply" R up --zt zt0 --lan eth0 --allow-missing --no-confirm
check_eq "state as before the change" "$base" "$(owned)"
check_not "and not the changed one" test "$changed" = "$(owned)"

# --- --verify: a target that does not answer rolls back at once ------------------
t0=$(date +%s%N)
check_exit "--verify a closed port: exit 1" 1 R up --zt zt0 --lan eth0 --no-masquerade --confirm=1m --verify 192.168.1.10:3390
t1=$(date +%s%N)
R up --zt zt0 --lan eth0 --no-masquerade --confirm=1m --verify 192.168.1.10:3390 --json >"$T_TMP/v.json"
check_eq "its JSON: not ok, the target named, rolled back, nothing pending" "false 192.168.1.10:3390 true null" \
  "$(jq -r '[.ok, .verify[0].target, .rolled_back.complete, .pending] | map(tostring) | join(" ")' "$T_TMP/v.json")"
R up --zt zt0 --lan eth0 --no-masquerade --confirm=1m --verify 192.168.1.10:3390 --text >"$T_TMP/v.txt"
check "its text names the target and says it rolled back" grep -q "ROLLED BACK: --verify 192.168.1.10:3390 did not answer" "$T_TMP/v.txt"
check "a refused target: rolled back within 2 s ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -lt 2000
t0=$(date +%s%N)
check_exit "--verify a silent host: exit 1" 1 R up --zt zt0 --lan eth0 --no-masquerade --confirm=1m --verify icmp:192.168.1.99
t1=$(date +%s%N)
check "a silent target: rolled back within 2 s ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -lt 2000
check_eq "state as before" "$base" "$(owned)"
check_exit "--verify answered: exit 0" 0 R up --zt zt0 --lan eth0 --no-masquerade --confirm=1m --verify 192.168.1.10:3389
check "... and the change stays pending" test "$(pending_id)" != none

# --- one change at a time; the same change again extends ---------------------------
first=$(pending_id)
d1=$(B pending --json | jq -r .pending.deadline)
check_exit "another change while one is pending: exit 1" 1 on pi bdctl-mss set --mss 1300
check "... naming the pending one" grep -q "change 'bdctl-route up --zt zt0 --lan eth0 --no-masquerade' is pending" "$T_TMP/err"
check_exit "a change without --confirm is refused too" 1 R down --no-confirm
check_eq "the first change unaffected" "$first $d1" "$(B pending --json | jq -r '[.pending.id, .pending.deadline] | join(" ")')"
sleep 1.1
check "the same change with --confirm extends it" R up --zt zt0 --lan eth0 --no-masquerade --confirm=2m
d2=$(B pending --json | jq -r .pending.deadline)
check "the deadline moved later ($d1 -> $d2)" test "$(date -d "$d2" +%s)" -gt "$(date -d "$d1" +%s)"
check_eq "the same pending change" "$first" "$(pending_id)"
check "rollback now: exit 0" B rollback
check_eq "state as before" "$base" "$(owned)"
check "rollback with nothing pending: exit 0" B rollback

# --- mss set/clear take part too --------------------------------------------------
on pi bdctl-mss set --mss 1300 --confirm=1m >/dev/null
check "mss set --confirm is pending" test "$(pending_id)" != none
B rollback >/dev/null
check_eq "mss rolled back: state as before" "$base" "$(owned)"

# --- [safety] confirm makes every change confirm; --no-confirm opts out ------------
printf '[safety]\nconfirm = "1m"\n' >"$T_TMP/safe.toml"
R down --config "$T_TMP/safe.toml" >/dev/null
check "[safety] confirm: down is pending" test "$(pending_id)" != none
B rollback >/dev/null
check "--no-confirm opts one change out" R down --config "$T_TMP/safe.toml" --no-confirm
check_eq "nothing pending" "none" "$(pending_id)"
check "back up" R up --zt zt0 --lan eth0 --no-confirm
base=$(owned)

# --- a rollback that cannot complete says what is left --------------------------
R up --zt zt0 --lan eth0 --family ipv4 --confirm=1m >/dev/null
# The state file replaced by a directory: it cannot be put back.
rm -f "$BDCTL_STATE_DIR/route.json"
mkdir "$BDCTL_STATE_DIR/route.json"
check_exit "rollback: exit 1" 1 B rollback --json
B pending --json >"$T_TMP/p.json"
check_eq "pending: not ok, the failure kept, the file named" "false true" \
  "$(jq -r '[.ok, (.pending.left[0] | contains("route.json"))] | map(tostring) | join(" ")' "$T_TMP/p.json")"
check_exit "pending exits 1 while a rollback is incomplete" 1 B pending
check "bdctl-check: an incomplete rollback is critical, naming what is left" \
  grep -q '^critical the rollback of .* is incomplete, still to put back: .*route.json' <(pcheck)
check_exit "another change is refused meanwhile" 1 R down
check "... saying the rollback did not complete" grep -q "did not complete" "$T_TMP/err"
check "the table and sysctls were restored nonetheless" \
  test "$(on pi nft list table inet bdctl)" = "$(echo "$base" | sed -n '/^table inet bdctl/,/^}/p')"
check "audit: rollback incomplete, what is left" bash -c "grep '\"result\":\"incomplete\"' '$BDCTL_LOG_DIR/change-audit.log' | grep -q route.json"
rmdir "$BDCTL_STATE_DIR/route.json"
check "fixed: rollback again completes" B rollback
check_eq "state as before" "$base" "$(owned)"

# --- the kernel refuses the rollback's nftables batch (a real netlink error) -------
# Without CAP_NET_ADMIN the kernel answers the batch with EPERM; root may still
# write the namespace's sysctls and bdctl's files, so those are put back.
R up --zt zt0 --lan eth0 --family ipv4 --confirm=1m >/dev/null
changed_table=$(on pi nft list table inet bdctl)
check_exit "rollback refused by the kernel: exit 1" 1 on pi setpriv --bounding-set -net_admin "$BDCTL_BIN/bdctl" rollback --json
check_eq "its document: not complete, the table named with the kernel's error" "false true" \
  "$(jq -r '[.rolled_back.complete, (.rolled_back.left | map(select(contains("table inet bdctl") and contains("not permitted"))) | length == 1)] | map(tostring) | join(" ")' "$T_TMP/out")"
check_eq "the table is as the change left it" "$changed_table" "$(on pi nft list table inet bdctl)"
check_eq "the sysctls and files were put back nonetheless" "$(echo "$base" | sed '/^table inet bdctl/,/^}/d')" \
  "$(owned | sed '/^table inet bdctl/,/^}/d')"
check "bdctl pending keeps the record and names the table" \
  bash -c "ip netns exec ${T_PREFIX}pi '$BDCTL_BIN/bdctl' pending --json | jq -e '.pending.left | map(select(contains(\"table inet bdctl\"))) | length == 1'"
check "bdctl-check: critical, naming the table" grep -q '^critical the rollback of .* still to put back: table inet bdctl' <(pcheck)
check "with the capability back, rollback completes" B rollback
check_eq "state as before" "$base" "$(owned)"

check_eq "foreign table byte-identical through all of it" "$foreign_before" "$(foreign)"
check_exit "bad --confirm value: exit 2" 2 R down --confirm=soon
check "... naming it" grep -q "soon" "$T_TMP/err"
check_exit "--confirm with --no-confirm: exit 2" 2 R down --confirm --no-confirm
check_eq "nothing changed by those" "$base" "$(owned)"
done_testing
