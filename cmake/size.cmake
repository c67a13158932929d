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

# libstdc++ stays the shared library Debian ships (its fixes reach bdctl, the
# binaries stay small on the SD card): one build shape, decided in the issue
# "One site, one truth". bench/route-instructions.sh counts instructions net
# of the C++ runtime's floor for that reason.
set(BDCTL_FMT fmt::fmt)
