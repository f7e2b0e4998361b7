#!/usr/bin/env bash
# The prefilter (src/engine/prefilter.h) end to end:
#   1. fixtures/ and examples/ give the same findings with and without it
#      (--no-prefilter), related locations included;
#   2. a cross-file chain whose middle and outer files have none of any
#      rule's tokens: the second pass parses them (two rounds) and the
#      finding and its related locations are the same as without the
#      prefilter, while a file that matters to nothing stays unparsed;
#   3. an unused inline suppression in a file no rule wants is still
#      reported (SCL000), as without the prefilter;
#   4. --shard parses every file (a shard cannot see the others' summaries).
#
#   prefilter_test.sh SCALINT_BINARY [REPO_ROOT]
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/xdg"
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok      $1"; }
bad() {
  failed=$((failed + 1))
  echo "FAILED  $1"
  [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/        /' | head -30
}

# findings (rule, place, message, related) of a JSON report, one per line
findings() {
  python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(json.dumps(f, sort_keys=True))
' "$1"
}

same_findings() {  # same_findings NAME PATH...
  local name=$1
  shift
  "$bin" check --no-cache --no-config -f json -o "$tmp/on.json" "$@"
  "$bin" check --no-cache --no-config --no-prefilter -f json -o "$tmp/off.json" "$@"
  findings "$tmp/on.json" >"$tmp/on.txt"
  findings "$tmp/off.json" >"$tmp/off.txt"
  local n
  n=$(wc -l <"$tmp/off.txt")
  if [ "$n" -gt 0 ] && diff "$tmp/on.txt" "$tmp/off.txt" >"$tmp/d"; then
    ok "$name: $n findings, identical with and without the prefilter"
  else
    bad "$name: $n findings, prefilter on/off differ" "$(cat "$tmp/d")"
  fi
}

cd "$root" || exit 1
same_findings "fixtures/" fixtures/
same_findings "examples/" examples/

# ---- 2. a chain through files no rule wants ------------------------------
mkdir -p "$tmp/chain"
cd "$tmp/chain" || exit 1
cat >jobs.py <<'PY'
from apscheduler.schedulers.background import BackgroundScheduler

scheduler = BackgroundScheduler(timezone="UTC")


def drop_user_reminders(user_id):
    for job in scheduler.get_jobs():
        if job.id.startswith(f"reminder-{user_id}-"):
            job.remove()
PY
cat >middle.py <<'PY'
from jobs import drop_user_reminders


def forget(user_id):
    drop_user_reminders(user_id)
PY
cat >nightly.py <<'PY'
from middle import forget


def purge(users):
    for user in users:
        forget(user.id)
PY
cat >unrelated.py <<'PY'
def add(a, b):
    return a + b
PY
same_findings "chain of three files" .
if grep -q '"nightly.py"' "$tmp/on.json" && grep -q '"middle.py"' "$tmp/on.json"; then
  ok "chain: the finding lists the call sites in both skipped files"
else
  bad "chain: related locations missing" "$(cat "$tmp/on.json")"
fi
"$bin" check --no-cache --no-config --statistics . >"$tmp/stats.txt"
if grep -q "^1 of 4 files not parsed" "$tmp/stats.txt"; then
  ok "chain: only the unrelated file is left unparsed"
else
  bad "chain: unexpected prefilter statistics" "$(cat "$tmp/stats.txt")"
fi

# ---- 3. suppressions in files no rule wants ------------------------------
mkdir -p "$tmp/supp"
cd "$tmp/supp" || exit 1
cat >quiet.py <<'PY'
def add(a, b):
    return a + b  # scalint: ignore[SCL001] -- leftover from a refactor
PY
cp "$tmp/chain/jobs.py" .
same_findings "unused suppression in a file no rule wants" .
if grep -q '"SCL000"' "$tmp/on.json"; then
  ok "SCL000 reported with the prefilter on"
else
  bad "SCL000 missing with the prefilter on" "$(cat "$tmp/on.json")"
fi

# ---- 4. shards parse everything -------------------------------------------
cd "$tmp/chain" || exit 1
"$bin" check --no-cache --no-config --shard 1/1 -o "$tmp/shard.json" . &&
  "$bin" merge -f json -o "$tmp/merged.json" "$tmp/shard.json"
findings "$tmp/merged.json" >"$tmp/merged.txt"
"$bin" check --no-cache --no-config --no-prefilter -f json -o "$tmp/whole.json" .
findings "$tmp/whole.json" >"$tmp/whole.txt"
if [ -s "$tmp/whole.txt" ] && diff "$tmp/merged.txt" "$tmp/whole.txt" >"$tmp/d"; then
  ok "--shard 1/1 + merge equals the whole scan"
else
  bad "--shard 1/1 + merge differs" "$(cat "$tmp/d")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
