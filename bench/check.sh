#!/bin/bash
# bdctl-check versus what a user would otherwise run, in one run, inside
# throwaway network namespaces (needs root, gcc, nc, ping, curl, python3):
#  A. 200 LAN targets of which 50 are blackholed (silently dropped), 1 s
#     timeout each, as TCP connects and as ICMP echoes: bdctl-check --only lan
#     (one poll loop over all targets) against the shell loops users write
#     (nc -z -w1, ping -c1 -W1 per target) and a sequential prober
#     (zerotier-cli style: one target after the other, python3).
#  B. the default checks (ZeroTier through the API emulator, forwarding,
#     uplink, plan), with --skip plan, without the ZeroTier checks (libcurl
#     never loaded; uplink.zerotier needs them, so it is skipped too),
#     --help, and for scale curl /status, an empty C program and a C program
#     that only loads libcurl and makes that one request.
#  C. where B's memory goes: /proc/self/smaps at exit (private versus shared).
# Every run is under GNU time (peak RSS); CPU (user+sys) is read with wait4()
# in microseconds, as time -v prints it in 10 ms steps (bench/check-runstat.py).
# Usage: bench/check.sh [BUILD_DIR] [RUNS]   (default build, 20 runs for B;
# BENCH_SECTIONS=BC leaves out A's 150 s of shell loops)
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
RUNS=${2:-20}
SECTIONS=${BENCH_SECTIONS:-ABC}
BIN=$BUILD/bin
[ -x "$BIN/bdctl-check" ] || { echo "no $BIN/bdctl-check"; exit 1; }
[ -x /usr/bin/time ] || { echo "install package 'time'"; exit 1; }
for c in gcc nc ping curl python3 nft; do command -v $c >/dev/null || { echo "needs $c"; exit 1; }; done
SITE_PREFIX=16 . "$SRC/bench/site-common.sh"
gcc -O2 -o "$T/curl-alone" "$SRC/bench/check-curl-alone.c" -ldl || exit 1
gcc -O2 -shared -fPIC -o "$T/memstat.so" "$SRC/bench/check-memstat.c" || exit 1
# 200 targets on the LAN host; the last 50 exist (ARP answers) but every
# packet to them is dropped: no RST, no echo reply, no ICMP error.
for i in $(seq 1 200); do ip -n ${P}lan addr add 192.168.2.$i/16 dev eth0; done
ip netns exec ${P}lan nft 'add table ip bh; add chain ip bh in { type filter hook input priority 0; policy accept; }; add rule ip bh in ip daddr 192.168.2.151-192.168.2.200 drop'
lan_listener 80
zt_emulator
# Warm ARP so every tool sees the same neighbour table.
pi ping -c1 -W1 192.168.1.1 >/dev/null
for i in $(seq 1 200); do echo "192.168.2.$i"; done >"$T/hosts"
tcp=(); icmp=()
for i in $(seq 1 200); do tcp+=("t$i=192.168.2.$i:80"); icmp+=("i$i=icmp:192.168.2.$i"); done

