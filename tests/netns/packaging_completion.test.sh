#!/usr/bin/env bash
# Bash completion, driven as bash drives it: COMP_WORDS, COMP_CWORD,
# COMP_LINE and COMP_POINT set, the registered function called, COMPREPLY
# read. Live values come from a namespace with its own interfaces, a
# ZeroTier home with its own networks, and the example configuration.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/packaging_common.sh"

bc=/usr/share/bash-completion/bash_completion
check "bash-completion is installed" test -r "$bc"
comp=$BDCTL_SRC/completions

# drive FILE LINE: source bash-completion and FILE, complete LINE with the
# cursor at its end, print COMPREPLY one per line. Bash-completion's own
# loader finds tool completions in $BASH_COMPLETION_USER_DIR/completions.
mkdir -p "$T_TMP/user/completions"
cat >"$T_TMP/drive.sh" <<'SH'
. "$BC"
[ -n "$NO_LOADER" ] && unset -f __load_completion
. "$1"
line=$2
COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9 COMP_KEY=9
read -ra COMP_WORDS <<<"$line"
[[ $line == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
# compopt works only while readline completes; record it instead.
compopt() { :; }
spec=$(complete -p "${COMP_WORDS[0]}") || exit 3
[[ $spec =~ -F\ ([^ ]+) ]] || exit 4
"${BASH_REMATCH[1]}" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}" | sort -u
SH
drive() {  # drive FILE LINE [ns]: completions, one per line; stderr must stay empty
  local f=$1 line=$2 n=${3:-}
  local run=(env BC="$bc" BASH_COMPLETION_USER_DIR="$T_TMP/user" HOME="$T_TMP" bash --norc --noprofile "$T_TMP/drive.sh" "$comp/$f" "$line")
  if [ -n "$n" ]; then on "$n" "${run[@]}" 2>"$T_TMP/drive.err"; else "${run[@]}" 2>"$T_TMP/drive.err"; fi
}
stderr_clean() {  # a completion that writes to the terminal garbles the command line
  [ -s "$T_TMP/drive.err" ] || return 0
  fail "$1: nothing on stderr"; sed 's/^/    stderr: /' "$T_TMP/drive.err" | head -5
}
words() { drive "$@" | tr '\n' ' ' | sed 's/ $//'; }
has() {  # has "description" "WORD..." FILE LINE [ns]: each WORD is offered
  local d=$1 want=$2; shift 2
  local got w missing=()
  [ -n "$want" ] || { fail "$d: nothing to look for (a --help that lists nothing?)"; return; }
  got=" $(words "$@") "
  for w in $want; do [[ $got == *" $w "* ]] || missing+=("$w"); done
  if [ ${#missing[@]} = 0 ]; then pass "$d"; else fail "$d"; echo "    missing: ${missing[*]}"; echo "    offered:$got"; fi
  stderr_clean "$d"
}
exactly() {  # exactly "description" "WORDS" FILE LINE [ns]
  local d=$1 want=$2; shift 2
  check_eq "$d" "$want" "$(words "$@")"
  stderr_clean "$d"
}

# Live values: a namespace with interfaces the host does not have, a
# ZeroTier home with one network (and its .local.conf), the example config.
ns pi
ip -n "${T_PREFIX}pi" link add sitelan0 type veth peer name ztabcdef12
mkdir -p "$T_TMP/zt/networks.d"
touch "$T_TMP/zt/networks.d/8056c2e21c000001.conf" "$T_TMP/zt/networks.d/8056c2e21c000001.local.conf"
sed 's/^#\([^ ]\)/\1/' "$BDCTL_SRC/etc/bdctl.toml.example" >"$T_TMP/site.toml"
relays="bms1 fan hotspot nuc_power radio spare_udp spare_usb station"

# Every tool the build made has a completion file that registers itself.
for tool in $(built_tools) bdctl; do
  if [ -r "$comp/$tool" ]; then
    check "$tool: completion registers a function" \
      bash --norc --noprofile -c ". '$bc'; . '$comp/$tool'; complete -p $tool | grep -q -- ' -F '"
  else
    fail "$tool has a completion file (completions/$tool)"
  fi
done

# Every subcommand and long option in a tool's --help is offered.
# CLI11's help: "Subcommands:" then "  name   summary"; options as "  -c,--config TEXT".
help_subcommands() { "$BDCTL_BIN/$1" --help 2>&1 | awk '/^[A-Za-z]+:/ { s = ($0 ~ /^(Subcommands|SUBCOMMANDS):/); next } s && $1 ~ /^[a-z]/ { print $1 }'; }
help_options() { "$BDCTL_BIN/$1" "${@:2}" --help 2>&1 | grep -oE '^ +(-[A-Za-z0-9], ?)?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | sort -u; }
for tool in $(built_tools); do
  [ -r "$comp/$tool" ] || continue
  subs=$(help_subcommands "$tool")
  if [ -n "$subs" ]; then
    has "$tool: every subcommand offered" "$subs" "$tool" "$tool "
    for sub in $subs; do
      has "$tool $sub: every option of its --help offered" "$(help_options "$tool" "$sub")" "$tool" "$tool $sub --"
    done
  else
    has "$tool: every option of its --help offered" "$(help_options "$tool")" "$tool" "$tool --"
  fi
done

# bdctl-route
has "route: verbs" "up down status show" bdctl-route "bdctl-route "
exactly "route: --family values" "both ipv4 ipv6" bdctl-route "bdctl-route up --family "
exactly "route: ZeroTier network IDs from --zt-home (not .local)" 8056c2e21c000001 \
  bdctl-route "bdctl-route up --zt-home $T_TMP/zt --network "
export ZEROTIER_HOME=$T_TMP/zt
exactly "route: ZeroTier network IDs from ZEROTIER_HOME" 8056c2e21c000001 bdctl-route "bdctl-route up --network 80"
unset ZEROTIER_HOME
exactly "route: --lan from the namespace's interfaces" "sitelan0" bdctl-route "bdctl-route up --lan si" pi
has "route: --zt offers interfaces and zt*" "ztabcdef12 zt*" bdctl-route "bdctl-route status --zt zt" pi

# bdctl-mss
has "mss: verbs" "set clear status show probe" bdctl-mss "bdctl-mss "
has "mss set: mode options" "--mss --mtu --pppoe --pmtu --iface --local --family --check" bdctl-mss "bdctl-mss set --"
exactly "mss: --iface from the namespace" "sitelan0" bdctl-mss "bdctl-mss set --iface s" pi
exactly "mss: --family values (one vocabulary: both, as bdctl-route)" "both ipv4 ipv6" bdctl-mss "bdctl-mss set --family "

# bdctl-relay: names from the configuration file itself
has "relay: verbs" "list status on off pulse recover" bdctl-relay "bdctl-relay "
exactly "relay: names from --config" "$relays" bdctl-relay "bdctl-relay --config $T_TMP/site.toml pulse "
exactly "relay: names from -c, with a prefix" "nuc_power" bdctl-relay "bdctl-relay -c $T_TMP/site.toml on n"
exactly "relay: one name for pulse" "" bdctl-relay "bdctl-relay --config $T_TMP/site.toml pulse bms1 "
BDCTL_CONFIG=$T_TMP/site.toml
exactly "relay: names from BDCTL_CONFIG" "$relays" bdctl-relay "bdctl-relay status "
BDCTL_CONFIG=$T_TMP/none.toml
exactly "relay: no configuration, no names" "" bdctl-relay "bdctl-relay status "

# bdctl-check: check names from the tool (--list) with the configuration
exactly "check: --format values" "json nagios prometheus text" bdctl-check "bdctl-check --format "
exactly "repeat: its verbs and options" "--help --json --pretty --text --version -V -h run show status" bdctl-repeat "bdctl-repeat "
exactly "repeat: --lan from the namespace's interfaces" "sitelan0" bdctl-repeat "bdctl-repeat show --lan si" pi
exactly "bridge: its verbs and options" "--help --json --pretty --text --version -V -h down show status up" bdctl-bridge "bdctl-bridge "
has "bridge up: the safety options" "--confirm --no-confirm --verify --dry-run --force --lan --zt" bdctl-bridge "bdctl-bridge up --"
exactly "bridge: --zt from the namespace's interfaces" "sitelan0" bdctl-bridge "bdctl-bridge up --zt si" pi
has "check: --only offers groups and lan.<target> checks from the config" "zerotier lan plan lan.nuc lan.rigrunner" \
  bdctl-check "bdctl-check --config $T_TMP/site.toml --only "

# bdctl, the front command: verbs, then each tool's own completion, loaded
# through bash-completion's loader (as installed) ...
ln -s "$comp"/bdctl-* "$T_TMP/user/completions/"
exactly "bdctl: verbs and help" "bridge check config confirm help mss pending relay repeat rollback route watch" bdctl "bdctl "
exactly "bdctl: verbs by prefix" "relay repeat rollback route" bdctl "bdctl r"
exactly "bdctl: its options" "--help --version" bdctl "bdctl --"
exactly "bdctl help: verbs" "relay repeat rollback route" bdctl "bdctl help r"
exactly "bdctl route: delegated (--family)" "both ipv4 ipv6" bdctl "bdctl route up --family "
exactly "bdctl relay: delegated (names from --config)" "$relays" bdctl "bdctl relay --config $T_TMP/site.toml on "
exactly "bdctl mss: delegated (live interfaces)" "sitelan0" bdctl "bdctl mss set --iface s" pi
has "bdctl check: delegated (the tool's --list)" "lan.nuc lan.pi" bdctl "bdctl check --config $T_TMP/site.toml --skip "
# ... and from the file beside completions/bdctl when there is no loader.
rm "$T_TMP/user/completions/"*
export NO_LOADER=1
exactly "bdctl route without the loader: from the file beside" "both ipv4 ipv6" bdctl "bdctl route show --family "
has "bdctl relay without the loader: verbs" "list pulse recover" bdctl "bdctl relay "
unset NO_LOADER
exactly "bdctl: an unknown verb completes nothing odd" "" bdctl "bdctl nosuchverb --"
done_testing
