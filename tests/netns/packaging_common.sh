# Helpers for the packaging tests (packaging_*.test.sh). Source after lib.sh.

# The build tree the binaries came from (BDCTL_BIN is <build>/bin).
PKG_BUILD=$(cd "$BDCTL_BIN/.." && pwd)

# staged_install DIR: `cmake --install` of the build tree into DIR with
# prefix /usr (DESTDIR), as the package does; nothing lands outside DIR.
staged_install() {
  DESTDIR="$1" cmake --install "$PKG_BUILD" --prefix /usr >"$T_TMP/install.log" 2>&1 || {
    sed 's/^/    /' "$T_TMP/install.log" | tail -20
    return 1
  }
}

# The tools this build made: bdctl-route bdctl-mss ... (not the front command).
built_tools() {
  local f
  for f in "$BDCTL_BIN"/bdctl-*; do [ -x "$f" ] && echo "${f##*/}"; done
}
