#!/usr/bin/env bash
# Feedback on long work: on a terminal, a pulse and a wait for a board's lock
# show one status line on stderr saying what they wait for; piped, nothing.
. "$(dirname "$0")/lib.sh"
cat >"$T_TMP/bdctl.toml" <<TOML
[boards.hat]
driver = "gpio"
chip = "fake:$T_TMP/gpiochip"
lines = ["GPIO17", "GPIO27"]

[relays.radio]
board = "hat"
channel = 1
cooldown = "0s"

[relays.bms2]
board = "hat"
channel = 2
cooldown = "0s"
TOML
export BDCTL_CONFIG=$T_TMP/bdctl.toml
# on_tty OUT CMD...: run CMD with a terminal as stdout and stderr (script(1)).
on_tty() { local out=$1; shift; script -qec "$(printf '%q ' "$@")" /dev/null >"$out" 2>&1; }

on_tty "$T_TMP/tty.out" bdctl-relay pulse radio --for 1s --text
check "on a terminal, the pulse says what it waits for" \
  grep -q 'pulsing radio on for 1s (Ctrl-C returns it to rest)' "$T_TMP/tty.out"
check "... and clears the line before the result" grep -q $'\r\x1b\\[K' "$T_TMP/tty.out"
bdctl-relay pulse radio --for 1s --text >"$T_TMP/pipe.out" 2>"$T_TMP/pipe.err"
check_eq "piped: nothing extra on stderr" "" "$(cat "$T_TMP/pipe.err")"
check_not "... nor on stdout" grep -q 'pulsing' "$T_TMP/pipe.out"

# A second run on the same board waits, and says for whom.
bdctl-relay pulse bms2 --for 3s >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do ls "$BDCTL_STATE_DIR"/relay/intents/* >/dev/null 2>&1 && break; sleep 0.05; done
on_tty "$T_TMP/wait.out" bdctl-relay pulse radio --for 200ms --wait 10s --text
wait $holder
check "the waiting run names the board, the holder's pid and what it pulses" \
  grep -q "waiting for board hat: pid $holder is pulsing bms2" "$T_TMP/wait.out"
check "... then does its own pulse" grep -q 'radio: pulse' "$T_TMP/wait.out"

# bdctl-check waiting on a target that does not answer (no ARP reply on a
# veth peer without an address): every second, what it still waits for.
ns pi
on pi ip link add d0 type veth peer name d1
on pi ip addr add 10.9.9.1/24 dev d0
on pi ip link set d0 up; on pi ip link set d1 up
run_check=(ip netns exec "${T_PREFIX}pi" "$BDCTL_BIN/bdctl-check" --config /dev/null --only lan
  --target slow=10.9.9.2:80 --timeout 3s --deadline 5s --text)
on_tty "$T_TMP/check.out" "${run_check[@]}"
check "on a terminal, check says which check it waits for" \
  grep -Eq 'waiting for lan.slow \([0-9]s to the deadline\)' "$T_TMP/check.out"
"${run_check[@]}" >"$T_TMP/check.pipe" 2>"$T_TMP/check.err"
check_eq "piped: nothing extra on stderr" "" "$(cat "$T_TMP/check.err")"

# bdctl-mss probe: each probe says what it sends.
on_tty "$T_TMP/probe.out" ip netns exec "${T_PREFIX}pi" "$BDCTL_BIN/bdctl-mss" probe 10.9.9.2 -4 --wait 300ms \
  --timeout 1s --text
check "on a terminal, the MTU probe says what it sends" \
  grep -Eq 'probing 10.9.9.2 \(IPv4\): [0-9]+ bytes, probe 1 of at most [0-9]+' "$T_TMP/probe.out"
ip netns exec "${T_PREFIX}pi" bdctl-mss probe 10.9.9.2 -4 --wait 300ms --timeout 1s --text >/dev/null 2>"$T_TMP/probe.err"
check_not "piped: no probe lines on stderr" grep -q probing "$T_TMP/probe.err"

# A change waiting for the ruleset lock another run holds says so, then
# goes on once it is free.
mkdir -m 700 -p "$BDCTL_LOCK_DIR"
flock "$BDCTL_LOCK_DIR/ruleset.lock" sleep 1.5 &
locker=$!
for _ in $(seq 100); do [ -e "$BDCTL_LOCK_DIR/ruleset.lock" ] && break; sleep 0.02; done
sleep 0.2
on_tty "$T_TMP/lock.out" ip netns exec "${T_PREFIX}pi" "$BDCTL_BIN/bdctl-mss" clear --text
wait $locker
check "on a terminal, a change waiting for the ruleset lock names it" \
  grep -q "waiting for $BDCTL_LOCK_DIR/ruleset.lock: another bdctl run holds it" "$T_TMP/lock.out"
check "... clears that line and then does its work" grep -Eq $'\r\x1b\\[K(no|nothing|removed|.*mss)' "$T_TMP/lock.out"
flock "$BDCTL_LOCK_DIR/ruleset.lock" sleep 0.5 &
locker=$!
sleep 0.2
ip netns exec "${T_PREFIX}pi" bdctl-mss clear --text >/dev/null 2>"$T_TMP/lock.err"
wait $locker
check_not "piped: no waiting line" grep -q waiting "$T_TMP/lock.err"

done_testing
