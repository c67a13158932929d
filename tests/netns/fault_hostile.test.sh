#!/usr/bin/env bash
# Nothing trusted in a shared place, every input bounded (#12): a lock
# directory planted by another user, a planted --output link, config files
# others can write, credentials in a url, a ZeroTier API that never stops
# talking or talks in terminal escapes, a /dev/zero token, a huge config, a
# channel number past 2^32 (and every other narrowed number), a descriptor
# limit, a killed run's temporaries, the ruleset lock out of others' reach, and
# a link planted in place of a state file. Unprivileged steps run as nobody (setpriv).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
export T_PREFIX T_TMP
SIM="$BDCTL_SRC/tests/sim"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

ns pi
ip -n "${T_PREFIX}pi" link add eth0 type veth peer name ethpeer
ip -n "${T_PREFIX}pi" addr add 192.168.1.201/24 dev eth0
for i in eth0 ethpeer; do ip -n "${T_PREFIX}pi" link set "$i" up; done
chmod 755 "$T_TMP"
pub="$T_TMP/pub"; mkdir -p "$pub"; chmod 1777 "$pub"   # what /run/lock and /tmp are

# A fake GPIO board: no device I/O needed to reach the locks.
cat >"$T_TMP/gpio.toml" <<CONF
[boards.pi]
driver = "gpio"
chip = "fake:$T_TMP/gpio"
lines = ["RELAY1"]
spacing = "0ms"
[relays.r1]
board = "pi"
channel = 1
momentary = true
pulse = "100ms"
CONF

# --- a lock directory another user made first (/run/lock is mode 1777) ---
echo "root's file" >"$T_TMP/victim"; chmod 644 "$T_TMP/victim"
nobody mkdir "$pub/bdlock"
nobody ln -s "$T_TMP/victim" "$pub/bdlock/relay.pi.lock"
BDCTL_LOCK_DIR="$pub/bdlock" on pi bdctl-relay -c "$T_TMP/gpio.toml" --json status >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "planted lock dir: refused, exit 1" 1 "$rc"
check "planted lock dir: the error names the directory and why" grep -q "lock directory $pub/bdlock: .*owned by uid 65534" "$T_TMP/o"
check_eq "planted lock dir: the link's target is untouched" "root's file" "$(cat "$T_TMP/victim")"
nobody mkdir -m 0777 "$pub/open" 2>/dev/null; chown root "$pub/open"
BDCTL_LOCK_DIR="$pub/open" on pi bdctl-relay -c "$T_TMP/gpio.toml" --json pulse r1 >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check "a root-owned but world-writable lock dir is refused too" grep -q "writable by others (mode 0777)" "$T_TMP/o"
BDCTL_LOCK_DIR="$pub/sub/lock" on pi bdctl-relay -c "$T_TMP/gpio.toml" --json pulse r1 >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "under a sticky world-writable dir, bdctl makes its own 0700 dir and works" "700 root ok" \
  "$(stat -c '%a %U' "$pub/sub/lock") $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["relays"][0]["result"])' "$T_TMP/o")"
# The default: /run/bdctl/lock, in a private mount namespace whose /run is a fresh tmpfs.
# (A GPIO board needs no network namespace; ip netns exec would need /run/netns.)
unshare -m --propagation private bash -c '
  mount -t tmpfs -o mode=0755 bdctl-run /run || exit 99
  env -u BDCTL_LOCK_DIR bdctl-relay -c "$1" --json pulse r1 >/dev/null 2>&1
  stat -c "%a %U" /run/bdctl/lock; ls /run/bdctl/lock' x "$T_TMP/gpio.toml" >"$T_TMP/run.txt"
check_eq "the default lock dir is /run/bdctl/lock, 0700 root, holding the board's lock" \
  "700 root relay.pi.lock" "$(tr '\n' ' ' <"$T_TMP/run.txt" | sed 's/ $//')"
# The pid goes into the lock file in place: a longer older content is overwritten, never truncated.
check "the lock file holds the pid, padded, not truncated" grep -Eq '^[0-9]+ +$' "$pub/sub/lock/relay.pi.lock"

# --- a board lock deleted mid-pulse: recovery leaves a pulse whose run still lives ---
export BDCTL_LOCK_DIR="$T_TMP/lock"
bdctl-relay -c "$T_TMP/gpio.toml" --json pulse r1 --for 2s >"$T_TMP/long.json" 2>&1 &
long=$!
for _ in $(seq 50); do ls "$BDCTL_STATE_DIR/relay/intents/" 2>/dev/null | grep -q . && break; sleep 0.05; done
rm -f "$BDCTL_LOCK_DIR/relay.pi.lock"
bdctl-relay -c "$T_TMP/gpio.toml" --json recover >"$T_TMP/rec.json" 2>&1
wait $long
check_eq "a lock deleted mid-pulse: recover leaves the live pulse alone" 0 \
  "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["recovered"]))' "$T_TMP/rec.json")"
