#!/usr/bin/env bash
# Runs the test tiers with node's test runner: static checks, then unit (plain Node), lsp (the bundled server),
# kernel (the helper and CLI against the running kernel), dap (DebugClient against the built adapter)
# and e2e (a real VS Code: the Playwright flows, then the extension host's mocha suites).
# `scripts/test.sh unit` (or lsp, kernel, dap, e2e) runs one tier.
set -euo pipefail
cd "$(dirname "$0")/.."
tier="${1:-all}"

npm run --silent build
if [ "$tier" = all ]; then
  echo "== typecheck"; npx tsc -p . --noEmit
  echo "== lint"; npx eslint --max-warnings 0 .
  echo "== manifest"; node --import tsx scripts/sync-manifest.ts --check
fi

case "$tier" in
  all) files=(test/unit/*.test.ts test/lsp/*.test.ts test/kernel/*.test.ts test/dap/*.test.ts test/e2e/*.test.ts) ;;
  unit|lsp|kernel|dap|e2e) files=(test/"$tier"/*.test.ts) ;;
  *) echo "test.sh: unknown tier '$tier' (unit, lsp, kernel, dap, e2e)" >&2; exit 2 ;;
esac
# one file at a time: kernel tests compare the kernel's loaded programs before and after
rc=0
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}" || rc=$?
if [ "$tier" = all ] || [ "$tier" = e2e ]; then
  # the mocha suites of test/extension-host/suite/ inside code-server's real extension host (its own exit code)
  echo "== extension host (mocha in code-server)"
  node --import tsx test/extension-host/run-code-server.ts || rc=$?
  echo "== extension host, untrusted workspace"
  node --import tsx test/extension-host/run-code-server.ts --untrusted || rc=$?
fi
exit "$rc"
