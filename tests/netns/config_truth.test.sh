#!/usr/bin/env bash
# "One site, one truth": the config is the source of truth. A typo is an
# error in every tool, never a setting silently left at its default; [mss]
# is what the boot unit clamps to; a flag that differs from the file says
# what to write there; monitoring output reports a failed run.
. "$(dirname "$0")/lib.sh"

# --- a typo is refused, and nothing is switched ---------------------------------
gpio_cfg() {  # gpio_cfg PROTECT_LINE: a relay on the Pi's own GPIO (fake chip)
  cat <<TOML
[boards.hat]
driver = "gpio"
chip = "fake:$T_TMP/gpiochip"
lines = ["GPIO17"]

[relays.station]
board = "hat"
channel = 1
$1
TOML
}
gpio_cfg 'protcted = true' >"$T_TMP/typo.toml"
gpio_cfg 'protected = true' >"$T_TMP/guarded.toml"
gpio_cfg '' >"$T_TMP/plain.toml"
check_exit "relay off with a misspelt 'protected': exit 2" 2 bdctl-relay --config "$T_TMP/typo.toml" off station
check_eq "the error is one line naming file:line, key and the likely key" \
  "bdctl-relay: $T_TMP/typo.toml:9: unknown key relays.station.protcted (did you mean protected?)" "$(cat "$T_TMP/err")"
check_not "the relay was never touched" test -e "$T_TMP/gpiochip"
check_exit "spelt right, the rail is refused" 2 bdctl-relay --config "$T_TMP/guarded.toml" off station
check_not "... and not touched" test -e "$T_TMP/gpiochip"
check_exit "positive control: the same relay unguarded is driven" 0 \
  bdctl-relay --config "$T_TMP/plain.toml" pulse station --for 100ms
check "... the line moved" grep -q 'GPIO17 1' "$T_TMP/gpiochip.events"

# Unknown tables and keys, in every tool.
printf '[site]\nlan_iface = "eth0"\n' >"$T_TMP/site.toml"
printf '[checks.targets]\nnuc = "192.168.1.205:3389"\n' >"$T_TMP/checks.toml"
printf '[relay.x]\nboard = "b"\n' >"$T_TMP/relay.toml"
for tool in "bdctl-route show" "bdctl-mss show --mss 1400" "bdctl-relay list"; do
  check_exit "$tool: unknown key is bad input (exit 2)" 2 $tool --config "$T_TMP/site.toml"
  check "$tool: ... named with file:line and the likely key" \
    grep -qx "${tool%% *}: $T_TMP/site.toml:2: unknown key site.lan_iface (did you mean lan_interface?)" "$T_TMP/err"
done
check_exit "bdctl-check: unknown table is its UNKNOWN (exit 3)" 3 bdctl-check --config "$T_TMP/checks.toml" --list
check "bdctl-check: ... named" grep -qx "bdctl-check: $T_TMP/checks.toml:1: unknown table checks (did you mean check?)" "$T_TMP/err"
check_exit "bdctl-relay: unknown table [relay.x]" 2 bdctl-relay --config "$T_TMP/relay.toml" list
check "bdctl-relay: ... did you mean relays" grep -q "unknown table relay (did you mean relays?)" "$T_TMP/err"

# --- monitoring never goes silent, never keeps a stale OK --------------------------
check_exit "nagios, config error: exit 3" 3 bdctl-check --config "$T_TMP/checks.toml" --format nagios
check_eq "nagios, config error: exactly one line on stdout" 1 "$(wc -l <"$T_TMP/out")"
cp "$T_TMP/out" "$T_TMP/nagios"   # check and check_exit reuse $T_TMP/out
check "... and it is BDCTL UNKNOWN naming the error" grep -q '^BDCTL UNKNOWN - .*unknown table checks' "$T_TMP/nagios"
check_exit "nagios, usage error: exit 3" 3 bdctl-check --format nagios --frobnicate
cp "$T_TMP/out" "$T_TMP/nagios"
check "... one UNKNOWN line too" grep -q '^BDCTL UNKNOWN - .*frobnicate' "$T_TMP/nagios"
prom=$T_TMP/bdctl.prom
printf 'bdctl_check_overall_status 0\n' >"$prom"   # the last good run
check_exit "prometheus, config error: exit 3" 3 \
  bdctl-check --config "$T_TMP/checks.toml" --format prometheus --output "$prom"