# spec FILE LABEL ARGV...: one case line for check-runstat.py
spec() { local f=$1; shift; (IFS=$'\t'; echo "$*") >>"$f"; }
runstat() { mkdir -p "$T/$2"; pi python3 "$SRC/bench/check-runstat.py" "$1" "$T/$2" "$T/$2.spec"; }
okcount() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(c["status"]=="ok" for c in d["checks"]))' "$1"; }
states() { python3 -c '
import json, sys, collections
d = json.load(open(sys.argv[1]))
print(d["status"] + ":", ", ".join(f"{n} {s}" for s, n in collections.Counter(c["status"] for c in d["checks"]).items()))' "$1"; }

echo "bdctl-check benchmark, $(date -u +%F), $(nproc) CPU $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg), $BUILD"
if [[ $SECTIONS == *A* ]]; then
echo
echo "A. 200 targets, 50 blackholed, timeout 1 s (shell loops: peak RSS of their largest process)"
check=("$BIN/bdctl-check" --json --timeout 1s)
spec "$T/a.spec" "bdctl-check --only lan, 200 TCP" "${check[@]}" --only lan $(printf -- '--target\t%s\t' "${tcp[@]}")
spec "$T/a.spec" "bdctl-check --only lan, 200 ICMP" "${check[@]}" --only lan $(printf -- '--target\t%s\t' "${icmp[@]}")
spec "$T/a.spec" "shell loop: nc -z -w1 per target" bash -c 'while read h; do nc -z -w1 "$h" 80 && echo up || echo down; done <"$1"' _ "$T/hosts"
spec "$T/a.spec" "shell loop: ping -c1 -W1 per target" bash -c 'while read h; do ping -c1 -W1 -q "$h" >/dev/null && echo up || echo down; done <"$1"' _ "$T/hosts"
cat >"$T/sequential.py" <<'PY'
import socket, sys
for h in open(sys.argv[1]).read().split():
    try:
        socket.create_connection((h, 80), timeout=1).close(); print("up")
    except OSError:
        print("down")
PY
spec "$T/a.spec" "sequential prober (python3 TCP, 1 s each)" python3 "$T/sequential.py" "$T/hosts"
runstat 1 a
echo "    up/ok of 200 (150 expected): bdctl TCP $(okcount "$T/a/0.out"), bdctl ICMP $(okcount "$T/a/1.out")," \
  "nc $(grep -c up "$T/a/2.out"), ping $(grep -c up "$T/a/3.out"), sequential $(grep -c up "$T/a/4.out")"
fi

[[ $SECTIONS == *B* ]] && echo && echo "B. default checks against the ZeroTier API emulator (ok-route), $RUNS runs each, round-robin"
dflt=("$BIN/bdctl-check" --json --zt-home "$T/zt" --lan-subnet 192.168.1.0/24 --timeout 1s)
spec "$T/b.spec" "bdctl-check (default checks)" "${dflt[@]}"
spec "$T/b.spec" "bdctl-check --skip plan" "${dflt[@]}" --skip plan
spec "$T/b.spec" "bdctl-check --skip plan,zerotier,uplink.zt" "${dflt[@]}" --skip plan,zerotier,uplink.zerotier
spec "$T/b.spec" "bdctl-check --only zerotier" "${dflt[@]}" --only zerotier
spec "$T/b.spec" "bdctl-check --help (start-up floor)" "$BIN/bdctl-check" --help
spec "$T/b.spec" "curl -s /status (for scale)" curl -s -H "X-ZT1-Auth: $TOKEN" "$URL"
spec "$T/b.spec" "C: empty program" "$T/curl-alone" none "$URL" "$TOKEN"
spec "$T/b.spec" "C: dlopen libcurl.so.4 (OpenSSL) + 1 request" "$T/curl-alone" libcurl.so.4 "$URL" "$TOKEN"
spec "$T/b.spec" "C: dlopen libcurl-gnutls.so.4 + 1 request" "$T/curl-alone" libcurl-gnutls.so.4 "$URL" "$TOKEN"
if [[ $SECTIONS == *B* ]]; then
runstat "$RUNS" b
echo "    results: default $(states "$T/b/0.out"); --skip plan $(states "$T/b/1.out");" \
  "--only zerotier $(states "$T/b/3.out")"
pi /usr/bin/time -v "${dflt[@]}" >/dev/null 2>"$T/time"
printf '    GNU time -v, one default run: wall %s, user %s s, sys %s s, peak RSS %s KB\n' \
  "$(awk '/Elapsed \(wall/ {print $NF}' "$T/time")" "$(awk '/User time/ {print $NF}' "$T/time")" \
  "$(awk '/System time/ {print $NF}' "$T/time")" "$(awk '/Maximum resident/ {print $NF}' "$T/time")"
fi

[[ $SECTIONS == *C* ]] || exit 0
echo
echo "C. memory of one run (MB; /proc/self/smaps at exit, check-smaps.py says what each column is)"
# What libcurl brings beyond what bdctl-check links already.
libs() { ldd "$1" | awk '$3 ~ /^\// {print $3}' | xargs readlink -f | sort; }
CURLSO=$(readlink -f "/usr/lib/$(gcc -print-multiarch)/libcurl.so.4")
{ comm -23 <(libs "$CURLSO") <(libs "$BIN/bdctl-check"); echo "$CURLSO"; } >"$T/curllibs"
printf '%-46s %5s %5s %5s  %5s   %5s %5s %5s  %5s\n' "" peak RSS PSS dirty anon curl other clean
n=0
while IFS=$'\t' read -r label argv; do
  IFS=$'\t' read -r -a a <<<"$argv"
  pi env LD_PRELOAD="$T/memstat.so" MEMSTAT_OUT="$T/smaps.$n" "${a[@]}" >/dev/null 2>&1
  python3 "$SRC/bench/check-smaps.py" "$label" "$T/smaps.$n" "$T/curllibs"
  n=$((n + 1))
done <"$T/b.spec"
echo "    (dirty = anon: heap, malloc arenas, thread stacks + curl: libcurl and the $(($(wc -l <"$T/curllibs") - 1))" \
  "libraries only it needs + other objects; clean: file pages no other process maps)"
echo
echo "bdctl-check $(stat -c %s "$BIN/bdctl-check") bytes, libbdctl $(stat -L -c %s "$BUILD/lib/libbdctl.so") bytes"
