#!/usr/bin/env bash
# The incremental cache, end to end, on a copy of examples/:
#   1. cold, warm and --no-cache runs give the same SARIF (cross-file SCL010
#      included: the link stage runs on cached summaries);
#   2. the cache directory is tagged (CACHEDIR.TAG, .gitignore) and a cache
#      inside the scanned tree is never scanned;
#   3. an edited file, other rules (--select) and a config change are seen;
#   4. damaged entries are ignored (same results) and rewritten;
#   5. four concurrent cold runs on one cache all give the right results.
#
#   cache_test.sh SCALINT_BINARY [REPO_ROOT]
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
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
same() {  # same NAME FILE_A FILE_B
  if diff "$2" "$3" >"$tmp/d"; then ok "$1"; else bad "$1" "$(cat "$tmp/d")"; fi
}

mkdir -p "$tmp/w"
cp -r "$root/examples" "$tmp/w/examples"
cd "$tmp/w" || exit 1
cache="$tmp/cache"
scan() { "$bin" check examples/ -f sarif --no-config "$@"; }

scan --no-cache -o "$tmp/nocache.sarif"
scan --cache-dir "$cache" -o "$tmp/cold.sarif"
entries=$(find "$cache" -type f -path '*/??/*' ! -name '.tmp-*' | wc -l)
[ "$entries" -gt 10 ] && ok "cold run wrote $entries entries" || bad "cold run wrote $entries entries"
scan --cache-dir "$cache" -j 1 -o "$tmp/warm.sarif"
scan --cache-dir "$cache" -j 2 -o "$tmp/warm2.sarif"
same "cold run equals --no-cache" "$tmp/nocache.sarif" "$tmp/cold.sarif"
same "warm run (-j 1) equals --no-cache" "$tmp/nocache.sarif" "$tmp/warm.sarif"
same "warm run (-j 2) equals --no-cache" "$tmp/nocache.sarif" "$tmp/warm2.sarif"
grep -q '"ruleId": "SCL010"' "$tmp/warm.sarif" && ok "warm run keeps the cross-file SCL010" \
  || bad "warm run lost SCL010"
[ -f "$cache/CACHEDIR.TAG" ] && [ -f "$cache/.gitignore" ] && ok "cache directory is tagged" \
  || bad "CACHEDIR.TAG or .gitignore missing"

# a cache inside the scanned tree is not scanned
scan --cache-dir examples/.scalint-cache -o "$tmp/inside1.sarif"
scan --cache-dir examples/.scalint-cache -o "$tmp/inside2.sarif"
same "a cache inside the tree changes nothing" "$tmp/nocache.sarif" "$tmp/inside2.sarif"
rm -rf examples/.scalint-cache

# an edited file is rescanned
f=examples/fastapi-motor/app.py
printf '\n\nasync def extra(db):\n    return await db.things.find({}).to_list(5000)\n' >>"$f"
scan --no-cache -o "$tmp/edit-nocache.sarif"
scan --cache-dir "$cache" -o "$tmp/edit-warm.sarif"
same "an edited file is rescanned" "$tmp/edit-nocache.sarif" "$tmp/edit-warm.sarif"
if diff -q "$tmp/nocache.sarif" "$tmp/edit-warm.sarif" >/dev/null; then
  bad "the edit should add a finding"
fi

# other rules, other config
scan --no-cache --select SCL001 -o "$tmp/sel-nocache.sarif"
scan --cache-dir "$cache" --select SCL001 -o "$tmp/sel-warm.sarif"
same "--select is part of the key" "$tmp/sel-nocache.sarif" "$tmp/sel-warm.sarif"
printf 'rules:\n  SCL001:\n    level: note\n' >"$tmp/cfg.yml"
"$bin" check examples/ -f sarif --config "$tmp/cfg.yml" --no-cache -o "$tmp/cfg-nocache.sarif"
"$bin" check examples/ -f sarif --config "$tmp/cfg.yml" --cache-dir "$cache" -o "$tmp/cfg-1.sarif"
printf 'rules:\n  SCL001:\n    level: warning\n' >"$tmp/cfg.yml"
"$bin" check examples/ -f sarif --config "$tmp/cfg.yml" --no-cache -o "$tmp/cfg2-nocache.sarif"
"$bin" check examples/ -f sarif --config "$tmp/cfg.yml" --cache-dir "$cache" -o "$tmp/cfg-2.sarif"
same "config (level note) with the cache" "$tmp/cfg-nocache.sarif" "$tmp/cfg-1.sarif"
same "a config change is part of the key" "$tmp/cfg2-nocache.sarif" "$tmp/cfg-2.sarif"

# damaged entries: truncated, flipped, emptied (a fresh cache: every entry
# is one this scan uses, so every one must be rewritten)
rm -rf "$cache"
scan --cache-dir "$cache" -o "$tmp/before-damage.sarif"
i=0
for e in $(find "$cache" -type f -path '*/??/*' ! -name '.tmp-*'); do
  case $((i % 3)) in
    0) head -c 30 "$e" >"$e.x" && mv "$e.x" "$e" ;;
    1) printf 'garbage' | dd of="$e" bs=1 seek=60 conv=notrunc 2>/dev/null ;;
    2) : >"$e" ;;
  esac
  i=$((i + 1))
done
scan --cache-dir "$cache" -o "$tmp/damaged.sarif"
same "damaged entries are ignored" "$tmp/edit-nocache.sarif" "$tmp/damaged.sarif"
small=$(find "$cache" -type f -path '*/??/*' -size -40c ! -name '.tmp-*' | wc -l)
[ "$small" -eq 0 ] && ok "damaged entries were rewritten" || bad "$small entries still damaged"

# concurrent cold runs on one cache
rm -rf "$cache"
for k in 1 2 3 4; do scan --cache-dir "$cache" -o "$tmp/par$k.sarif" & done
wait
for k in 1 2 3 4; do same "concurrent run $k" "$tmp/edit-nocache.sarif" "$tmp/par$k.sarif"; done
leftover=$(find "$cache" -name '.tmp-*' | wc -l)
[ "$leftover" -eq 0 ] && ok "no temporary files left" || bad "$leftover temporary files left"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
