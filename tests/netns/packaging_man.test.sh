#!/usr/bin/env bash
# Man pages: every one is clean under `mandoc -T lint -W warning`, every tool
# the build makes and the front command have one, and each of those pages
# has the sections the project promises (OUTPUT lists the JSON keys, EXIT
# STATUS the codes).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/packaging_common.sh"

pages=("$BDCTL_SRC"/man/*.[1-8])
check "there are man pages" test -e "${pages[0]}"
for page in "${pages[@]}"; do
  name=${page##*/}
  out=$(mandoc -T lint -W warning "$page" 2>&1); rc=$?
  if [ "$rc" = 0 ] && [ -z "$out" ]; then pass "mandoc lint clean: $name"
  else fail "mandoc lint: $name (exit $rc)"; echo "$out" | head -10 | sed 's/^/    /'; fi
done

sections=(NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT "EXIT STATUS" FILES ENVIRONMENT EXAMPLES "SEE ALSO")
# The front command's page (bdctl.8) has the same sections as a tool's.
for tool in $(built_tools) bdctl; do
  page=$BDCTL_SRC/man/$tool.8
  if [ ! -e "$page" ]; then fail "$tool has a man page (man/$tool.8)"; continue; fi
  missing=()
  for s in "${sections[@]}"; do grep -qx "\.Sh $s" "$page" || missing+=("$s"); done
  check_eq "$tool.8 has every section" "" "${missing[*]}"
done
for page in bdctl.toml.5 bdctl.7 bdctl.8; do
  check "man/$page exists" test -e "$BDCTL_SRC/man/$page"
done

done_testing
