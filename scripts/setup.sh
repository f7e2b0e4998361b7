#!/usr/bin/env bash
# Installs everything scalint needs on a Debian bookworm machine and fetches
# the tree-sitter grammars. Safe to run again: what is present is skipped.
#
#   scripts/setup.sh            Debian packages (as root) + grammars
#   SCALINT_NO_APT=1 ...        grammars only
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- Debian packages --------------------------------------------------------
packages=(build-essential cmake pkg-config git libtree-sitter-dev libclang-dev clang
          libpcre2-dev libyaml-dev libjansson-dev libcmocka-dev nodejs npm python3
          libsqlite3-dev libpq-dev libclang-rt-dev)  # headers the C fixtures include, as real services do
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from another Debian-compatible source: accept what is on PATH
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
if [ "${SCALINT_NO_APT:-0}" != 1 ] && [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---- tree-sitter grammars ---------------------------------------------------
# Pinned versions whose generated parsers use language ABI 14, which Debian's
# libtree-sitter 0.20.7 loads. The integrity strings are the registry's
# sha512 of each tarball; a mismatch stops the set-up.
dest=third_party/grammars
declare -A integrity=(
  [tree-sitter-python@0.23.6]='sha512-yIM9z0oxKIxT7bAtPOhgoVl6gTXlmlIhue7liFT4oBPF/lha7Ha4dQBS82Av6hMMRZoVnFJI8M6mL+SwWoLD3A=='
  [tree-sitter-javascript@0.23.1]='sha512-/bnhbrTD9frUYHQTiYnPcxyHORIw157ERBa6dqzaKxvR/x3PC4Yzd+D1pZIMS6zNg2v3a8BZ0oK7jHqsQo9fWA=='
  [tree-sitter-typescript@0.23.2]='sha512-e04JUUKxTT53/x3Uq1zIL45DoYKVfHH4CZqwgZhPg5qYROl5nQjV+85ruFzFGZxu+QeFVbRTPDRnqL9UbU4VeA=='
)
stamp="$dest/.pinned"
want=$(for k in "${!integrity[@]}"; do echo "$k ${integrity[$k]}"; done | sort)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup: grammars already present in $dest"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in "${!integrity[@]}"; do
  echo "setup: fetching $spec"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/npm.err") || {
    cat "$tmp/npm.err" >&2; echo "setup: could not fetch $spec" >&2; exit 1; }
  name=${spec%@*}; ver=${spec#*@}
  tgz="$tmp/$name-$ver.tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" 2>/dev/null | base64 -w0 ||
                node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
  if [ "$got" != "${integrity[$spec]}" ]; then
    echo "setup: integrity mismatch for $spec: got $got" >&2
    exit 1
  fi
  mkdir -p "$tmp/$name" && tar xzf "$tgz" -C "$tmp/$name"
done

rm -rf "$dest"
mkdir -p "$dest"
copy_grammar() {  # copy_grammar FROM TO: src/{parser.c,scanner.c,tree_sitter/,node-types.json}
  mkdir -p "$dest/$2/src"
  cp -r "$1/src/parser.c" "$1/src/scanner.c" "$1/src/tree_sitter" "$1/src/node-types.json" "$dest/$2/src/"
}
copy_grammar "$tmp/tree-sitter-python/package" python
copy_grammar "$tmp/tree-sitter-javascript/package" javascript
copy_grammar "$tmp/tree-sitter-typescript/package/typescript" typescript
copy_grammar "$tmp/tree-sitter-typescript/package/tsx" tsx
mkdir -p "$dest/common" && cp "$tmp/tree-sitter-typescript/package/common/scanner.h" "$dest/common/"
for g in python javascript typescript tsx; do
  grep -q '#define LANGUAGE_VERSION 14' "$dest/$g/src/parser.c" || {
    echo "setup: grammar $g is not ABI 14" >&2; exit 1; }
done
echo "$want" >"$stamp"
echo "setup: grammars ready in $dest"
