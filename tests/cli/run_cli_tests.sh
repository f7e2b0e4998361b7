#!/usr/bin/env bash
# End-to-end tests of the scalint binary: exit codes, golden outputs for each
# format, SARIF validity, rule-file errors. UPDATE_GOLDEN=1 rewrites goldens.
#
#   run_cli_tests.sh SCALINT_BINARY REPO_ROOT
set -u
bin=$1
root=$2
here="$root/tests/cli"
validator="$root/../shared/tools/validate-sarif"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok      $1"; }
bad() { failed=$((failed + 1)); echo "FAILED  $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/        /' | head -40; }

# run NAME EXPECTED_RC CMD... : runs in the tests/cli dir, keeps stdout/stderr
run() {
  local name=$1 want=$2; shift 2
  (cd "$here" && "$@") >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    bad "$name (exit $rc, wanted $want)" "$(cat "$tmp/err" "$tmp/out" | head -20)"
    return 1
  fi
  return 0
}

# golden NAME FILE: compares $tmp/out with tests/cli/expected/FILE
golden() {
  local name=$1 file="$here/expected/$2"
  sed -e "s#file://$here/#file://SRCROOT/#" "$tmp/out" >"$tmp/norm"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p "$here/expected" && cp "$tmp/norm" "$file"
    ok "$name (golden updated)"
  elif diff -u "$file" "$tmp/norm" >"$tmp/diff"; then
    ok "$name"
  else
    bad "$name (differs from expected/$2)" "$(cat "$tmp/diff")"
  fi
}

# ---- formats -----------------------------------------------------------------
run "text output" 1 "$bin" check --no-color project && golden "text output" check.txt
run "quiet text" 1 "$bin" check -q --no-color project && golden "quiet text" check-quiet.txt
core=SCL001,SCL010,SCL020,SCL030,SCL060  # goldens embed rule metadata: keep them to a few rules
run "json output" 1 "$bin" check --select "$core" --format json project && golden "json output" check.json &&
  { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["findings"] == len(d["findings"]) > 0' "$tmp/out" &&
    ok "json parses" || bad "json parses"; }
run "sarif output" 1 "$bin" check --select "$core" --format sarif project && golden "sarif output" check.sarif
if [ -x "$validator" ]; then
  cp "$tmp/out" "$tmp/project.sarif"
  if "$validator" "$tmp/project.sarif" >"$tmp/v" 2>&1; then ok "sarif validates"; else bad "sarif validates" "$(cat "$tmp/v")"; fi
else
  echo "skip    sarif validates ($validator not found)"
fi

# ---- exit codes and switches -------------------------------------------------
run "fail-on never" 0 "$bin" check --fail-on never --no-color project && ok "fail-on never"
run "fail-on error" 1 "$bin" check --fail-on error --no-color project && ok "fail-on error"
run "clean tree exits 0" 0 "$bin" check --no-color project/clean && ok "clean tree exits 0"
run "select one rule" 1 "$bin" check --select SCL060 --format json project &&
  { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert {f["rule_id"] for f in d["findings"]} == {"SCL060"}' "$tmp/out" &&
    ok "select one rule" || bad "select one rule" "$(cat "$tmp/out")"; }
run "ignore by slug" 0 "$bin" check --ignore hard-result-cap,job-scan-in-loop,default-pool-size,in-memory-session-store,select-fd-limit --no-color project &&
  ok "ignore by slug"
run "unknown rule" 2 "$bin" check --select SCL999 project &&
  { grep -q "unknown rule 'SCL999'" "$tmp/err" && ok "unknown rule" || bad "unknown rule" "$(cat "$tmp/err")"; }
run "unknown option" 2 "$bin" check --frobnicate && ok "unknown option"
run "unknown format" 2 "$bin" check --format xml project && ok "unknown format"
run "jobs give identical output" 1 "$bin" check -j 1 --format json project && cp "$tmp/out" "$tmp/j1"
run "jobs give identical output" 1 "$bin" check -j 2 --format json project &&
  { cmp -s "$tmp/j1" "$tmp/out" && ok "jobs give identical output" || bad "jobs give identical output"; }

# -o writes atomically and the file is complete
run "output file" 1 "$bin" check --format sarif -o "$tmp/o.sarif" project &&
  { [ ! -s "$tmp/out" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/o.sarif" &&
    [ -z "$(ls "$tmp" | grep 'o.sarif.tmp')" ] && ok "output file" || bad "output file"; }

# ---- rules and explain -------------------------------------------------------
run "rules lists the rules" 0 "$bin" rules &&
  { for id in SCL001 SCL010 SCL020 SCL030 SCL060; do grep -q "^$id " "$tmp/out" || { bad "rules lists $id"; break; }; done; ok "rules lists the rules"; }
run "explain" 0 "$bin" explain SCL001 &&
  { grep -q "## Why it hurts at 10K users" "$tmp/out" && ok "explain" || bad "explain" "$(cat "$tmp/out")"; }
run "explain by slug" 0 "$bin" explain select-fd-limit && ok "explain by slug"
run "explain unknown" 2 "$bin" explain SCL998 && ok "explain unknown"

# ---- bad rule files: exit 2 and file:line:col ----------------------------------
for f in "$here"/bad-rules/*.yaml; do
  name=$(basename "$f")
  want=$(sed -n 's/^# expect-error: //p' "$f" | head -1)
  run "bad rule $name" 2 "$bin" check --no-builtin --rules "$f" project || continue
  if grep -qE "^[^:]+\.yaml:[0-9]+:[0-9]+: .*$want" "$tmp/err"; then
    ok "bad rule $name"
  else
    bad "bad rule $name (wanted file:line:col: ...$want)" "$(cat "$tmp/err")"
  fi
done

# ---- discovery ---------------------------------------------------------------
mkdir -p "$tmp/repo/src" "$tmp/repo/node_modules/x" "$tmp/repo/gen"
cp "$here/project/native/server.c" "$tmp/repo/src/"
cp "$here/project/native/server.c" "$tmp/repo/node_modules/x/"
cp "$here/project/native/server.c" "$tmp/repo/gen/"
printf 'gen/\n' >"$tmp/repo/.gitignore"
printf '\x00\x01\x02binary' >"$tmp/repo/src/blob.py"
(cd "$tmp/repo" && "$bin" check --format json . >"$tmp/out" 2>"$tmp/err")
python3 - "$tmp/out" <<'PY' && ok "discovery skips ignored, reports binary" || bad "discovery skips ignored, reports binary" "$(cat "$tmp/out")"
import json, sys
d = json.load(open(sys.argv[1]))
paths = {f["path"] for f in d["findings"]}
assert paths == {"src/server.c"}, paths
assert any(n["path"] == "src/blob.py" and n["kind"] == "binary" for n in d["notices"]), d["notices"]
PY

# a file with syntax errors is still scanned: a note, not a skip (the
# comment has a token a rule needs, so the prefilter lets the file through)
mkdir -p "$tmp/syn"
printf 'def broken(:\n    pass\n# rows = cursor.to_list(10)\n' >"$tmp/syn/broken.py"
(cd "$tmp/syn" && "$bin" check --no-color . >"$tmp/out" 2>"$tmp/err")
if grep -q "^note: broken.py: syntax-error" "$tmp/out" && grep -q "^No problems found in 1 file.$" "$tmp/out"; then
  ok "syntax errors are a note, the file is scanned"
else
  bad "syntax errors are a note, the file is scanned" "$(cat "$tmp/out")"
fi
# ... while a broken file that no rule can match is not parsed at all
# (--statistics says so), unless --no-prefilter asks for every file
printf 'def broken(:\n    pass\n' >"$tmp/syn/broken.py"
(cd "$tmp/syn" && "$bin" check --no-color --statistics . >"$tmp/out" 2>"$tmp/err")
(cd "$tmp/syn" && "$bin" check --no-color --no-prefilter . >"$tmp/out2" 2>"$tmp/err")
if ! grep -q "syntax-error" "$tmp/out" && grep -q "^1 of 1 files not parsed" "$tmp/out" &&
  grep -q "^note: broken.py: syntax-error" "$tmp/out2"; then
  ok "a file no rule can match is not parsed; --no-prefilter parses it"
else
  bad "a file no rule can match is not parsed; --no-prefilter parses it" "$(cat "$tmp/out" "$tmp/out2")"
fi

# a compile_commands.json whose directory is elsewhere must not move the scan's
# current directory: every file after the C file must still be read
mkdir -p "$tmp/cdb/build/obj" "$tmp/cdb/src" "$tmp/cdb/zz"
{ cat "$here/project/native/server.c"; head -c 20000 /dev/zero | tr '\0' '\n'; } >"$tmp/cdb/src/a.c"  # largest: scanned first
cp "$here/project/api/users.py" "$tmp/cdb/zz/users.py"
printf '[{"directory": "%s/build/obj", "file": "../../src/a.c", "command": "cc -I../../src -c ../../src/a.c -o a.o"}]\n' \
  "$tmp/cdb" >"$tmp/cdb/build/compile_commands.json"
(cd "$tmp/cdb" && "$bin" check -j 1 --format json src zz >"$tmp/out" 2>"$tmp/err")
python3 - "$tmp/out" <<'PY' && ok "compile_commands.json keeps the working directory" || bad "compile_commands.json keeps the working directory" "$(cat "$tmp/out" "$tmp/err")"
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["notices"], d["notices"]
assert {f["path"] for f in d["findings"]} == {"src/a.c", "zz/users.py"}, d["findings"]
PY

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
