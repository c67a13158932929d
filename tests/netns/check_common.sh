# Helpers shared by the bdctl-check namespace tests (sourced after lib.sh).

# Run in the Pi's namespace (a plain function: `in` is a shell keyword in some positions).
pi_run() { ip netns exec "${T_PREFIX}pi" "$@"; }

# jq-free JSON look-ups with python3: cstatus FILE NAME -> the check's status.
cfield() {  # cfield FILE NAME FIELD
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = [c for c in d["checks"] if c["name"] == sys.argv[2]]
print(m[0][sys.argv[3]] if m else "absent")' "$1" "$2" "$3"
}
cstatus() { cfield "$1" "$2" status; }
csummary() { cfield "$1" "$2" summary; }

# The ZeroTier API emulator inside namespace pi, home $ZH, state in $ZH/control.
ZH="$T_TMP/zt"
zt_start() {
  mkdir -p "$ZH"
  echo "${1:-ok-route}" >"$ZH/control"
  bg pi_run python3 "$BDCTL_SRC/tests/sim/zerotier/ztemu.py" --home "$ZH" --control "$ZH/control" \
    --delay "${ZT_DELAY:-3}" >/dev/null
  local i
  for i in $(seq 50); do [ -s "$ZH/zerotier-one.port" ] && return 0; sleep 0.1; done
  echo "emulator did not start"; return 1
}
zt_state() { echo "$1" >"$ZH/control"; }

# A ZeroTier interface as zerotier-one would make it for the emulated network.
zt_iface() {
  # a veth pair (no dummy module needed), both ends up so the link is up
  ip -n "${T_PREFIX}pi" link add zt327pdwre type veth peer name ztpeer0
  ip -n "${T_PREFIX}pi" addr add 10.147.20.54/24 dev zt327pdwre
  ip -n "${T_PREFIX}pi" link set zt327pdwre up
  ip -n "${T_PREFIX}pi" link set ztpeer0 up
}

# bdctl-check inside the Pi's namespace, JSON to $T_TMP/r.json; exit code in $RC.
runcheck() {
  pi_run bdctl-check --json --zt-home "$ZH" --lan-subnet "${LANSUB:-192.168.1.0/24}" "$@" >"$T_TMP/r.json" 2>"$T_TMP/r.err"
  RC=$?
}
