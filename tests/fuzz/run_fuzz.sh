#!/usr/bin/env bash
# Runs one libFuzzer target for a while, seeded from the project's files.
#
#   run_fuzz.sh FUZZER WORKDIR SECONDS [--ext LIST | --any | PATH]...
#
# The seed arguments are the replay driver's (standalone.c): directories are
# copied into WORKDIR/corpus (files only, filtered by the last --ext LIST;
# --any stops filtering), so nothing big is ever committed. The corpus grows
# in WORKDIR across runs. Crash, leak and timeout inputs land in
# WORKDIR/artifacts/; copy each one into tests/fuzz/corpora/<name>/ as a
# regression (fuzz/replay/<name> then replays it under ctest).
# Extra libFuzzer flags: SCALINT_FUZZ_FLAGS (e.g. "-jobs=2 -workers=2").
# Exit status: the fuzzer's (0 when it found nothing).
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 FUZZER WORKDIR SECONDS [--ext LIST | --any | PATH]..." >&2
  exit 2
fi
fuzzer=$1 workdir=$2 seconds=$3
shift 3
mkdir -p "$workdir/corpus" "$workdir/artifacts"

# seed copy: content-named, so repeated runs do not duplicate inputs
filter=""
copy_seed() {
  local f=$1 name ext
  if [ -n "$filter" ]; then
    name=${f##*/}
    ext=${name##*.}
    [ "$ext" != "$name" ] || return 0
    case ",$filter," in *",$ext,"*) ;; *) return 0 ;; esac
  fi
  cp -f -- "$f" "$workdir/corpus/seed-$(sha1sum < "$f" | cut -c1-16)"
}
while [ $# -gt 0 ]; do
  case $1 in
    --ext) filter=$2; shift 2; continue ;;
    --any) filter=""; shift; continue ;;
  esac
  if [ -d "$1" ]; then
    while IFS= read -r -d '' f; do copy_seed "$f"; done \
      < <(find "$1" -maxdepth 8 -type f ! -name '.*' -print0)
  elif [ -f "$1" ]; then
    saved=$filter filter=""
    copy_seed "$1"
    filter=$saved
  fi
  shift
done

# libclang's process-lifetime caches are not leaks of ours
: "${LSAN_OPTIONS:=suppressions=$(cd "$(dirname "$0")/../.." && pwd)/tests/lsan.supp:print_suppressions=0}"
export LSAN_OPTIONS
# shellcheck disable=SC2086
exec nice -n 10 "$fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 \
  -print_final_stats=1 -artifact_prefix="$workdir/artifacts/" ${SCALINT_FUZZ_FLAGS:-} \
  "$workdir/corpus"
