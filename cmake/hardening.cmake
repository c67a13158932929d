# Sanitizer and fuzzing builds (developer and CI options; scripts/check-hardening
# drives them). Both add flags to bdctl_flags, so every bdctl target -- the
# library, the tools, the unit tests -- is built the same way.
#
#   -DBDCTL_SANITIZE=address,undefined   ASan + UBSan (GCC or clang)
#   -DBDCTL_SANITIZE=thread              TSan (the concurrent checker)
#   -DBDCTL_FUZZ=ON                      libFuzzer targets under tests/fuzz (clang only:
#                                        configure with CC=clang CXX=clang++); implies ASan + UBSan

set(BDCTL_SANITIZE "" CACHE STRING "Sanitizers for every bdctl target: address,undefined | thread | empty")
option(BDCTL_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang)" OFF)

if(BDCTL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang" OR NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "BDCTL_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  if(NOT BDCTL_SANITIZE)
    set(BDCTL_SANITIZE "address,undefined")
  endif()
endif()

if(BDCTL_SANITIZE)
  if(BDCTL_SANITIZE MATCHES "thread" AND BDCTL_SANITIZE MATCHES "address")
    message(FATAL_ERROR "BDCTL_SANITIZE: thread cannot be combined with address")
  endif()
  message(STATUS "bdctl: sanitizers ${BDCTL_SANITIZE}")
  # A report is an error, not a warning that scrolls past: no recovery.
  target_compile_options(bdctl_flags INTERFACE
    -fsanitize=${BDCTL_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
  target_link_options(bdctl_flags INTERFACE -fsanitize=${BDCTL_SANITIZE})
endif()

if(BDCTL_FUZZ)
  # Coverage instrumentation everywhere; the libFuzzer runtime (and its main)
  # only in the fuzz executables.
  target_compile_options(bdctl_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()

# The fuzz targets need every module; without BDCTL_FUZZ they are built as
# plain replayers so every build's ctest replays the corpora and regressions.
set(_bdctl_fuzz_needs core config netlink nft route mss zerotier relay check)
set(_bdctl_fuzz_ok TRUE)
foreach(m IN LISTS _bdctl_fuzz_needs)
  if(NOT m IN_LIST BDCTL_MODULES)
    set(_bdctl_fuzz_ok FALSE)
  endif()
endforeach()
if(BDCTL_FUZZ AND NOT _bdctl_fuzz_ok)
  message(FATAL_ERROR "BDCTL_FUZZ needs every module (unset BDCTL_ONLY_MODULES)")
endif()
if(_bdctl_fuzz_ok AND (BDCTL_FUZZ OR BUILD_TESTING))
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../tests/fuzz ${PROJECT_BINARY_DIR}/tests-fuzz)
endif()
