#!/usr/bin/env bash
# Baselines, changed-lines mode and inline suppressions, end to end, in a
# throwaway git repository:
#   1. a small Motor service with two findings (SCL001 to_list(1000), SCL020
#      AsyncIOMotorClient without maxPoolSize) is committed, and
#      `scalint baseline` records them;
#   2. a new antipattern is added (a second to_list, in a new function), the
#      old code moves down 20 lines and an unrelated function is renamed;
#   3. `check --baseline` and `check --diff-base HEAD` must each report exactly
#      the new finding (the old ones unchanged/suppressed, or filtered out);
#   4. `--files-from`, inline suppressions with a reason, an unused
#      suppression (SCL000) and `--no-unused-suppressions`.
# Every SARIF produced is checked with ../shared/tools/validate-sarif when
# that exists.
#
#   baseline_diff_test.sh SCALINT_BINARY [REPO_ROOT]
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
  [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/        /' | head -40
}

# run NAME WANTED_RC CMD... : runs in the repo; stdout in $tmp/out, stderr in $tmp/err
run() {
  local name=$1 want=$2; shift 2
  (cd "$repo" && "$@") >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    bad "$name (exit $rc, wanted $want)" "$(cat "$tmp/err" "$tmp/out" | head -20)"
    return 1
  fi
  return 0
}

# check_py NAME FILE PYTHON : runs PYTHON with the parsed JSON file as `d`
check_py() {
  local name=$1 file=$2 code=$3 msg
  if msg=$(python3 - "$file" "$repo/app.py" 2>&1 <<EOF
import json, sys
d = json.load(open(sys.argv[1]))
src = open(sys.argv[2]).read().split("\n")
def line_of(text):
    hits = [i + 1 for i, l in enumerate(src) if text in l]
    assert len(hits) == 1, (text, hits)
    return hits[0]
$code
EOF
  ); then ok "$name"; else bad "$name" "$msg"; fi
}

validate() {
  local name=$1
  if [ ! -x "$validator" ]; then
    echo "skip    $name ($validator not found)"
    return
  fi
  cp "$tmp/out" "$tmp/v.sarif"
  if "$validator" "$tmp/v.sarif" >"$tmp/v" 2>&1; then
    ok "$name"
  else
    bad "$name" "$(cat "$tmp/v")"
  fi
}

# only the two rules the scenario is about, so new rules elsewhere cannot change the counts
sel="--select SCL001,SCL020"

g() { git -C "$repo" -c user.name=scalint-test -c user.email=test@example.com \
        -c commit.gpgsign=false "$@"; }

# ---- 1. the committed service and its baseline -------------------------------
repo=$tmp/repo
mkdir -p "$repo"
g init -q
cat >"$repo/app.py" <<'EOF'
"""Orders service of a FastAPI app backed by Motor."""
import os

from motor.motor_asyncio import AsyncIOMotorClient

client = AsyncIOMotorClient(os.environ["MONGO_URL"])
db = client.shop


def format_total(order):
    return f"{order['total']:.2f}"


async def recent_orders():
    return await db.orders.find({}).to_list(1000)
EOF
g add -A && g commit -qm "orders service"

run "baseline written" 0 "$bin" baseline $sel -o .scalint-baseline.json . &&
  check_py "baseline holds the two findings" "$repo/.scalint-baseline.json" '
assert d["version"] == 1 and d["tool"] == "scalint", d
got = sorted((f["rule_id"], f["path"]) for f in d["findings"])
assert got == [("SCL001", "app.py"), ("SCL020", "app.py")], got
assert all(f["fingerprint"] for f in d["findings"])'
g add -A && g commit -qm "baseline"

# ---- 2. new antipattern, old code moved down, unrelated rename ----------------
python3 - "$repo/app.py" <<'EOF'
import sys
path = sys.argv[1]
src = open(path).read()
head, rest = src.split("client = ", 1)
pad = "".join(f"SETTING_{i} = {i}\n" for i in range(20))
rest = rest.replace("def format_total(", "def format_order_total(")
rest += ("\n\nasync def export_orders():\n"
         "    return await db.orders.find({\"exported\": False}).to_list(5000)\n")
open(path, "w").write(head + pad + "client = " + rest)
EOF

# ---- 3a. --baseline: only the new finding is new ------------------------------
run "check --baseline json" 1 "$bin" check $sel --baseline .scalint-baseline.json --format json . &&
  check_py "baseline: json reports exactly the new finding" "$tmp/out" '
new = line_of("to_list(5000)")
shown = [f for f in d["findings"]
         if not f.get("suppressions") and not f.get("suppressed")
         and f.get("baseline_state", "new") != "unchanged"]
assert [(f["rule_id"], f["line"]) for f in shown] == [("SCL001", new)], shown'

run "check --baseline sarif" 1 \
    "$bin" check $sel --baseline .scalint-baseline.json --format sarif . &&
  check_py "baseline: sarif marks one new, two unchanged" "$tmp/out" '
