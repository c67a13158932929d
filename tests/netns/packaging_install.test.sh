#!/usr/bin/env bash
# What `cmake --install` (and so the Debian package) lays down, staged with
# DESTDIR into a temp dir: every tool and the front command, libbdctl, a man
# page and a completion per tool, the units and the udev rule, and the
# configuration as a root-only file. Then the staged tools run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/packaging_common.sh"

root=$T_TMP/root
check "cmake --install into a staging root" staged_install "$root"

for tool in $(built_tools) bdctl; do
  check "sbin/$tool" test -x "$root/usr/sbin/$tool"
  check "bash completion for $tool" test -r "$(echo "$root"/usr/share/bash-completion/completions/"$tool")"
done
for tool in $(built_tools) bdctl; do
  check "man page $tool(8)" test -r "$root/usr/share/man/man8/$tool.8"
done
check "man page bdctl.toml(5)" test -r "$root/usr/share/man/man5/bdctl.toml.5"
check "man page bdctl(7)" test -r "$root/usr/share/man/man7/bdctl.7"
lib=$(find "$root" -name 'libbdctl.so.*' -type f | head -1)
check "libbdctl installed (${lib#$root})" test -n "$lib"

units=$(find "$root" -path '*/systemd/system/*' -type f -printf '%f\n' | sort | tr '\n' ' ')
for u in bdctl-apply.service bdctl-check.service bdctl-check.timer bdctl-relay-recover.service bdctl-repeat.service bdctl-watch.service; do
  check "unit $u" grep -qw "$u" <<<"$units"
done
check "udev rule" test -n "$(find "$root" -path '*/udev/rules.d/71-bdctl-zerotier.rules')"

conf=$(find "$root" -path '*/bdctl/bdctl.toml' -type f | head -1)
check "configuration file installed (${conf#$root})" test -n "$conf"
check_eq "configuration is root-only (600)" 600 "$(stat -c %a "$conf")"
check "configuration is the commented example" cmp "$conf" "$BDCTL_SRC/etc/bdctl.toml.example"

# The staged binaries run from there, finding the staged libbdctl.
libdir=$(dirname "$lib")
check_exit "staged bdctl-route --help runs" 0 env LD_LIBRARY_PATH="$libdir" "$root/usr/sbin/bdctl-route" --help
check_exit "staged bdctl route --help runs through the front command" 0 \
  env LD_LIBRARY_PATH="$libdir" PATH=/usr/bin:/bin "$root/usr/sbin/bdctl" route --help
check_eq "the tools carry no build-tree RUNPATH" "" \
  "$(for f in "$root"/usr/sbin/bdctl-*; do readelf -d "$f" | grep -E 'RUNPATH|RPATH'; done)"
done_testing
