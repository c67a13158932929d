# What `cmake --install` and the Debian package carry. The tools and
# libbdctl install from tools/ and lib/; this file adds the front command,
# man pages, bash completions, systemd units, the udev rule and the example
# configuration, and sets up CPack (DEB).

# The front command (`bdctl VERB ...`); tools/CMakeLists.txt only builds
# tools/bdctl-* directories.
if(NOT BDCTL_ONLY_TOOLS OR "bdctl" IN_LIST BDCTL_ONLY_TOOLS)
  add_subdirectory(${PROJECT_SOURCE_DIR}/tools/bdctl ${PROJECT_BINARY_DIR}/tools/bdctl)
endif()

# Man pages: man/<name>.<section>, installed into their section directories.
file(GLOB man_pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-8])
foreach(page IN LISTS man_pages)
  string(REGEX REPLACE ".*\\.([1-8])$" "\\1" section ${page})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

# Bash completions: completions/<command>, loaded on demand by bash-completion.
file(GLOB completions CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/completions/bdctl*)
install(FILES ${completions} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# A directory a system package names with pkg-config (systemd's unit
# directory, udev's). Inside the prefix it becomes relative, so DESTDIR and
# --prefix installs stay contained; with prefix /usr the system's own
# answer is kept even when outside it (Debian 12: /lib/systemd/system);
# any other prefix gets <prefix>/<fallback>.
function(bdctl_system_dir out module variable fallback)
  set(dir "")
  pkg_get_variable(dir ${module} ${variable})
  if(dir MATCHES "^${CMAKE_INSTALL_PREFIX}/(.+)$")
    set(dir "${CMAKE_MATCH_1}")
  elseif(NOT dir OR NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(dir "${fallback}")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# Worked out on every configure (the prefix may change); -D overrides.
if(NOT BDCTL_SYSTEMD_UNITDIR)
  bdctl_system_dir(BDCTL_SYSTEMD_UNITDIR systemd systemdsystemunitdir lib/systemd/system)
endif()
if(NOT BDCTL_UDEV_RULESDIR)
  # Without udev's .pc, udev's directory sits beside systemd's (/lib/udev).
  string(REGEX REPLACE "systemd/system$" "udev" udev_fallback "${BDCTL_SYSTEMD_UNITDIR}")
  bdctl_system_dir(udevdir udev udevdir ${udev_fallback})
  set(BDCTL_UDEV_RULESDIR "${udevdir}/rules.d")
endif()

file(GLOB units CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/systemd/*.service
     ${PROJECT_SOURCE_DIR}/systemd/*.timer ${PROJECT_SOURCE_DIR}/systemd/*.path)
install(FILES ${units} DESTINATION ${BDCTL_SYSTEMD_UNITDIR})
file(GLOB udev_rules CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/systemd/*.rules)
install(FILES ${udev_rules} DESTINATION ${BDCTL_UDEV_RULESDIR})

# The configuration: every line of the example is a comment, so the
# installed file is an empty configuration until the site fills it in. It
# may come to hold relay passwords: root only.
install(FILES ${PROJECT_SOURCE_DIR}/etc/bdctl.toml.example
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/bdctl RENAME bdctl.toml
        PERMISSIONS OWNER_READ OWNER_WRITE)
install(FILES ${PROJECT_SOURCE_DIR}/etc/bdctl.toml.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples RENAME bdctl.toml)

# ---------------------------------------------------------------- CPack (DEB)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bdctl)
set(CPACK_PACKAGE_VENDOR "bdctl developers")
set(CPACK_PACKAGE_CONTACT "bdctl developers <dev@bdctl.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "Small composable tools for a Raspberry Pi that is the backdoor into an\n\
unmanned site over ZeroTier: routing and NAT between ZeroTier and the site\n\
LAN (bdctl-route), TCP MSS clamping (bdctl-mss), relays that reset\n\
equipment (bdctl-relay) and a checker with Prometheus and Nagios output\n\
(bdctl-check). Each prints JSON when piped.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)  # the Pi's SD card; debug info stays in the build tree

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # bdctl_0.1.0_arm64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Cross builds name the target architecture; native ones ask dpkg (CPack's default).
if(CMAKE_CROSSCOMPILING)
  if(CMAKE_LIBRARY_ARCHITECTURE STREQUAL "aarch64-linux-gnu")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
  elseif(CMAKE_LIBRARY_ARCHITECTURE STREQUAL "arm-linux-gnueabihf")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE armhf)
  endif()
endif()
# Libraries the binaries link come from dpkg-shlibdeps. libcurl is loaded
# with dlopen on first use (lib/src/core/curl_lazy.cpp), which shlibdeps
# cannot see, so it is named here; nftables' kernel side needs no package.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4")
# libsystemd is loaded the same way, only to arm a safe change's holder as a
# transient unit (lib/src/systemd); without it bdctl's own holder serves.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion, libsystemd0")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "zerotier-one, prometheus-node-exporter, nftables")
# libbdctl ships in this package: let dpkg-shlibdeps find it in the staging tree.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    "${CPACK_PACKAGING_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}")
list(TRANSFORM CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS PREPEND ".")

# Maintainer scripts (cmake/deb/): conffiles, ldconfig, systemd and udev
# reloads, unit enabling and clean removal.
set(BDCTL_UNITS "")
foreach(u IN LISTS units)
  get_filename_component(n ${u} NAME)
  string(APPEND BDCTL_UNITS " ${n}")
endforeach()
string(STRIP "${BDCTL_UNITS}" BDCTL_UNITS)
configure_file(${PROJECT_SOURCE_DIR}/cmake/deb/conffiles.in ${PROJECT_BINARY_DIR}/deb/conffiles @ONLY)
foreach(script postinst prerm postrm)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/deb/${script} ${PROJECT_BINARY_DIR}/deb/${script}
                 @ONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                 WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/deb/conffiles ${PROJECT_BINARY_DIR}/deb/postinst
    ${PROJECT_BINARY_DIR}/deb/prerm ${PROJECT_BINARY_DIR}/deb/postrm)

include(CPack)
