#!/usr/bin/env bash
# Broken rule files (or, with --config, broken .scalint.yml files): each
# must make `scalint check` exit 2 and print `FILE:LINE:COL: ...` on stderr
# with the substring its first line names:
#
#   # expect: <substring of the message>
#
#   run_bad_rules.sh SCALINT DIR            rule files: --no-builtin --rules FILE
#   run_bad_rules.sh --config SCALINT DIR   config files: --config FILE
#
# Every file is used alone on a one-file project, under a 30 s time limit:
# hostile YAML (alias bombs, deep nesting) must fail fast, never exhaust
# memory or time. Sanitizer reports fail the case. Config cases are skipped
# (exit 77) when the binary has no `scalint config` yet. Exit status: 0 all
# passed, 1 some failed, 2 usage, 77 skipped.
set -u
mode=rules
if [ "${1:-}" = --config ]; then
  mode=config
  shift
fi
if [ $# -ne 2 ]; then
  echo "usage: $0 [--config] SCALINT DIR" >&2
  exit 2
fi
bin=$1 dir=$2
if [ $mode = config ] && ! "$bin" config --no-config >/dev/null 2>&1; then
  echo "skip: this scalint has no 'config' command (no config loader yet)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/project"
printf 'x = 1\n' > "$tmp/project/app.py"
pass=0 fail=0

for f in "$dir"/*.yaml "$dir"/*.yml; do
  [ -e "$f" ] || continue
  name=${f##*/}
  want=$(sed -n '1s/^# expect: //p' "$f")
  if [ -z "$want" ]; then
    echo "FAIL $name: no '# expect: ...' first line"
    fail=$((fail + 1))
    continue
  fi
  start=$(date +%s)
  if [ $mode = config ]; then
    timeout 30 "$bin" check --config "$f" "$tmp/project" >"$tmp/out" 2>"$tmp/err"
  else
    timeout 30 "$bin" check --no-builtin --rules "$f" "$tmp/project" >"$tmp/out" 2>"$tmp/err"
  fi
  rc=$?
  secs=$(( $(date +%s) - start ))
  why=""
  if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmp/err"; then
    why="sanitizer report"
  elif [ $rc -eq 124 ]; then
    why="took longer than 30 s"
  elif [ $rc -ne 2 ]; then
    why="exit $rc, want 2"
  else
    # a line `FILE:LINE:COL: ...want...` (the path as given, then numbers)
    found=0
    while IFS= read -r line; do
      line=${line#scalint: }
      case $line in
        "$f":*) rest=${line#"$f":} ;;
        *) continue ;;
      esac
      if [[ $rest =~ ^[0-9]+:[0-9]+:\ (.*)$ ]] && [[ ${BASH_REMATCH[1]} == *"$want"* ]]; then
        found=1
        break
      fi
    done <"$tmp/err"
    [ $found -eq 1 ] || why="no '$f:LINE:COL: ...$want' on stderr"
  fi
  if [ -z "$why" ]; then
    echo "ok   $name (${secs}s)"
    pass=$((pass + 1))
  else
    echo "FAIL $name: $why"
    sed 's/^/     | /' "$tmp/err" | head -20
    fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