check "the .prom file now says unknown (3), not the stale 0" grep -qx 'bdctl_check_overall_status 3' "$prom"
ts=$(sed -n 's/^bdctl_check_last_run_timestamp_seconds //p' "$prom")
check "... with this run's timestamp" test "$(( $(date +%s) - ${ts:-0} ))" -lt 60
for t in bdctl-route bdctl-mss bdctl-relay bdctl-check; do
  check_eq "$t -V prints the project version" "$t $(bdctl --version | cut -d' ' -f2)" "$($t -V)"
done

# --- [mss] is what set applies without flags; boot keeps a hand-set clamp --------
ns pi
ip -n "${T_PREFIX}pi" link add eth0 type veth peer name eth0p
printf '[mss]\nmss = 1360\n' >"$T_TMP/mss.toml"
check "set without flags applies [mss]" on pi bdctl-mss set --config "$T_TMP/mss.toml" --json
cp "$T_TMP/out" "$T_TMP/set.json"
check_eq "... the clamp is the file's" '"mss":1360' "$(grep -o '"mss":1360' "$T_TMP/set.json" | head -1)"
check "... source named" grep -q "\"source\":\"config $T_TMP/mss.toml\"" "$T_TMP/set.json"
check "the kernel holds 1360" grep -q 'maxseg size set 1360' <(on pi nft list table inet bdctl)
check_exit "a flag that differs from the file: applied (exit 0)" 0 \
  on pi bdctl-mss set --mss 1400 --config "$T_TMP/mss.toml" --json
check "... and warned about, with the lines to put in the file" grep -q 'mss = 1400' "$T_TMP/err"
check "... the kernel holds 1400" grep -q 'maxseg size set 1400' <(on pi nft list table inet bdctl)
check_exit "the boot unit's set --if-configured re-applies the file" 0 \
  on pi bdctl-mss set --if-configured --config "$T_TMP/mss.toml"
check "... 1360 again" grep -q 'maxseg size set 1360' <(on pi nft list table inet bdctl)
printf '[site]\n' >"$T_TMP/nomss.toml"
before=$(on pi nft list table inet bdctl)
check_exit "without [mss], set --if-configured changes nothing (exit 0)" 0 \
  on pi bdctl-mss set --if-configured --config "$T_TMP/nomss.toml" --json
check_eq "... the kernel is as before" "$before" "$(on pi nft list table inet bdctl)"
cp "$T_TMP/out" "$T_TMP/set.json"
check "... and says so" grep -q '"configured":false' "$T_TMP/set.json"
check_exit "without [mss] and without --if-configured: bad input" 2 on pi bdctl-mss set --config "$T_TMP/nomss.toml"
printf '[mss]\nmss = 1360\npppoe = true\n' >"$T_TMP/two.toml"
check_exit "[mss] with two modes: exit 2" 2 on pi bdctl-mss set --config "$T_TMP/two.toml"
check "... named" grep -q "two.toml:1: .*exactly one of mss, mtu, pppoe" "$T_TMP/err"
check_not "bdctl-apply.service hard-codes no clamp" grep -qE 'bdctl-mss set --(pppoe|mss|mtu|pmtu)' \
  "$BDCTL_SRC/systemd/bdctl-apply.service"
check "bdctl-apply.service applies [mss]" grep -q '^ExecStart=/usr/sbin/bdctl-mss set --if-configured' \
  "$BDCTL_SRC/systemd/bdctl-apply.service"
