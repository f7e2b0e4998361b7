# Fuzz targets (tests/fuzz/). Two builds of each target:
#
#   replay_<name>   always, with any compiler: tests/fuzz/standalone.c feeds
#                   the seed corpora and the crash regressions to the target
#                   once each (ctest label `fuzz`, test fuzz/replay/<name>).
#   <name>          with SCALINT_BUILD_FUZZERS=ON (clang only): the libFuzzer
#                   binary, plus a short run per target (ctest fuzz/short/<name>,
#                   SCALINT_FUZZ_SHORT_SECONDS each).
#
# With SCALINT_BUILD_FUZZERS the project's libraries are compiled with
# -fsanitize=fuzzer-no-link so libFuzzer sees their coverage; combine it with
# SCALINT_SANITIZE=address,undefined for the sanitizers.

set(SCALINT_FUZZ_SHORT_SECONDS 20 CACHE STRING
    "Seconds each fuzz/short/<name> ctest runs its libFuzzer target")

# Every static library of ours that a fuzz target executes.
set(_scl_fuzz_instrumented scalint_util scalint_syntax scalint_yaml scalint_discover
    scalint_frontend scalint_engine scalint_link scalint_report scalint_run scalint_config)

if(SCALINT_BUILD_FUZZERS)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SCALINT_BUILD_FUZZERS needs clang (libFuzzer): configure with "
                        "-DCMAKE_C_COMPILER=clang")
  endif()
  foreach(_tgt IN LISTS _scl_fuzz_instrumented)
    if(TARGET ${_tgt})
      target_compile_options(${_tgt} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
  endforeach()
endif()

# scalint_add_fuzzer(<name> SEEDS <arg>...)
#   <name>.c in the current directory defines LLVMFuzzerTestOneInput.
#   SEEDS are the replay driver's arguments, in order: paths, `--ext LIST`
#   (filter the directories that follow) and `--any` (stop filtering).
#   tests/fuzz/corpora/<name>/ is always added first.
function(scalint_add_fuzzer name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SEEDS")
  set(_corpus "${CMAKE_CURRENT_SOURCE_DIR}/corpora/${name}")
  set(_seeds "${_corpus}" ${ARG_SEEDS})
  set(_supp "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0")

  add_executable(replay_${name} standalone.c ${name}.c)
  target_link_libraries(replay_${name} PRIVATE scalint_fuzz_common)
  scalint_warnings(replay_${name})
  add_test(NAME fuzz/replay/${name} COMMAND replay_${name} ${_seeds}
           WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}")
  set_tests_properties(fuzz/replay/${name} PROPERTIES LABELS "fuzz" ENVIRONMENT "${_supp}")

  if(SCALINT_BUILD_FUZZERS)
    add_executable(${name} ${name}.c)
    target_link_libraries(${name} PRIVATE scalint_fuzz_common)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    scalint_warnings(${name})
    add_test(NAME fuzz/short/${name}
             COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/run_fuzz.sh" $<TARGET_FILE:${name}>
                     "${CMAKE_CURRENT_BINARY_DIR}/work/${name}" ${SCALINT_FUZZ_SHORT_SECONDS}
                     ${_seeds}
             WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}")
    set_tests_properties(fuzz/short/${name} PROPERTIES LABELS "fuzz;fuzz-short"
                         TIMEOUT 600 ENVIRONMENT "${_supp}")
  endif()
endfunction()
