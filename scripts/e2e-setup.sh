#!/usr/bin/env bash
# Installs what mcpward's end-to-end tests (crates/mcpward/tests/e2e.rs) run against:
#   - the reference MCP servers from npm, at the exact versions of tests/e2e/package.json,
#     into DIR/node_modules;
#   - the official Python MCP SDK, at the exact versions of tests/e2e/requirements.txt, into DIR/py.
#
# Usage: scripts/e2e-setup.sh [DIR]      (default: target/e2e under the repository root)
# The tests look for DIR in MCPWARD_E2E_DIR, else use the default.
#
# Idempotent: what is already installed at the right version is left alone. Needs node, npm and
# python3 (with pip); only the install steps use the network.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
src="$repo/tests/e2e"
dir="${1:-$repo/target/e2e}"

say() { printf 'e2e-setup: %s\n' "$*"; }
die() { printf 'e2e-setup: error: %s\n' "$*" >&2; exit 1; }

for tool in node npm python3; do
  command -v "$tool" >/dev/null 2>&1 || die "\`$tool\` is not on PATH"
done

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
say "directory: $dir"

# --- npm servers -----------------------------------------------------------------------------

# Prints one line per dependency of package.json (arg 1) that is not installed in node_modules
# (arg 2) at exactly its version; fails if package.json names a range instead of a version.
npm_missing() {
  node - "$1" "$2" <<'EOF'
const fs = require("fs");
const path = require("path");
const [pkgFile, modules] = process.argv.slice(2);
const deps = JSON.parse(fs.readFileSync(pkgFile, "utf8")).dependencies || {};
let bad = false;
for (const [name, want] of Object.entries(deps)) {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(want)) {
    console.error(`${pkgFile}: ${name} must be an exact version, not "${want}"`);
    bad = true;
    continue;
  }
  let have = null;
  try {
    have = JSON.parse(fs.readFileSync(path.join(modules, name, "package.json"), "utf8")).version;
  } catch (_) {}
  if (have !== want) console.log(`${name}: want ${want}, have ${have ?? "nothing"}`);
}
process.exit(bad ? 2 : 0);
EOF
}

missing="$(npm_missing "$src/package.json" "$dir/node_modules")" || die "fix tests/e2e/package.json"
if [ -z "$missing" ]; then
  say "npm servers: already installed at the pinned versions"
else
  printf '%s\n' "$missing" | sed 's/^/e2e-setup:   /'
  say "npm servers: npm install --prefix $dir (log: $dir/npm.log)"
  cp "$src/package.json" "$dir/package.json"
  if ! npm install --prefix "$dir" --no-audit --no-fund >"$dir/npm.log" 2>&1; then
    tail -n 30 "$dir/npm.log" >&2
    die "npm install failed"
  fi
  missing="$(npm_missing "$src/package.json" "$dir/node_modules")" || exit 1
  [ -z "$missing" ] || die "still not at the pinned versions after npm install:
$missing"
  say "npm servers: installed"
fi

# --- Python SDK --------------------------------------------------------------------------------

# Prints one line per `name==version` requirement (file arg 1) not installed in DIR/py (arg 2).
py_missing() {
  python3 - "$1" "$2" <<'EOF'
import importlib.metadata as md
import re
import sys

req_file, target = sys.argv[1:]
canon = lambda n: re.sub(r"[-_.]+", "-", n).lower()
have = {canon(d.metadata["Name"]): d.version for d in md.distributions(path=[target]) if d.metadata["Name"]}
bad = False
for line in open(req_file, encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)", line)
    if not m:
        print(f"{req_file}: `{line}` must pin an exact version (name==version)", file=sys.stderr)
        bad = True
        continue
    name, want = m.groups()
    got = have.get(canon(name))
    if got != want:
        print(f"{name}: want {want}, have {got or 'nothing'}")
sys.exit(2 if bad else 0)
EOF
}

missing="$(py_missing "$src/requirements.txt" "$dir/py")" || die "fix tests/e2e/requirements.txt"
if [ -z "$missing" ]; then
  say "python SDK: already installed at the pinned versions"
else
  printf '%s\n' "$missing" | sed 's/^/e2e-setup:   /'
  say "python SDK: pip install --target $dir/py (log: $dir/pip.log)"
  # --upgrade: with --target, pip leaves packages that are already there alone without it, so a
  # changed pin would never be installed.
  if ! python3 -m pip install --quiet --upgrade --target "$dir/py" -r "$src/requirements.txt" \
      >"$dir/pip.log" 2>&1; then
    tail -n 30 "$dir/pip.log" >&2
    die "pip install failed"
  fi
  missing="$(py_missing "$src/requirements.txt" "$dir/py")" || exit 1
  [ -z "$missing" ] || die "still not at the pinned versions after pip install:
$missing"
  say "python SDK: installed"
fi

# --- smoke check -------------------------------------------------------------------------------

PYTHONPATH="$dir/py" python3 -c "import mcp.client.stdio" \
  || die "the Python SDK in $dir/py cannot be imported"
for server in server-everything server-filesystem server-memory; do
  [ -f "$dir/node_modules/@modelcontextprotocol/$server/dist/index.js" ] \
    || die "$dir/node_modules/@modelcontextprotocol/$server/dist/index.js is missing"
done
say "ready: cargo test -p mcpward --test e2e$([ "$dir" = "$repo/target/e2e" ] || printf ' (with MCPWARD_E2E_DIR=%s)' "$dir")"