on pi bdctl-mss clear >/dev/null
# bdctl-check judges the clamp the file configures.
mss_state() {
  on pi bdctl-check --only forwarding.mss --json "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"][0]["status"])'
}
check_eq "check: no [mss], no clamp: ok" ok "$(mss_state --config "$T_TMP/nomss.toml")"
check_eq "check: [mss] configured, no clamp set: critical" critical "$(mss_state --config "$T_TMP/mss.toml")"
on pi bdctl-mss set --config "$T_TMP/mss.toml" >/dev/null
check_eq "check: [mss] set as configured: ok" ok "$(mss_state --config "$T_TMP/mss.toml")"
on pi bdctl-mss set --mss 1400 >/dev/null 2>&1
check_eq "check: a clamp other than [mss]'s: warning" warning "$(mss_state --config "$T_TMP/mss.toml")"
on pi bdctl-mss clear >/dev/null

# --- route: flags that differ from [route] say what to write -------------------
ip -n "${T_PREFIX}pi" link add zt0 type veth peer name zt0p
printf '[route]\nfamily = "both"\n' >"$T_TMP/route.toml"
check_exit "route up --no-masquerade --family ipv4 against a file that says otherwise" 0 \
  on pi bdctl-route up --zt zt0 --lan eth0 --no-masquerade --family ipv4 --no-persist --config "$T_TMP/route.toml"
check "... warns that boot applies the file" grep -q 'boot applies the file' "$T_TMP/err"
check "... with the lines: family" grep -qx 'family = "ipv4"' "$T_TMP/err"
check "... with the lines: masquerade" grep -qx 'masquerade = false' "$T_TMP/err"
printf '[route]\nfamily = "ipv4"\nmasquerade = false\n' >"$T_TMP/route2.toml"
check_exit "the same flags with a file that says the same: no warning" 0 \
  on pi bdctl-route up --zt zt0 --lan eth0 --no-masquerade --family ipv4 --no-persist --config "$T_TMP/route2.toml"
check_eq "... stderr empty" "" "$(cat "$T_TMP/err")"
on pi bdctl-route down >/dev/null

# --- route status is not ok when the ZeroTier interface is gone ---------------------
check "up on zt0" on pi bdctl-route up --zt zt0 --lan eth0
ip -n "${T_PREFIX}pi" link set eth0 up; ip -n "${T_PREFIX}pi" link set zt0 up
check_exit "status while zt0 exists: exit 0" 0 on pi bdctl-route status
ip -n "${T_PREFIX}pi" link del zt0
check_exit "zt0 gone (network left, service down): status exit 1" 1 on pi bdctl-route status --text
cp "$T_TMP/out" "$T_TMP/st.txt"
check_not "... and never says ok" grep -q '^ok:' "$T_TMP/st.txt"
check "... names the absent interface" grep -q 'zerotier interface zt0: absent' "$T_TMP/st.txt"
on pi bdctl-route down >/dev/null

# --- one vocabulary: usage errors name the word, flags on either side ---------------
check_exit "an unknown verb: exit 2" 2 bdctl-route frobnicate
check_eq "... named, with the verbs" "bdctl-route: 'frobnicate' is not a bdctl-route command (up, down, status, show)" \
  "$(head -1 "$T_TMP/err")"
check_exit "no verb: exit 2" 2 bdctl-mss
check_eq "... the verbs listed" "bdctl-mss: a command is required: set, clear, status, show, probe" "$(head -1 "$T_TMP/err")"
check_exit "a bad duration: exit 2" 2 bdctl-mss probe 192.0.2.1 --wait 2x
check_eq "... names the option and the value" "bdctl-mss: --wait: '2x' is not a duration (examples: 500ms, 2s, 1m30s)" \
  "$(cat "$T_TMP/err")"
ip -n "${T_PREFIX}pi" link add zt0 type veth peer name zt0p
check_exit "route: --json before the verb" 0 on pi bdctl-route --json show --zt zt0 --lan eth0
cp "$T_TMP/out" "$T_TMP/show.json"
check "... is JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/show.json"
check_exit "mss status: jq -e .ok holds on a clean kernel" 0 on pi bdctl-mss status --json
check_eq "... ok is true" True "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ok"])' "$T_TMP/out")"

done_testing
