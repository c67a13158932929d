# Cross build for the Raspberry Pi 3 with a 32-bit OS (Debian armhf: ARMv7, hard float).
# Debian's cross compiler (arm-linux-gnueabihf-g++) with the target's libraries from the
# multiarch -dev packages (dpkg --add-architecture armhf; apt-get install
# libfmt-dev:armhf ...), so no sysroot: they live in /usr/lib/arm-linux-gnueabihf.
# libcurl is the exception: it is loaded with dlopen, so only its headers are
# needed, and installing libcurl4:armhf would tie its TLS stack to the build
# machine's versions; scripts/cross-build unpacks libcurl4-openssl-dev:armhf
# into the build tree and names it with CURL_INCLUDE_DIR and CURL_LIBRARY.
# scripts/cross-build installs all of it and uses this file.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)

# Large-file interfaces (64-bit off_t, ino_t, readdir's d_off) on 32-bit
# targets too: the plain readdir() of armhf fails with EOVERFLOW on a
# directory whose entries carry 64-bit offsets (ext4 hashes seen through
# qemu-user, XFS or btrfs inodes) and bdctl would see an empty directory.
# A no-op where these are 64 bits already.
set(CMAKE_C_FLAGS_INIT "-D_FILE_OFFSET_BITS=64")
set(CMAKE_CXX_FLAGS_INIT "-D_FILE_OFFSET_BITS=64")

# pkg-config sees the target's .pc files only, never the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

# Target binaries (Catch2 test discovery, the tests) run under qemu-user. The
# target's own loader and libc come from libc6:armhf in /lib/arm-linux-gnueabihf, which
# the -dev packages pull in: no -L prefix, so loader and libc always match.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm)
