#!/usr/bin/env bash
# bench/run.sh - scalint's speed against the parse-only floor, on large real
# code every Debian 12 machine has or can get by package. Prints a table.
#
#   bench/run.sh [SCALINT] [REPEATS]
#
# SCALINT defaults to build-perf/src/cli/scalint, then build/src/cli/scalint;
# REPEATS (default 3) is how often each cell is measured: the median wall
# time and the median peak RSS are shown, since a shared machine is noisy.
# Corpora (skipped with a note when missing):
#   py   /usr/lib/python3.11 (or the newest /usr/lib/python3.*): the standard library
#   js   /usr/lib/node_modules/npm with --no-default-excludes: npm and its
#        node_modules (package `npm`)
#   c    the .c/.h examples under /usr/share/doc/*/examples (packages
#        zlib1g-dev, liblzma-dev, libhiredis-dev, nettle-dev, libxmlsec1-dev,
#        linux-perf, git ship them), copied to a temporary directory
# Modes: parse  --parse-only (the same reads and front-ends, no rules: the floor)
#        full   every rule (there is no prefilter yet, so this is also the default scan)
# each at 1 thread and at all cores (-j N). For C, the parse-only and full
# rows are repeated with --c-mode cheap (the file alone, no system headers).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-}
if [ -z "$bin" ]; then
  for b in "$here/build-perf/src/cli/scalint" "$here/build/src/cli/scalint"; do
    [ -x "$b" ] && { bin=$b; break; }
  done
fi
[ -x "${bin:-}" ] || { echo "bench: no scalint binary (build first, or pass its path)" >&2; exit 2; }
reps=${2:-3}
cores=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Options every run shares: no cache (the bench measures cold scans), no
# config file, findings only. --no-cache is passed only when supported.
common=(-q --no-config --fail-on never)
"$bin" --help 2>&1 | grep -q -- '--no-cache' && common+=(--no-cache)

# One measurement: prints "wall_seconds peak_rss_kib".
measure() {
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" check "${common[@]}" "$@" >"$tmp/out" 2>"$tmp/err" || {
    echo "bench: scalint failed: $* (see below)" >&2; cat "$tmp/err" >&2; exit 1; }
  cat "$tmp/time"
}

# Median of REPEATS measurements: "wall rss".
median() {
  local i
  for ((i = 0; i < reps; i++)); do measure "$@"; done | sort -n -k1,1 | awk -v n="$reps" '
    { w[NR] = $1; r[NR] = $2 } END { m = int((n + 1) / 2); print w[m], r[m] }'
}

declare -A wall
row() {  # row CORPUS LABEL MB ARGS...
  local corpus=$1 label=$2 mb=$3; shift 3
  read -r w rss < <(median "$@")
  wall[$corpus/$label]=$w
  awk -v c="$corpus" -v l="$label" -v w="$w" -v mb="$mb" -v rss="$rss" 'BEGIN {
    printf "| %-4s | %-17s | %7.2f | %7.1f | %6.0f |\n", c, l, w, (w > 0 ? mb / w : 0), rss / 1024 }'
}

ratio() { awk -v a="${wall[$1]}" -v b="${wall[$2]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# ---- corpora ----
py=$(ls -d /usr/lib/python3.* 2>/dev/null | sort -V | tail -1 || true)
js=/usr/lib/node_modules/npm
c=$tmp/c-examples
mkdir -p "$c"
find /usr/share/doc/*/examples \( -name '*.c' -o -name '*.h' \) -type f 2>/dev/null |
  while read -r f; do mkdir -p "$c/$(dirname "$f")" && cp "$f" "$c/$f"; done

stats() {  # stats DIR FIND-NAME-ARGS... -> "files lines MB"
  local dir=$1; shift
  find "$dir" -type f \( "$@" \) -print0 | xargs -0 cat 2>/dev/null | wc -lc |
    awk -v f="$(find "$dir" -type f \( "$@" \) | wc -l)" '{ printf "%d %d %.2f\n", f, $1, $2 / 1048576 }'
}

echo "scalint: $bin ($("$bin" --version 2>/dev/null || echo '?'))"
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
     "load $(cut -d' ' -f1-3 /proc/loadavg); median of $reps runs"
echo
printf '| corpus | files | lines | MB |\n|---|---|---|---|\n'
declare -A mbs
for corpus in py js c; do
  case $corpus in
    py) [ -n "$py" ] || continue; read -r f l m < <(stats "$py" -name '*.py' -o -name '*.pyi'); dir=$py ;;
    js) [ -d "$js" ] || continue
        read -r f l m < <(stats "$js" -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.ts'); dir=$js ;;
    c)  read -r f l m < <(stats "$c" -name '*.c' -o -name '*.h'); dir=$c ;;
  esac
  mbs[$corpus]=$m
  printf '| %s (%s) | %s | %s | %s |\n' "$corpus" "${dir/#$tmp/\$TMP}" "$f" "$l" "$m"
done
echo
printf '| corpus | mode | wall s | MB/s | RSS MiB |\n|---|---|---|---|---|\n'
for corpus in py js c; do
  [ -n "${mbs[$corpus]:-}" ] || continue
  case $corpus in py) args=("$py") ;; js) args=(--no-default-excludes "$js") ;; c) args=("$c") ;; esac
  m=${mbs[$corpus]}
  for j in 1 "$cores"; do
    row "$corpus" "parse -j$j" "$m" -j "$j" --parse-only "${args[@]}"
    row "$corpus" "full -j$j" "$m" -j "$j" "${args[@]}"
  done
  if [ "$corpus" = c ]; then
    for j in 1 "$cores"; do
      row c "parse cheap -j$j" "$m" -j "$j" --c-mode cheap --parse-only "${args[@]}"
      row c "full cheap -j$j" "$m" -j "$j" --c-mode cheap "${args[@]}"
    done
  fi
done
echo
printf '| corpus | full/parse -j1 | full/parse -j%s | full -j1/-j%s |\n' "$cores" "$cores"
printf '|---|---|---|---|\n'
for corpus in py js c; do
  [ -n "${mbs[$corpus]:-}" ] || continue
  printf '| %s | %s | %s | %s |\n' "$corpus" "$(ratio "$corpus/full -j1" "$corpus/parse -j1")" \
    "$(ratio "$corpus/full -j$cores" "$corpus/parse -j$cores")" \
    "$(ratio "$corpus/full -j1" "$corpus/full -j$cores")"
done
if [ -n "${mbs[c]:-}" ]; then
  echo
  echo "C: --c-mode cheap parse / default (full, system headers) parse, -j1:" \
       "$(ratio "c/parse cheap -j1" "c/parse -j1")"
fi