check "... which ends by itself, after its full length" python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))["relays"][0]
assert r["result"] == "ok" and r["pulse_ms"] >= 1950, r' "$T_TMP/long.json"

# --- a link in place of the audit log is never appended through ---
mkdir -p "$T_TMP/log2"
ln -s "$T_TMP/victim" "$T_TMP/log2/relay-audit.log"
ev=$(grep -c ' 1$' "$T_TMP/gpio.events")
BDCTL_LOG_DIR="$T_TMP/log2" bdctl-relay -c "$T_TMP/gpio.toml" --json pulse r1 >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "a linked audit log: refused, exit 1, the line never energised" "1 $ev" "$rc $(grep -c ' 1$' "$T_TMP/gpio.events")"
check "... naming the log" grep -q "audit log $T_TMP/log2/relay-audit.log: Too many levels of symbolic links" "$T_TMP/e"
check_eq "... and the link's target is untouched" "root's file" "$(cat "$T_TMP/victim")"

# --- a planted --output link in a directory others can write ---
nobody ln -s "$T_TMP/victim" "$pub/bdctl.prom"
on pi bdctl-check --config /dev/null --only plan --format prometheus --output "$pub/bdctl.prom" >/dev/null 2>&1
check_eq "--output over a planted link: the link's target is untouched" "root's file" "$(cat "$T_TMP/victim")"
check "--output over a planted link: a real file, owned by root, replaced the link" \
  test -f "$pub/bdctl.prom" -a ! -L "$pub/bdctl.prom" -a -O "$pub/bdctl.prom"
check_eq "--output: no temporary left" "" "$(ls -a "$pub" | grep -c '\.tmp\.' | sed 's/^0$//')"

# --- config files root acts on ---
cp "$T_TMP/gpio.toml" "$T_TMP/ww.toml"; chmod 666 "$T_TMP/ww.toml"
check_exit "a world-writable config: exit 2" 2 on pi bdctl-relay -c "$T_TMP/ww.toml" list
check "... naming the file and its mode" grep -q "config file $T_TMP/ww.toml has mode 0666: writable by other users" "$T_TMP/err"
cp "$T_TMP/gpio.toml" "$T_TMP/theirs.toml"; chown 65534 "$T_TMP/theirs.toml"; chmod 644 "$T_TMP/theirs.toml"
check_exit "a config owned by another user: exit 2" 2 on pi bdctl-relay -c "$T_TMP/theirs.toml" list
check "... naming the owner" grep -q "owned by uid 65534, not root" "$T_TMP/err"
on pi bdctl-check --config "$T_TMP/ww.toml" --format nagios >"$T_TMP/n" 2>/dev/null; rc=$?
check_eq "bdctl-check with that config: UNKNOWN, exit 3, one line" "3 1" "$rc $(wc -l <"$T_TMP/n")"
check_exit "--config /dev/null (0666, a device) is no config, not a refusal" 0 on pi bdctl-relay -c /dev/null list

# --- credentials in a board url ---
sed 's|driver = "gpio"|driver = "kmtronic-http"\nurl = "http://admin:Sekr1t-pw@127.0.0.1:8080"|' "$T_TMP/gpio.toml" \
  | grep -v '^chip\|^lines' >"$T_TMP/url.toml"
on pi bdctl-relay -c "$T_TMP/url.toml" list >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "a url with credentials is refused: exit 2" 2 "$rc"
check "... saying where they go" grep -q "url.toml:3: key 'boards.pi.url': credentials in the url; put them in user and password" "$T_TMP/e"
check_not "... and the password appears nowhere" grep -q Sekr1t "$T_TMP/o" "$T_TMP/e"

# --- a UDP board that answers, but not with a status ---
bg on pi python3 "$SIM/relay/kmtronic_udp.py" --bind 127.0.0.1 --port 12399 --malformed --ready "$T_TMP/udp.ready"
for _ in $(seq 50); do [ -e "$T_TMP/udp.ready" ] && break; sleep 0.1; done
printf '[boards.u]\ndriver = "kmtronic-udp"\nhost = "127.0.0.1"\nport = 12399\ntimeout = "500ms"\n[relays.ru]\nboard = "u"\nchannel = 1\n' >"$T_TMP/udp.toml"
on pi bdctl-relay -c "$T_TMP/udp.toml" --json status >"$T_TMP/o" 2>&1
check "a malformed UDP answer is named as such, not 'no reply'" grep -q "no valid status within 500ms; it answered" "$T_TMP/o"
check_not "... and the noise is escaped" grep -qP '\x00|\xff' "$T_TMP/o"

