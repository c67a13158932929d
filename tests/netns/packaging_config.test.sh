#!/usr/bin/env bash
# etc/bdctl.toml.example, installed as the conffile /etc/bdctl/bdctl.toml:
# as shipped it is an empty configuration (every setting commented out);
# uncommented, every tool accepts it; and it shows exactly the keys the
# code reads (packaging_config_keys.py compares them both ways).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/packaging_common.sh"

example=$BDCTL_SRC/etc/bdctl.toml.example
check "the example shows every key the code reads, and no other" \
  python3 "$BDCTL_SRC/tests/netns/packaging_config_keys.py" "$BDCTL_SRC" "$example"

# As shipped: comments only, so a fresh install configures nothing.
check_eq "as shipped: no line outside a comment" "" "$(grep -vE '^(#|$)' "$example")"
check_eq "as shipped: parses to an empty table" "{}" \
  "$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb")))' "$example")"
check_exit "as shipped: bdctl-relay list accepts it" 0 bdctl-relay --config "$example" list --json
check_eq "as shipped: no relays" 0 "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["relays"]))' <"$T_TMP/out")"

# Uncommented: the site as the example describes it.
site=$T_TMP/site.toml
sed 's/^#\([^ ]\)/\1/' "$example" >"$site"
chmod 600 "$site"
check_exit "uncommented: bdctl-relay list accepts it" 0 bdctl-relay --config "$site" list --json
cp "$T_TMP/out" "$T_TMP/relays.json"
check_eq "uncommented: the relays" "bms1 fan hotspot nuc_power radio spare_udp spare_usb station" \
  "$(python3 -c 'import json,sys; print(" ".join(sorted(r["name"] for r in json.load(sys.stdin)["relays"])))' <"$T_TMP/relays.json")"
check_eq "uncommented: no warning (mode 600)" "" "$(cat "$T_TMP/err")"
check_exit "uncommented: bdctl-check --list accepts it" 0 bdctl-check --config "$site" --list
cp "$T_TMP/out" "$T_TMP/checks"   # check and check_exit reuse $T_TMP/out
for t in nuc pi kmtronic rigrunner; do
  check "uncommented: check lan.$t from [check.targets]" grep -qx "lan.$t" "$T_TMP/checks"
done

# bdctl-route reads [site] and [route]: in a namespace with the example's
# LAN (found by its subnet) and a ZeroTier interface matching zt*.
ns pi
ip -n "${T_PREFIX}pi" link add eth0 type veth peer name zt3jnxxqcz
ip -n "${T_PREFIX}pi" link set eth0 up
ip -n "${T_PREFIX}pi" link set zt3jnxxqcz up
ip -n "${T_PREFIX}pi" addr add 192.168.1.201/24 dev eth0
check_exit "uncommented: bdctl-route show accepts it" 0 on pi bdctl-route show --config "$site" --json
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(d[sys.argv[2]]))' "$T_TMP/show.json" "$1"; }
cp "$T_TMP/out" "$T_TMP/show.json"
check_eq "route show: zt_interface from site.zerotier_interface" '"zt*"' "$(json_get zt_interface)"
check_eq "route show: lan_interface from site.lan_interface" '"eth0"' "$(json_get lan_interface)"
check_eq "route show: masquerade from route.masquerade" true "$(json_get masquerade)"
check_eq "route show: allow_lan_initiated from the file" false "$(json_get allow_lan_initiated)"
check_eq "route show: families from route.family" '["ipv4", "ipv6"]' "$(json_get families)"
sed -e 's/^family = "both"/family = "ipv4"/' -e 's/^masquerade = true/masquerade = false/' "$site" >"$T_TMP/v4.toml"
on pi bdctl-route show --config "$T_TMP/v4.toml" --json >"$T_TMP/show.json" 2>/dev/null
check_eq "route show: route.family = ipv4 is read" '["ipv4"]' "$(json_get families)"
check_eq "route show: route.masquerade = false is read" false "$(json_get masquerade)"
check_exit "uncommented: bdctl-route up --dry-run accepts it" 0 on pi bdctl-route up --dry-run --config "$site" --json
# A wrong value is named with its file, line and key.
sed 's/^family = "both"/family = "all"/' "$site" >"$T_TMP/bad.toml"
check_exit "a bad route.family is bad input" 2 on pi bdctl-route show --config "$T_TMP/bad.toml"
check "... named with file, line and key" grep -q "bad.toml:[0-9]*:.*route.family" "$T_TMP/err"
done_testing
