#!/usr/bin/env bash
# Installs everything eBPF Debugger needs on Debian/Ubuntu (as root) and builds it.
#   bash scripts/setup.sh         toolchain (clang, llvm, libbpf, bpftool), npm packages, build
#   bash scripts/setup.sh --e2e   the same, plus a real VS Code (code-server), Node 24 and Chromium for the e2e test
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(clang llvm libbpf-dev libbpf1 bpftool linux-libc-dev make sudo golang-go golang-github-cilium-ebpf-dev
  qemu-system-x86 busybox-static cpio xz-utils zstd  # this line: verify --kernel (Debian kernels under QEMU)
  libelf-dev zlib1g-dev pkg-config)  # building a current libbpf (scripts/build-libbpf.sh)
E2E=0
for arg in "$@"; do
  case "$arg" in
    --e2e) E2E=1 ;;
    *) echo "setup.sh: unknown option $arg (use --e2e)" >&2; exit 2 ;;
  esac
done
[ "$E2E" = 1 ] && APT_PACKAGES+=(chromium libkrb5-dev curl)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: missing packages ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
  echo "setup: apt-get install ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "setup: build"
npm run --silent build >/dev/null
# a current libbpf (Debian 12 has 1.1), preferred by the helper; the system's stays the fallback if this fails
if [ "$(id -u)" = 0 ]; then
  bash scripts/build-libbpf.sh || echo "setup: warning: building a current libbpf failed; the helper uses the system's libbpf" >&2
fi

if [ "$E2E" = 1 ]; then
  bash scripts/setup-e2e.sh
fi
echo "setup: done"
