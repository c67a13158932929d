# Cross build for the Raspberry Pi 3 with a 64-bit OS (Debian arm64, Raspberry Pi OS 64-bit).
# Debian's cross compiler (aarch64-linux-gnu-g++) with the target's libraries from the
# multiarch -dev packages (dpkg --add-architecture arm64; apt-get install
# libfmt-dev:arm64 ...), so no sysroot: they live in /usr/lib/aarch64-linux-gnu.
# libcurl is the exception: it is loaded with dlopen, so only its headers are
# needed, and installing libcurl4:arm64 would tie its TLS stack to the build
# machine's versions; scripts/cross-build unpacks libcurl4-openssl-dev:arm64
# into the build tree and names it with CURL_INCLUDE_DIR and CURL_LIBRARY.
# scripts/cross-build installs all of it and uses this file.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# pkg-config sees the target's .pc files only, never the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

# Target binaries (Catch2 test discovery, the tests) run under qemu-user. The
# target's own loader and libc come from libc6:arm64 in /lib/aarch64-linux-gnu, which
# the -dev packages pull in: no -L prefix, so loader and libc always match.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