res = d["runs"][0]["results"]
new = [r for r in res if r.get("baselineState") == "new"]
old = [r for r in res if r.get("baselineState") == "unchanged"]
assert len(res) == 3, len(res)
line = new[0]["locations"][0]["physicalLocation"]["region"]["startLine"] if new else None
assert len(new) == 1 and new[0]["ruleId"] == "SCL001" and line == line_of("to_list(5000)"), new
assert not new[0].get("suppressions"), new[0]
assert sorted(r["ruleId"] for r in old) == ["SCL001", "SCL020"], old
assert all(s["kind"] == "external" for r in old for s in r.get("suppressions", [])), old' &&
  validate "baseline: sarif validates"

# ---- 3b. --diff-base HEAD: only the changed lines -----------------------------
run "check --diff-base json" 1 "$bin" check $sel --diff-base HEAD --format json . &&
  check_py "diff-base: json reports exactly the new finding" "$tmp/out" '
got = [(f["rule_id"], f["path"], f["line"]) for f in d["findings"]]
assert got == [("SCL001", "app.py", line_of("to_list(5000)"))], got'

run "check --diff-base sarif" 1 "$bin" check $sel --diff-base HEAD --format sarif . &&
  check_py "diff-base: sarif has exactly the new finding" "$tmp/out" '
res = d["runs"][0]["results"]
assert [r["ruleId"] for r in res] == ["SCL001"], res' &&
  validate "diff-base: sarif validates"

run "diff-base with ./" 1 "$bin" check $sel --diff-base HEAD --format json ./ &&
  check_py "diff-base: ./ spelling" "$tmp/out" 'assert len(d["findings"]) == 1, d["findings"]'

run "diff-base bad ref" 2 "$bin" check $sel --diff-base no-such-ref . &&
  { grep -q "no-such-ref" "$tmp/err" && ok "diff-base bad ref: git's message" ||
    bad "diff-base bad ref: git's message" "$(cat "$tmp/err")"; }

echo '{"version": 1, "findings": [}' >"$repo/broken.json"
run "malformed baseline" 2 "$bin" check $sel --baseline broken.json . &&
  { grep -q "broken.json:[0-9]*:[0-9]*:" "$tmp/err" && ok "malformed baseline: file:line:col" ||
    bad "malformed baseline: file:line:col" "$(cat "$tmp/err")"; }
rm -f "$repo/broken.json"

# ---- 3c. --files-from ---------------------------------------------------------
echo "./app.py" >"$tmp/files"
run "files-from app.py" 1 "$bin" check $sel --files-from "$tmp/files" --format json . &&
  check_py "files-from: all three findings" "$tmp/out" 'assert len(d["findings"]) == 3, d'
run "files-from stdin, other file" 0 \
    sh -c "echo other.py | '$bin' check $sel --files-from - --format json ." &&
  check_py "files-from: none" "$tmp/out" 'assert d["findings"] == [], d'

# ---- 4. inline suppressions ---------------------------------------------------
python3 - "$repo/app.py" <<'EOF'
import sys
path = sys.argv[1]
src = open(path).read()
src = src.replace("client = AsyncIOMotorClient(",
                  "# scalint: ignore[default-pool-size] -- "
                  "one client per worker, pool sized in the URI\n"
                  "client = AsyncIOMotorClient(")
src = src.replace("db = client.shop", "db = client.shop  # scalint: ignore[SCL001]")
open(path, "w").write(src)
EOF
run "inline: sarif" 1 "$bin" check $sel --format sarif . &&
  check_py "inline: suppressed with reason, unused reported" "$tmp/out" '
res = d["runs"][0]["results"]
by = {}
for r in res:
    by.setdefault(r["ruleId"], []).append(r)
pool = by["SCL020"][0]
s = pool["suppressions"][0]
assert s["kind"] == "inSource", s
assert s.get("justification") == "one client per worker, pool sized in the URI", s
unused = by.get("SCL000", [])
assert len(unused) == 1, unused
assert "`scalint: ignore[SCL001]` suppresses nothing here" in unused[0]["message"]["text"], unused
region = unused[0]["locations"][0]["physicalLocation"]["region"]
assert region["startLine"] == line_of("db = client.shop"), region' &&
  validate "inline: sarif validates"
run "inline: no-unused-suppressions" 1 "$bin" check $sel --no-unused-suppressions --format json . &&
  check_py "inline: no SCL000" "$tmp/out" '
assert not [f for f in d["findings"] if f["rule_id"] == "SCL000"], d'
if run "inline: text hides suppressed" 1 "$bin" check $sel --no-color .; then
  if grep -q "SCL020" "$tmp/out"; then bad "inline: text hides suppressed" "$(cat "$tmp/out")"
  else ok "inline: text hides suppressed"; fi
fi
if run "inline: --show-suppressed" 1 "$bin" check $sel --no-color --show-suppressed .; then
  if grep -q "SCL020" "$tmp/out"; then ok "inline: --show-suppressed"
  else bad "inline: --show-suppressed" "$(cat "$tmp/out")"; fi
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
