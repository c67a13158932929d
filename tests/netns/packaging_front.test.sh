#!/usr/bin/env bash
# The front command: `bdctl VERB ARGS` runs bdctl-VERB ARGS found beside bdctl,
# then in PATH; its own errors are one line with exit 2 (1 when a found tool
# cannot be run); otherwise the tool's exit code and output are bdctl's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/packaging_common.sh"

bdctl=$BDCTL_BIN/bdctl
check "bdctl is built" test -x "$bdctl"

# --help lists every tool the build made, each with a summary, none missing.
check_exit "--help exits 0" 0 "$bdctl" --help
cp "$T_TMP/out" "$T_TMP/help"   # check and check_exit reuse $T_TMP/out
help=$(cat "$T_TMP/help")
for tool in $(built_tools); do
  verb=${tool#bdctl-}
  check "--help lists $verb with a summary" grep -Eq "^  $verb +[A-Z][a-z]+ " "$T_TMP/help"
done
check_not "--help marks nothing 'not installed' in the build tree" grep -q 'not installed' "$T_TMP/help"
check_eq "help is the same as --help" "$help" "$("$bdctl" help)"
widest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T_TMP/help")
check "--help fits 80 columns (widest $widest)" test "$widest" -le 80

# --version names the project version from CMakeLists.txt.
version=$(sed -n 's/^project(bdctl VERSION \([0-9.]*\).*/\1/p' "$BDCTL_SRC/CMakeLists.txt")
check_eq "--version" "bdctl $version" "$("$bdctl" --version)"

# Dispatch to the real tools: the same output and exit code as running them.
for tool in $(built_tools); do
  verb=${tool#bdctl-}
  check_eq "bdctl $verb --help is $tool --help" "$("$BDCTL_BIN/$tool" --help 2>&1)" "$("$bdctl" "$verb" --help 2>&1)"
  check_eq "bdctl help $verb is $tool --help" "$("$BDCTL_BIN/$tool" --help 2>&1)" "$("$bdctl" help "$verb" 2>&1)"
  "$BDCTL_BIN/$tool" --no-such-option >/dev/null 2>"$T_TMP/direct"; want=$?
  check_exit "bdctl $verb --no-such-option exits as $tool does ($want)" "$want" "$bdctl" "$verb" --no-such-option
  check_eq "... with the tool's own error line" "$(cat "$T_TMP/direct")" "$(cat "$T_TMP/err")"
done

# Its own errors: exit 2, one line on stderr naming the bad value, nothing on stdout.
one_line_error() {  # one_line_error "description" WORD ARGS...
  local d=$1 word=$2; shift 2
  check_exit "$d: exit 2" 2 "$bdctl" "$@"
  check_eq "$d: one line on stderr" 1 "$(wc -l <"$T_TMP/err")"
  check "$d: the line names '$word'" grep -qF -- "$word" "$T_TMP/err"
  check_eq "$d: nothing on stdout" "" "$(cat "$T_TMP/out")"
}
one_line_error "unknown verb" nosuchverb nosuchverb --flag
one_line_error "unknown option" --bogus --bogus
one_line_error "a path as verb" ../bin/bdctl-route ../bin/bdctl-route --help
one_line_error "an option-like verb after help" nosuch help nosuch
check_exit "no arguments: usage, exit 2" 2 "$bdctl"
check "no arguments: the usage goes to stderr" grep -q '^usage: bdctl' "$T_TMP/err"

# PATH: a copy of bdctl alone in a directory finds tools along PATH, in PATH
# order; a tool beside bdctl wins over PATH.
mkdir -p "$T_TMP/front" "$T_TMP/p1" "$T_TMP/p2"
cp "$bdctl" "$T_TMP/front/bdctl"
cat >"$T_TMP/p1/bdctl-hello" <<'SH'
#!/bin/sh
echo "p1 $0 $#:$*"
read -r line && echo "stdin: $line"
exit 7
SH
printf '#!/bin/sh\necho p2\n' >"$T_TMP/p2/bdctl-hello"
printf '#!/bin/sh\necho p2-other\n' >"$T_TMP/p2/bdctl-other"
printf 'not a program\n' >"$T_TMP/p1/bdctl-noexec"
printf '\177ELF garbage' >"$T_TMP/p1/bdctl-broken"
chmod +x "$T_TMP/p1/bdctl-hello" "$T_TMP/p2/bdctl-hello" "$T_TMP/p2/bdctl-other" "$T_TMP/p1/bdctl-broken"
front() { PATH="$T_TMP/p1:$T_TMP/p2:/usr/bin:/bin" "$T_TMP/front/bdctl" "$@"; }

out=$(echo input | front hello 'two words' x); rc=$?
check_eq "PATH tool runs first-in-PATH, argv[0] is its name, args intact" "p1 $T_TMP/p1/bdctl-hello 2:two words x" "$(echo "$out" | head -1)"
check_eq "stdin reaches the tool" "stdin: input" "$(echo "$out" | sed -n 2p)"
check_eq "the tool's exit code is bdctl's" 7 "$rc"
check_eq "a later PATH entry is searched" p2-other "$(front other)"
check_exit "a file without the execute bit is not a command" 2 front noexec
check_exit "a found tool that cannot be run: exit 1" 1 front broken
check "... and the error names it" grep -q "cannot run $T_TMP/p1/bdctl-broken" "$T_TMP/err"
cp "$T_TMP/p2/bdctl-other" "$T_TMP/front/bdctl-hello"
check_eq "a tool beside bdctl wins over PATH" p2-other "$(echo | front hello)"
check_exit "bdctl --help from the copy" 0 front --help
cp "$T_TMP/out" "$T_TMP/help"
check "--help lists commands found in PATH" grep -Eq '^  other +\(bdctl-other, not part of bdctl\)' "$T_TMP/help"
check "--help marks bdctl's tools missing here as not installed" grep -Eq '^  route .*\(not installed\)$' "$T_TMP/help"
check_exit "an empty PATH entry is not the current directory" 2 \
  sh -c "cd '$T_TMP/p2' && PATH=':/usr/bin' '$T_TMP/front/bdctl' other"
done_testing
