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
pi_run bdctl-route up --zt zt327pdwre --lan eth0 --no-confirm --json >/dev/null  # forwarding up too
plan
check_eq "all up: plan exits 0" 0 "$RC"
check_eq "... gateway, internet, zerotier and forwarding observed up" "up up up up" \
  "$(field "$T_TMP/plan.json" '" ".join(d["observed"][k]["health"] for k in ("gateway","internet","zerotier","forwarding"))')"
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

# --- bdctl-check's watch.* checks, from the same record ---
wc_() { pi_run bdctl-check --only watch --json | jq -r '.checks[] | "\(.name) \(.status) \(.summary)"'; }
wc_ >"$T_TMP/wc.txt"
check "watch.daemon: [watch] set but no run watching is a warning saying how to start it" \
  grep -qx 'watch.daemon warning \[watch\] is configured but no bdctl-watch run is watching: nothing heals the backdoor (systemctl enable --now bdctl-watch)' "$T_TMP/wc.txt"
check "watch.budgets: within budgets, each counted" \
  grep -q '^watch.budgets ok within budgets: restart-zerotier zerotier-one.service 0/3 per hour, reapply-route bdctl-route 0/3 per hour, cycle-hotspot hotspot 0/6 per day, reboot system 0/1 per day' "$T_TMP/wc.txt"
check "watch.last_action: the last one, its age and cause" \
  grep -qx 'watch.last_action ok restart-zerotier zerotier-one.service 30m ago: earlier' "$T_TMP/wc.txt"
mkdir -p "$BDCTL_LOCK_DIR"
bg flock -o "$BDCTL_LOCK_DIR/watch-run.lock" sleep 60  # what a live run holds for its whole life
for i in $(seq 50); do pi_run bdctl-check --only watch.daemon --json | grep -q '"status":"ok"' && break; sleep 0.1; done
check "watch.daemon ok while a run holds its lock" grep -q '^watch.daemon ok bdctl-watch run is watching' <(wc_)
kill "${T_PIDS[-1]}"
cp "$BDCTL_STATE_DIR/watch/state.json" "$T_TMP/state.keep"
python3 - "$BDCTL_STATE_DIR/watch/state.json" "$now_ms" <<'PY'
import json, sys
p, now = sys.argv[1], int(sys.argv[2])
d = json.load(open(p)); d["reset_ms"] = 0
a = lambda m, r: {"kind": "restart-zerotier", "layer": "zerotier", "target": "zerotier-one.service",
                  "cause": "ZeroTier not ONLINE", "at_ms": now - m * 60000, "dry_run": False, "result": r}
d["history"] = [a(40, "ok"), a(20, "ok"), a(2, "org.freedesktop.systemd1.NoSuchUnit: Unit zerotier-one.service not found.")]
json.dump(d, open(p, "w"))
PY
wc_ >"$T_TMP/wc.txt"
check "three restarts this hour: the budget is spent, a warning with when it frees" \
  grep -q '^watch.budgets warning spent: restart-zerotier zerotier-one.service (3 of 3 per hour; next possible at 20' "$T_TMP/wc.txt"
check "... and the failed last action is a warning with its error" \
  grep -qx 'watch.last_action warning restart-zerotier zerotier-one.service 2m ago failed: org.freedesktop.systemd1.NoSuchUnit: Unit zerotier-one.service not found. (cause: ZeroTier not ONLINE)' "$T_TMP/wc.txt"
python3 - "$BDCTL_STATE_DIR/watch/state.json" "$now_ms" <<'PY'
import json, sys
p, now = sys.argv[1], int(sys.argv[2])
d = json.load(open(p))
d["history"] = [{"kind": "reboot", "layer": "system", "target": "system", "cause": "nothing answered for 30m",
                 "at_ms": now - 300000, "dry_run": False, "result": "ok"}]
json.dump(d, open(p, "w"))
PY
wc_ >"$T_TMP/wc.txt"
check "after the watch's reboot: watch.last_action shows it and its cause" \
  grep -q '^watch.last_action warning bdctl-watch rebooted the Pi 5m ago (20.*): nothing answered for 30m$' "$T_TMP/wc.txt"
check "... and the strict reboot budget is spent until a day after it" \
  grep -q '^watch.budgets warning spent: reboot system (1 of 1 per day; next possible at ' "$T_TMP/wc.txt"
echo '{"version":1,' >"$BDCTL_STATE_DIR/watch/state.json"
check_eq "an unreadable record: every watch.* check unknown, none ok" "unknown unknown unknown" \
  "$(pi_run bdctl-check --only watch --json | jq -r '[.checks[].status] | join(" ")')"
cp "$T_TMP/state.keep" "$BDCTL_STATE_DIR/watch/state.json"
sed '/^\[watch\]/,$d' "$T_TMP/bdctl.toml" >"$T_TMP/nowatch.toml"
check_eq "without [watch], bdctl-check has no watch.* checks" 0 \
  "$(BDCTL_CONFIG=$T_TMP/nowatch.toml pi_run bdctl-check --json | jq '[.checks[].name | select(startswith("watch."))] | length')"

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
