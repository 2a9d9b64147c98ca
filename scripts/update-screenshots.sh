#!/usr/bin/env bash
# Copies the README's screenshots from the last e2e run (test-results/e2e/, `bash scripts/test.sh e2e`) into
# docs/screenshots/, reduced to 256 colours when pngquant is there (apt-get install pngquant; a 1400x900 workbench
# picture: ~200 KB -> ~60 KB).
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A SHOTS=(
  [02-debug-stopped]=debug-stopped
  [05-verify-object-reject]=verify-object-problems
  [13-results-view]=results-view
  [07-verify-on-save-reject]=verify-on-save
  [01a-lens-layout]=struct-layout
  [09-log-links]=verifier-log-links
)
mkdir -p docs/screenshots
for from in "${!SHOTS[@]}"; do
  src="test-results/e2e/$from.png" dst="docs/screenshots/${SHOTS[$from]}.png"
  [ -f "$src" ] || { echo "update-screenshots: $src is missing: run the e2e first (bash scripts/test.sh e2e)" >&2; exit 1; }
  if command -v pngquant >/dev/null; then pngquant --force --strip --quality 70-95 --output "$dst" 256 "$src"; else cp "$src" "$dst"; fi
  echo "$dst $(stat -c %s "$dst") bytes"
done
