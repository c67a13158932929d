# The Pi 3 is small and slow to start programs, and every bdctl tool is a
# short-lived process: optimise the release builds for size and drop unused
# sections, so fewer pages are mapped and faulted in at start-up.
# bench/route.sh measures the effect (peak RSS and wall time against nft -f).
option(BDCTL_SIZE "Optimise release builds for size (-Os, section garbage collection)" ON)
if(BDCTL_SIZE)
  foreach(lang C CXX)
    foreach(cfg RELEASE RELWITHDEBINFO)
      string(REGEX REPLACE "-O[0-9s]" "-Os" CMAKE_${lang}_FLAGS_${cfg} "${CMAKE_${lang}_FLAGS_${cfg}}")
    endforeach()
  endforeach()
  set(_bdctl_rel "$<OR:$<CONFIG:Release>,$<CONFIG:RelWithDebInfo>,$<CONFIG:MinSizeRel>>")
  target_compile_options(bdctl_flags INTERFACE
    "$<${_bdctl_rel}:-ffunction-sections;-fdata-sections>"
    "$<$<AND:${_bdctl_rel},$<COMPILE_LANGUAGE:CXX>>:-fvisibility-inlines-hidden>")
  target_link_options(bdctl_flags INTERFACE "$<${_bdctl_rel}:LINKER:--gc-sections,-O1,--as-needed>")
endif()

# Loading the shared libstdc++ costs about 0.8 ms per run on the bench VM
# (1.6M instructions of symbol relocation: bench/route.sh's "floor" rows),
# more than bdctl-route up's whole gap to `nft -f`. Opt-in: libbdctl and each
# tool carry their own copy instead (libstdc++ symbols stay hidden behind
# lib/bdctl.map), with fmt header-only since libfmt.so would load
# libstdc++.so anyway. Off by default: Debian prefers the shared library, and
# every binary grows (bdctl-route 0.4 -> 1.2 MB).
option(BDCTL_STATIC_LIBSTDCXX "Link libstdc++ statically into libbdctl and each tool (faster start, larger binaries)" OFF)
if(BDCTL_STATIC_LIBSTDCXX)
  set(BDCTL_FMT fmt::fmt-header-only)
  target_link_options(bdctl_flags INTERFACE -static-libstdc++)
else()
  set(BDCTL_FMT fmt::fmt)
endif()
