# Precompiled headers: CLI11, nlohmann/json, fmt and Catch2 are header-heavy,
# and parsing them again in every file was most of the build (a tool's verb
# file took 8-9 s, of which CLI11 alone ~5 s). One header set per group of
# targets with identical flags, built once and reused (REUSE_FROM):
#   lib modules <- bdctl_core     tools <- bdctl_cli     unit tests <- the first test_<module>
# CI builds the tree five times (test, ASan, TSan, two cross builds).
# The clang-tidy database (build-fuzz) is configured with
# CMAKE_DISABLE_PRECOMPILE_HEADERS=ON: clang-tidy reads sources as written.
option(BDCTL_PCH "Precompile the third-party headers (faster builds)" ON)

set(BDCTL_PCH_LIB <string> <vector> <optional> <map> <memory> <functional> <algorithm>
    <fmt/format.h> <nlohmann/json.hpp>)
set(BDCTL_PCH_TOOLS ${BDCTL_PCH_LIB} <CLI/CLI.hpp>)
set(BDCTL_PCH_TESTS ${BDCTL_PCH_LIB} <catch2/catch.hpp>)

# bdctl_pch(OWNER HEADERS...) / bdctl_pch_reuse(TARGET OWNER)
function(bdctl_pch owner)
  if(BDCTL_PCH)
    # C++ only: lib/src/core has a C file.
    set(headers)
    foreach(h IN LISTS ARGN)
      string(REPLACE ">" "$<ANGLE-R>" h "${h}")
      list(APPEND headers "$<$<COMPILE_LANGUAGE:CXX>:${h}>")
    endforeach()
    target_precompile_headers(${owner} PRIVATE ${headers})
  endif()
endfunction()
function(bdctl_pch_reuse target owner)
  if(BDCTL_PCH)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  endif()
endfunction()

# Unity builds (CMAKE_UNITY_BUILD): the files of one target compiled as a few
# large units, so that headers are parsed and templates instantiated once per
# batch instead of once per file. For test builds only (scripts/test, the
# sanitizer and fuzz trees): what ships (scripts/package, scripts/cross-build)
# is built file by file, because a unity libbdctl made each bdctl-check run
# dirty 0.8 MB more private memory (bench/check.sh C: 2.5 against 1.7 MB).
# The clang-tidy tree is per file too (it must see each file as written).
option(BDCTL_UNITY "Build each target in unity batches (faster full builds)" OFF)
if(BDCTL_UNITY)
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
endif()
