#!/usr/bin/env bash
# Monitoring without root: a root run saves its report (--report, mode 0644),
# and any user renders it (--from), as NRPE runs plugins; a report the timer
# stopped writing is UNKNOWN, never a stale OK.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_common.sh"
site
zt_iface
zt_start ok-route
chmod 755 "$T_TMP"
pub=$T_TMP/pub; mkdir -m 755 "$pub"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

pi_run bdctl-check --zt-home "$ZH" --lan-subnet 192.168.1.0/24 --only zerotier.service,zerotier.route,forwarding \
  --format prometheus --output "$pub/bdctl.prom" --report "$pub/check.json"; rc=$?
check_eq "the root run's report and metrics are readable by others (0644)" "644 644" \
  "$(stat -c %a "$pub/check.json") $(stat -c %a "$pub/bdctl.prom")"
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$pub/check.json")
as_nobody "$BDCTL_BIN/bdctl-check" --from "$pub/check.json" --format nagios >"$T_TMP/n.out"; nrc=$?
check_eq "nobody renders it: one Nagios line" 1 "$(wc -l <"$T_TMP/n.out")"
check_eq "... with the root run's state and exit code" "$(echo "$want" | tr a-z A-Z) $rc" \
  "$(sed -E 's/^BDCTL ([A-Z]+) .*/\1/' "$T_TMP/n.out") $nrc"
as_nobody "$BDCTL_BIN/bdctl-check" --from "$pub/check.json" --json >"$T_TMP/n.json"
check_eq "... and the same checks in JSON" \
  "$(python3 -c 'import json,sys; print([c["name"]+":"+c["status"] for c in json.load(open(sys.argv[1]))["checks"]])' "$pub/check.json")" \
  "$(python3 -c 'import json,sys; print([c["name"]+":"+c["status"] for c in json.load(open(sys.argv[1]))["checks"]])' "$T_TMP/n.json")"

# The timer stopped ten minutes ago: UNKNOWN, saying how old.
python3 -c 'import json,sys,time; d=json.load(open(sys.argv[1])); d["timestamp"]=int(time.time())-600; json.dump(d,open(sys.argv[2],"w"))' \
  "$pub/check.json" "$pub/old.json"
chmod 644 "$pub/old.json"
as_nobody "$BDCTL_BIN/bdctl-check" --from "$pub/old.json" --format nagios >"$T_TMP/o.out"; orc=$?
check_eq "a report 10 minutes old: UNKNOWN, exit 3" 3 "$orc"
check "... saying how old it is" grep -Eq '^BDCTL UNKNOWN - .*old.json is 6[0-9]{2} s old \(more than 3m\)' "$T_TMP/o.out"
as_nobody "$BDCTL_BIN/bdctl-check" --from "$pub/old.json" --max-age 15m --format nagios >/dev/null
check_eq "... within --max-age it is rendered as saved" "$nrc" "$?"

echo '{"schema_version":1,"command":"status","ok":true}' >"$pub/other.json"; chmod 644 "$pub/other.json"
as_nobody "$BDCTL_BIN/bdctl-check" --from "$pub/other.json" --format nagios >"$T_TMP/x.out"; xrc=$?
check_eq "another tool's document: UNKNOWN, exit 3" 3 "$xrc"
check "... one line naming the file" grep -q "^BDCTL UNKNOWN - .*other.json: not a bdctl-check report" "$T_TMP/x.out"
as_nobody "$BDCTL_BIN/bdctl-check" --from "$pub/missing.json" --format nagios >"$T_TMP/m.out"; mrc=$?
check_eq "no report at all: UNKNOWN, exit 3" "3 1" "$mrc $(wc -l <"$T_TMP/m.out")"
check_exit "--from with --only is a usage error" 3 "$BDCTL_BIN/bdctl-check" --from "$pub/check.json" --only zerotier

# Which checks a user without root can run itself (documented in bdctl-check(8)).
ip netns exec "${T_PREFIX}pi" setpriv --reuid=65534 --regid=65534 --clear-groups "$BDCTL_BIN/bdctl-check" --json --zt-home "$ZH" --lan-subnet 192.168.1.0/24 \
  --config /dev/null >"$T_TMP/u.json" 2>"$T_TMP/u.err"
check "a run as nobody still prints one document" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/u.json"
check_eq "as nobody, the token-bound checks are unknown, not ok" "unknown unknown" \
  "$(cstatus "$T_TMP/u.json" zerotier.service) $(cstatus "$T_TMP/u.json" zerotier.route)"

# watch.*: the run lock is root's (0700), the state file is readable: the daemon unknown, the rest judged.
mkdir -p "$BDCTL_LOCK_DIR"; chmod 700 "$BDCTL_LOCK_DIR"; touch "$BDCTL_LOCK_DIR/watch-run.lock"
printf '[watch]\nboot_grace = "0s"\n' >"$pub/watch.toml"; chmod 644 "$pub/watch.toml"
as_nobody "$BDCTL_BIN/bdctl-check" --config "$pub/watch.toml" --only watch --json >"$T_TMP/w.json"
check_eq "as nobody: watch.daemon unknown (cannot read the lock), budgets and last action judged" "unknown ok ok" \
  "$(cstatus "$T_TMP/w.json" watch.daemon) $(cstatus "$T_TMP/w.json" watch.budgets) $(cstatus "$T_TMP/w.json" watch.last_action)"
check "... saying why" grep -q 'watch-run.lock: Permission denied' "$T_TMP/w.json"

done_testing
