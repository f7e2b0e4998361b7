#!/usr/bin/env bash
# Every test: set up (packages, grammars), then two builds, each running the
# whole ctest suite (unit, rule fixtures, CLI end to end):
#   build/       -Werror release build
#   build-asan/  -Werror, AddressSanitizer + UndefinedBehaviorSanitizer
#   SCALINT_TEST_NO_ASAN=1 skips the second build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

echo "== build (release, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCALINT_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
echo "== tests (release)"
ctest --test-dir build --output-on-failure -j"$jobs"

if [ "${SCALINT_TEST_NO_ASAN:-0}" != 1 ]; then
  echo "== build (ASan + UBSan, -Werror)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSCALINT_WERROR=ON \
        -DSCALINT_SANITIZE=address,undefined -DSCALINT_DEBUG_ARENA=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  echo "== tests (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp":print_suppressions=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi

# A short libFuzzer run of every fuzz target (20 s each), when clang is here
# (scripts/setup.sh installs it). SCALINT_TEST_NO_FUZZ=1 skips it.
fuzz_ok=0
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return (int)(d && n) * 0; }\n' >"$probe/p.c"
if command -v clang >/dev/null && clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
  fuzz_ok=1
fi
rm -rf "$probe"
if [ "${SCALINT_TEST_NO_FUZZ:-0}" != 1 ] && [ "$fuzz_ok" = 1 ]; then
  echo "== build (libFuzzer targets, clang, ASan + UBSan)"
  cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSCALINT_BUILD_FUZZERS=ON -DSCALINT_SANITIZE=address,undefined >/dev/null
  cmake --build build-fuzz -j"$jobs"
  echo "== short fuzz runs"
  ASAN_OPTIONS=detect_leaks=1 \
  LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp":print_suppressions=0 \
    ctest --test-dir build-fuzz -L fuzz-short --output-on-failure
fi