# --- a channel number past 2^32 ---
sed 's/^channel = 1/channel = 4294967297/' "$T_TMP/gpio.toml" >"$T_TMP/ch.toml"
check_exit "channel = 4294967297 is refused, not channel 1" 2 on pi bdctl-relay -c "$T_TMP/ch.toml" list
check "... naming the number" grep -q "channel 4294967297 out of range" "$T_TMP/err"
sed 's/^channel = 1/channel = 9223372036854775807/' "$T_TMP/gpio.toml" >"$T_TMP/ch.toml"
check_exit "channel = 2^63-1 is refused" 2 on pi bdctl-relay -c "$T_TMP/ch.toml" list
check_not "... and never reported as channel -1" grep -q "channel -1" "$T_TMP/err"
# Every other narrowed number too: 2^32 + 80 must not become port 80, nor
# 2^32 + 1 one reset an hour or one channel.
printf '[boards.w]\ndriver = "kmtronic-http"\nhost = "127.0.0.1"\nport = 4294967376\n' >"$T_TMP/n.toml"
check_exit "port = 2^32 + 80 is refused, not port 80" 2 on pi bdctl-relay -c "$T_TMP/n.toml" list
check "... naming the key and its range" grep -q "port out of range 1..65535" "$T_TMP/err"
printf '[boards.w]\ndriver = "kmtronic-http"\nhost = "127.0.0.1"\nchannels = 4294967297\n' >"$T_TMP/n.toml"
check_exit "channels = 2^32 + 1 is refused, not 1" 2 on pi bdctl-relay -c "$T_TMP/n.toml" list
check "... naming the key and its range" grep -q "channels out of range 1..64" "$T_TMP/err"
sed 's/^pulse = "100ms"/pulse = "100ms"\nmax_per_hour = 4294967297/' "$T_TMP/gpio.toml" >"$T_TMP/n.toml"
check_exit "max_per_hour = 2^32 + 1 is refused, not 1" 2 on pi bdctl-relay -c "$T_TMP/n.toml" list
check "... naming the key and its range" grep -q "max_per_hour.*must be 1..3600" "$T_TMP/err"

# --- a huge config, and many targets ---
# Memory is judged against a baseline run of the same binary (a sanitizer
# build has a larger floor): peak_kib CMD... prints the peak RSS in KiB of CMD
# run in the Pi's namespace.
peak_kib() { /usr/bin/time -f %M -o "$T_TMP/rss" ip netns exec "${T_PREFIX}pi" "$@" >/dev/null 2>"$T_TMP/e"; echo $? >"$T_TMP/rc"; tail -1 "$T_TMP/rss"; }
base=$(peak_kib bdctl-relay -c "$T_TMP/gpio.toml" list)
python3 -c 'import sys; open(sys.argv[1], "w").write("# x\n" * (13 << 20))' "$T_TMP/huge.toml"
t0=$(date +%s%N)
kib=$(peak_kib bdctl-relay -c "$T_TMP/huge.toml" list)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check_eq "a 52 MB config: exit 2" 2 "$(cat "$T_TMP/rc")"
check "... 'larger than 1 MiB'" grep -q "larger than 1 MiB" "$T_TMP/e"
check "... in bounded memory (peak RSS $kib KiB, $base without it: under 16 MiB more) and time ($ms ms)" \
  test $((kib - base)) -lt 16384 -a "$ms" -lt 3000
