#!/usr/bin/env bash
# bdctl-watch plan, status, history and reset against the ZeroTier emulator
# and a LAN that stands in for the hotspot and the internet: the probes are
# bdctl-check's, the decisions the ladder's, nothing is changed by plan.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
zt_iface
zt_start ok-route
export ZEROTIER_HOME=$ZH
on lan ip addr add 192.168.1.1/24 dev eth0  # the hotspot: the Pi's default gateway
tcp_listen lan 8443
site_toml() {  # site_toml INTERNET_TARGETS [MORE]
  cat >"$T_TMP/bdctl.toml" <<TOML
[site]
lan_interface = "eth0"
[check.targets]
lanbox = "192.168.1.10:8443"
[boards.hat]
driver = "gpio"
chip = "fake:$T_TMP/gpiochip"
lines = ["GPIO17", "GPIO27"]
[relays.hotspot]
board = "hat"
channel = 1
protected = true
rest = "on"
[watch]
boot_grace = "0s"
internet_targets = $1
hotspot_relay = "hotspot"
${2:-}
TOML
}
export BDCTL_CONFIG=$T_TMP/bdctl.toml
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
plan() { pi_run bdctl-watch plan --json >"$T_TMP/plan.json" 2>"$T_TMP/plan.err"; RC=$?; }

site_toml '["192.168.1.10:8443", "icmp:192.168.1.10"]'
plan
check_eq "all up: plan exits 0" 0 "$RC"
check_eq "... gateway, internet and zerotier observed up" "up up up" \
  "$(field "$T_TMP/plan.json" '" ".join(d["observed"][k]["health"] for k in ("gateway","internet","zerotier"))')"
check_eq "... and would do nothing" "[]" "$(field "$T_TMP/plan.json" 'd["would"]')"

zt_state offline
plan
check_eq "ZeroTier OFFLINE: plan exits 1" 1 "$RC"
check_eq "... zerotier down" down "$(field "$T_TMP/plan.json" 'd["observed"]["zerotier"]["health"]')"
check "... naming the check that saw it" grep -q 'zerotier.service' <(field "$T_TMP/plan.json" 'd["observed"]["zerotier"]["why"]')
check_eq "... nothing recorded, so nothing to do yet" "[]" "$(field "$T_TMP/plan.json" 'd["would"]')"

# What the daemon would have recorded after 5 minutes of it.
mkdir -p "$BDCTL_STATE_DIR/watch"
now_ms=$(($(date +%s) * 1000))
cat >"$BDCTL_STATE_DIR/watch/state.json" <<JSON
{"version":1,"layers":{"gateway":{"health":"up","since_ms":$now_ms,"down_ms":0,"settle_until_ms":0,"flaps":0},
"internet":{"health":"up","since_ms":$now_ms,"down_ms":0,"settle_until_ms":0,"flaps":0},
"zerotier":{"health":"down","since_ms":$((now_ms - 300000)),"down_ms":300000,"settle_until_ms":0,"flaps":0}},
"outage_ms":300000,"cycled_this_outage":false,"restarted_this_outage":false,"reapply_pending":false,"reset_ms":0,
"history":[{"kind":"restart-zerotier","layer":"zerotier","target":"zerotier-one.service","cause":"earlier",
"at_ms":$((now_ms - 1800000)),"dry_run":false,"result":"ok"}]}
JSON
cp "$BDCTL_STATE_DIR/watch/state.json" "$T_TMP/state.before"
plan
check_eq "5 minutes OFFLINE recorded, internet up: plan would restart zerotier-one" \
  "restart-zerotier zerotier-one.service" \
  "$(field "$T_TMP/plan.json" '" ".join(d["would"][0][k] for k in ("action","target")) if d["would"] else "nothing"')"
check "... with the cause" grep -q 'ZeroTier not ONLINE for 5m' <(field "$T_TMP/plan.json" 'd["would"][0]["cause"]')
check "plan changed nothing in the state file" cmp -s "$T_TMP/state.before" "$BDCTL_STATE_DIR/watch/state.json"

# The internet down too: ZeroTier's timer is gated, so no restart.
site_toml '["192.168.1.77:443", "192.168.1.78:443"]'
plan
check_eq "internet down as well: no ZeroTier restart" "[]" "$(field "$T_TMP/plan.json" 'd["would"]')"
check_eq "... internet observed down" down "$(field "$T_TMP/plan.json" 'd["observed"]["internet"]["health"]')"
check_eq "... zerotier waits for the layer below" "lower layer down" \
  "$(field "$T_TMP/plan.json" '[l for l in d["layers"] if l["name"]=="zerotier"][0]["next"]["waiting"]')"

site_toml '["192.168.1.10:8443", "icmp:192.168.1.10"]'
pi_run bdctl-watch status --json >"$T_TMP/status.json"; RC=$?
check_eq "status with zerotier recorded down exits 1" 1 "$RC"
check_eq "... its restart budget counts the earlier restart" 1 \
  "$(field "$T_TMP/status.json" '[b for b in d["budgets"] if b["action"]=="restart-zerotier"][0]["used"]')"
check_eq "history lists it" "earlier" "$(pi_run bdctl-watch history --json | field /dev/stdin 'd["actions"][0]["cause"]')"
check_exit "reset" 0 pi_run bdctl-watch reset --json
check_eq "... the budget is back" 0 \
  "$(pi_run bdctl-watch status --json | field /dev/stdin '[b for b in d["budgets"] if b["action"]=="restart-zerotier"][0]["used"]')"
check "... and the reset is audited" grep -q '"event":"reset"' "$BDCTL_LOG_DIR/watch-audit.log"

rm -f "$BDCTL_STATE_DIR/watch/state.json"
pi_run bdctl-watch status --json >"$T_TMP/status.json"; RC=$?
check_eq "status with nothing recorded is not ok" "1 False" "$RC $(field "$T_TMP/status.json" 'd["ok"]')"

# Bad [watch] input: one line naming file and line, exit 2, nothing written.
site_toml '["192.168.1.10:8443", "icmp:192.168.1.10"]' 'zerotier_downfor = "5m"'
check_exit "an unknown [watch] key is exit 2" 2 pi_run bdctl-watch status
pi_run bdctl-watch plan 2>"$T_TMP/err"
check "... naming the key, file:line and the right spelling" \
  grep -q "bdctl.toml:[0-9]*: unknown key watch.zerotier_downfor (did you mean zerotier_down_for?)" "$T_TMP/err"
site_toml '["192.168.1.10:8443", "icmp:192.168.1.10"]'
sed -i 's/hotspot_relay = "hotspot"/hotspot_relay = "hotspt"/' "$T_TMP/bdctl.toml"
pi_run bdctl-watch status 2>"$T_TMP/err"; RC=$?
check_eq "a relay not in [relays] is exit 2" 2 "$RC"
check "... naming it" grep -q "watch.hotspot_relay.*no relay 'hotspt' in \[relays\]" "$T_TMP/err"
check_eq "... in one line" 1 "$(wc -l <"$T_TMP/err")"
check_not "... and nothing written" test -e "$BDCTL_STATE_DIR/watch/state.json"

done_testing
