#!/usr/bin/env bash
# --shard K/N and `scalint merge`, end to end on examples/:
#   1. the merge of N shards (N = 1, 3, 5; shards scanned with different -j,
#      merged in a shuffled order) gives the same SARIF, JSON and text as the
#      unsharded scan, after normalising the absolute %SRCROOT% URI;
#   2. examples/fastapi-motor's cross-file SCL010 (scheduler.py loops over
#      users, jobs.py scans the jobs) has its two files in different shards
#      for N = 3, and the merged report still has it;
#   3. the merged SARIF passes ../shared/tools/validate-sarif when present;
#   4. a missing, duplicated, foreign or mismatched shard is exit 2.
#
#   shard_merge_test.sh SCALINT_BINARY [REPO_ROOT]
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
validator="$root/../shared/tools/validate-sarif"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok      $1"; }
bad() {
  failed=$((failed + 1))
  echo "FAILED  $1"
  [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/        /' | head -30
}
# the only absolute path in the SARIF: %SRCROOT%'s uri
norm() { sed -E 's#"uri": "file://[^"]*"#"uri": "file://SRCROOT/"#' "$1"; }

cd "$root" || exit 1
sc() { "$bin" "$@" --no-cache --no-config; }

sc check examples/ -f sarif -o "$tmp/whole.sarif"
sc check examples/ -f json -o "$tmp/whole.json"
sc check examples/ -q --no-color -o "$tmp/whole.txt"
grep -q '"ruleId": "SCL010"' "$tmp/whole.sarif" || bad "the unsharded scan has SCL010"

for n in 1 3 5; do
  shards=()
  for k in $(seq 1 "$n"); do
    jobs=$(( (k % 2) + 1 ))
    if ! sc check examples/ -q -j "$jobs" --shard "$k/$n" -o "$tmp/s$k-of-$n.shard"; then
      bad "check --shard $k/$n exits 0"
    fi
    shards=("$tmp/s$k-of-$n.shard" "${shards[@]}")   # merged in reverse order
  done
  "$bin" merge --no-config -f sarif -o "$tmp/m$n.sarif" "${shards[@]}"
  rc=$?
  [ "$rc" -eq 1 ] && ok "merge of $n shards exits 1 (findings)" || bad "merge of $n shards: exit $rc"
  if diff <(norm "$tmp/whole.sarif") <(norm "$tmp/m$n.sarif") >"$tmp/d"; then
    ok "N=$n: merged SARIF equals the unsharded SARIF"
  else
    bad "N=$n: merged SARIF differs" "$(cat "$tmp/d")"
  fi
  "$bin" merge --no-config -f json -o "$tmp/m$n.json" "${shards[@]}"
  if diff "$tmp/whole.json" "$tmp/m$n.json" >"$tmp/d"; then
    ok "N=$n: merged JSON equals the unsharded JSON"
  else
    bad "N=$n: merged JSON differs" "$(cat "$tmp/d")"
  fi
  "$bin" merge --no-config -q --no-color "${shards[@]}" >"$tmp/m$n.txt"
  if diff <(grep -v ' in [0-9.]*s' "$tmp/whole.txt") <(grep -v ' in [0-9.]*s' "$tmp/m$n.txt") \
      >"$tmp/d"; then
    ok "N=$n: merged text equals the unsharded text"
  else
    bad "N=$n: merged text differs" "$(cat "$tmp/d")"
  fi
done

# the cross-file SCL010 spans two shards when N = 3
where() { for k in 1 2 3; do grep -aq "$1" "$tmp/s$k-of-3.shard" && echo "$k"; done; }
sched=$(where 'examples/fastapi-motor/scheduler.py')
jobs=$(where 'examples/fastapi-motor/jobs.py')
if [ -n "$sched" ] && [ -n "$jobs" ] && [ "$sched" != "$jobs" ]; then
  ok "N=3: scheduler.py (shard $sched) and jobs.py (shard $jobs) are apart"
else
  bad "N=3: scheduler.py and jobs.py should land in different shards ($sched / $jobs)"
fi
if python3 - "$tmp/m3.sarif" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
hit = [r for r in res if r["ruleId"] == "SCL010"
       and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("jobs.py")
       and any(l["physicalLocation"]["artifactLocation"]["uri"].endswith("scheduler.py")
               for l in r.get("relatedLocations", []))]
sys.exit(0 if hit else 1)
PY
then
  ok "N=3: the merged SARIF has SCL010 in jobs.py related to scheduler.py"
else
  bad "N=3: cross-file SCL010 missing from the merged SARIF"
fi

if [ -x "$validator" ]; then
  if "$validator" "$tmp/m3.sarif" >"$tmp/v" 2>&1; then
    ok "merged SARIF passes validate-sarif"
  else
    bad "merged SARIF fails validate-sarif" "$(cat "$tmp/v")"
  fi
else
  echo "skip    validate-sarif not found at $validator"
fi

# errors: exit 2 with a message
expect2() {
  local name=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq 2 ] && [ -s "$tmp/err" ]; then
    ok "$name: exit 2 ($(head -1 "$tmp/err"))"
  else
    bad "$name: exit $rc, wanted 2" "$(cat "$tmp/err")"
  fi
}
expect2 "missing shard" "$bin" merge --no-config "$tmp/s1-of-3.shard" "$tmp/s3-of-3.shard"
expect2 "duplicate shard" "$bin" merge --no-config "$tmp/s1-of-3.shard" "$tmp/s1-of-3.shard" \
  "$tmp/s2-of-3.shard" "$tmp/s3-of-3.shard"
expect2 "shards of different splits" "$bin" merge --no-config "$tmp/s1-of-3.shard" \
  "$tmp/s2-of-5.shard"
expect2 "not a shard file" "$bin" merge --no-config "$tmp/whole.sarif"
head -c 200 "$tmp/s2-of-3.shard" >"$tmp/trunc.shard"
expect2 "truncated shard" "$bin" merge --no-config "$tmp/s1-of-3.shard" "$tmp/trunc.shard" \
  "$tmp/s3-of-3.shard"
sc check examples/ -q --select SCL001 --shard 2/3 -o "$tmp/other.shard"
expect2 "shard with other rules" "$bin" merge --no-config "$tmp/s1-of-3.shard" \
  "$tmp/other.shard" "$tmp/s3-of-3.shard"
expect2 "--shard without -o" "$bin" check examples/ --shard 1/2
expect2 "--shard 0/2" "$bin" check examples/ --shard 0/2 -o "$tmp/x"
expect2 "--shard 3/2" "$bin" check examples/ --shard 3/2 -o "$tmp/x"
expect2 "merge without shards" "$bin" merge

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
