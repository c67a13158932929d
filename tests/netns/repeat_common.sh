# Sourced by the repeat tests after lib.sh: the discovery stand-ins of
# tests/sim/discovery and the look-ups on what they heard.
SIM="$BDCTL_SRC/tests/sim/discovery/discovery.py"
# listen NS PORT NAME [listen options]: a listener logging to $T_TMP/NAME.log.
listen() {
  local n=$1 port=$2 name=$3; shift 3
  bg on "$n" python3 "$SIM" listen "$port" "$T_TMP/$name.log" --ready "$T_TMP/$name.ready" "$@"
  for i in $(seq 100); do [ -e "$T_TMP/$name.ready" ] && return 0; sleep 0.05; done
  echo "listener $name did not start" >&2; return 1
}
# lines NAME [PATTERN]: how many datagrams NAME heard (matching PATTERN).
lines() { if [ -e "$T_TMP/$1.log" ]; then grep -c "${2:-.}" "$T_TMP/$1.log" || true; else echo 0; fi; }
# field NAME KEY: KEY of the first datagram NAME heard.
field() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' "$T_TMP/$1.log" "$2"; }
# wait_count NAME N SECONDS: until NAME heard N.
wait_count() {
  local i; for i in $(seq $(($3 * 20))); do [ "$(lines "$1")" -ge "$2" ] && return 0; sleep 0.05; done; return 1
}