# targets_ms N: milliseconds to load and list a config of N check targets.
targets_ms() {
  python3 -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("[check.targets]\n")
    for i in range(int(sys.argv[2])): f.write("t%d = \"192.168.%d.%d:22\"\n" % (i, i // 250 % 250, i % 250 + 1))' \
    "$T_TMP/targets.toml" "$1"
  local t0; t0=$(date +%s%N)
  on pi bdctl-check --config "$T_TMP/targets.toml" --list >"$T_TMP/l" 2>"$T_TMP/e"
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
# As many targets as fit in the 1 MiB a config may hold, against a quarter of
# them with the same binary (a sanitizer build is slower at both): linear
# loading takes at most 4 times as long, the quadratic one took 12 times
# (0.39 s for 10000, 4.6 s for 40000).
quarter=$(targets_ms 8500)
ms=$(targets_ms 34000)
check_eq "34000 targets (a config near its 1 MiB cap) load and list" 34000 "$(grep -c '^lan\.' "$T_TMP/l")"
check "... in linear time ($ms ms; $quarter ms for 8500: under 7 times that)" test "$ms" -lt $((quarter * 7 + 200))

# --- the ZeroTier API: an endless body, terminal escapes, a /dev/zero token ---
bg on pi python3 "$SIM/zerotier/hostile.py" endless "$T_TMP/ztend"
bg on pi python3 "$SIM/zerotier/hostile.py" escapes "$T_TMP/ztesc"
for h in ztend ztesc; do for _ in $(seq 50); do [ -s "$T_TMP/$h/zerotier-one.port" ] && break; sleep 0.1; done; done
base=$(peak_kib bdctl-check --config /dev/null --zt-home "$T_TMP/ztend" --zt-port 1 --only zerotier.service --json)
on pi /usr/bin/time -f %M -o "$T_TMP/rss" bdctl-check --config /dev/null --zt-home "$T_TMP/ztend" --only zerotier.service \
  --json >"$T_TMP/r.json" 2>/dev/null
kib=$(tail -1 "$T_TMP/rss")
check_eq "an endless API body: zerotier.service unknown" unknown "$(cstatus "$T_TMP/r.json" zerotier.service)"
check "... saying the answer was too large" grep -q "answer larger than 4 MiB" "$T_TMP/r.json"
check "... in bounded memory (peak RSS $kib KiB, $base when refused: under 32 MiB more)" test $((kib - base)) -lt 32768
base=$(peak_kib bdctl-route up --lan eth0 --dry-run --zt-home "$T_TMP/ztend" --zt-port 1)
kib=$(peak_kib bdctl-route up --lan eth0 --dry-run --zt-home "$T_TMP/ztend")
check "bdctl-route up against it: fails (exit $(cat "$T_TMP/rc")) in bounded memory ($kib KiB, $base when refused)" \
  test "$(cat "$T_TMP/rc")" != 0 -a $((kib - base)) -lt 32768
check "... naming the size" grep -q "answer larger than 4 MiB" "$T_TMP/e"
check_exit "--zt-token-file /dev/zero: a clear error, not bad_alloc" 3 \
  on pi bdctl-check --config /dev/null --zt-home "$T_TMP/ztesc" --zt-token-file /dev/zero --only zerotier.service --format nagios
on pi bdctl-check --config /dev/null --zt-home "$T_TMP/ztesc" --zt-token-file /dev/zero --only zerotier.service --json >"$T_TMP/r.json"
check "... saying the token file is too long" grep -q "/dev/zero: longer than 258 bytes" "$T_TMP/r.json"
printf 'abc\r\nX-Evil: 1\n' >"$T_TMP/crlf.token"
on pi bdctl-check --config /dev/null --zt-home "$T_TMP/ztesc" --zt-token-file "$T_TMP/crlf.token" --only zerotier.service --json >"$T_TMP/r.json"
check "a token holding CRLF is refused before any request" grep -q "not a ZeroTier auth token" "$T_TMP/r.json"
for fmt in nagios text; do
  on pi bdctl-check --config /dev/null --zt-home "$T_TMP/ztesc" --lan-subnet 192.168.1.0/24 --only zerotier \
    --format "$fmt" >"$T_TMP/esc.$fmt" 2>&1
  check_not "escapes from the API: no ESC, BEL or CR byte in the $fmt output" grep -qP '[\x1b\x07\r]' "$T_TMP/esc.$fmt"
  check_not "... and no forged line" grep -q '^OK zerotier.route' "$T_TMP/esc.$fmt"
  check "... the escape is shown, escaped" grep -qF '\x1b[2J' "$T_TMP/esc.$fmt"
done
check_eq "the Nagios output is one line" 1 "$(wc -l <"$T_TMP/esc.nagios")"
check "... and bounded ($(wc -c <"$T_TMP/esc.nagios") bytes for a 3 MB name)" test "$(wc -c <"$T_TMP/esc.nagios")" -lt 8192

# --- a low descriptor limit: the checker could not look, which is UNKNOWN ---
targets=()
for i in $(seq 40); do targets+=(--target "t$i=127.0.0.1:$((20000 + i))"); done
bg on pi python3 -c 'import socket, time
ss = []
for p in range(20001, 20041):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", p)); s.listen(64); ss.append(s)
open("'"$T_TMP"'/listening", "w").close()
time.sleep(600)'
for _ in $(seq 50); do [ -e "$T_TMP/listening" ] && break; sleep 0.1; done
on pi bdctl-check --config /dev/null --only lan "${targets[@]}" --json >"$T_TMP/all.json"
check_eq "with enough descriptors all 40 targets answer" 40 "$(grep -o '"name":"lan.t[0-9]*","status":"ok"' "$T_TMP/all.json" | wc -l)"
# UBSan's vptr check needs descriptors of its own (a pipe per check, to test
# memory) and, built -fno-sanitize-recover, aborts the run when it has none:
# under a sanitizer this step is judged by scripts/test's plain build, which
# CI runs first; here it proves only that the sanitizer is the one failing.
if grep -q __ubsan_handle "$(command -v bdctl-check)"; then
  # Its report goes to stderr, not to the stage's report files: this one is expected.
  UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=stderr" \
    on pi prlimit --nofile=24 bdctl-check --config /dev/null --only lan "${targets[@]}" --json >/dev/null 2>"$T_TMP/emfile.err"
  check "EMFILE under UBSan: only the sanitizer's own EMFILE artefact (judged in the plain build)" \
    grep -q "object has invalid vptr" "$T_TMP/emfile.err"
else
  on pi prlimit --nofile=24 bdctl-check --config /dev/null --only lan "${targets[@]}" --json >"$T_TMP/emfile.json" \
    2>"$T_TMP/emfile.err"; rc=$?
  python3 - "$T_TMP/emfile.json" >"$T_TMP/emfile.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted({c["status"] for c in d["checks"]})))
print(sum(c["status"] == "unknown" and "could not open" in c["summary"] for c in d["checks"]))
PY
  check_not "EMFILE: no target is called critical" grep -q critical "$T_TMP/emfile.txt"
  check "EMFILE: the targets it could not probe are unknown, saying why" test "$(sed -n 2p "$T_TMP/emfile.txt")" -gt 0
  check_eq "EMFILE: exit 3 (UNKNOWN), not 2 (CRITICAL)" 3 "$rc"
  check_eq "EMFILE: nothing on stderr" "" "$(cat "$T_TMP/emfile.err")"
fi

# --- a killed run's temporaries are removed by the next run of the same tool ---
mkdir -p "$BDCTL_STATE_DIR" "$BDCTL_SYSCTL_DIR"
dead=4194399   # above pid_max's ceiling: no such process
echo junk >"$BDCTL_STATE_DIR/route.json.tmp.$dead"
echo junk >"$BDCTL_SYSCTL_DIR/90-bdctl-route.conf.tmp.$dead.abcdef"
echo live >"$BDCTL_STATE_DIR/route.json.tmp.$$"
ip -n "${T_PREFIX}pi" link add zt0 type veth peer name ztp0
for i in zt0 ztp0; do ip -n "${T_PREFIX}pi" link set "$i" up; done
check "bdctl-route up runs" on pi bdctl-route up --zt zt0 --lan eth0
check_not "... and removed the dead run's state temporary" test -e "$BDCTL_STATE_DIR/route.json.tmp.$dead"
check_not "... and its sysctl.d temporary" test -e "$BDCTL_SYSCTL_DIR/90-bdctl-route.conf.tmp.$dead.abcdef"
check "... but not one of a live process" test -e "$BDCTL_STATE_DIR/route.json.tmp.$$"
on pi bdctl-route down >/dev/null 2>&1

# --- the ruleset lock is not another user's to hold ---
check_not "nobody cannot open the ruleset lock to hold it" nobody sh -c "exec 9<'$BDCTL_LOCK_DIR/ruleset.lock'"
check_not "... nor plant one beside it" nobody sh -c ": >'$BDCTL_LOCK_DIR/planted'"
check "so bdctl-route up is not blocked" on pi bdctl-route up --zt zt0 --lan eth0

# --- a link planted in place of a state file is neither read nor written through ---
echo "root's file" >"$T_TMP/victim2"
rm -f "$BDCTL_STATE_DIR/route.json"
ln -s "$T_TMP/victim2" "$BDCTL_STATE_DIR/route.json"
rules_before=$(on pi nft list table inet bdctl)
check_exit "bdctl-route up with route.json a link: refused, exit 1" 1 on pi bdctl-route up --zt zt0 --lan eth0 --no-masquerade
check "... naming it as a link to remove" grep -q "route.json: a symbolic link, not a file bdctl wrote (remove it)" "$T_TMP/err"
check_eq "... the link's target is untouched" "root's file" "$(cat "$T_TMP/victim2")"
check_eq "... and the ruleset unchanged" "$rules_before" "$(on pi nft list table inet bdctl)"
rm "$BDCTL_STATE_DIR/route.json"
check "removed: up works again" on pi bdctl-route up --zt zt0 --lan eth0 --no-masquerade
on pi bdctl-route down >/dev/null 2>&1

done_testing
