#!/usr/bin/env bash
# Builds a current libbpf (trixie's Debian source release, 1.5.x; LGPL-2.1 OR BSD-2-Clause) into
# /var/cache/ebpf-debugger/libbpf/<version>/libbpf.so.1 (EBPF_LIBBPF_DIR), which the loader helper prefers over the system's libbpf (Debian 12: 1.1).
# The source comes through a private APT_CONFIG (its own sources list, lists, cache and state under
# <dir>/apt), so the host's apt state is untouched. Idempotent: nothing is done when the library is built.
#   bash scripts/build-libbpf.sh            build (or say where the built one is)
#   EBPF_LIBBPF_SUITE=sid bash …            another suite of the same mirror
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="${EBPF_LIBBPF_DIR:-/var/cache/ebpf-debugger/libbpf}"  # outside the repo: nothing to ignore or commit
SUITE="${EBPF_LIBBPF_SUITE:-trixie}"
done_marker() { ls "$ROOT"/*/libbpf.so.1 2>/dev/null | head -1; }
if [ -n "$(done_marker)" ]; then
  echo "setup: libbpf already built: $(done_marker)"
  exit 0
fi
CC="${CC:-$(command -v cc || command -v clang || true)}"  # a fresh Debian has clang (setup installs it), maybe no gcc
[ -n "$CC" ] || { echo "build-libbpf.sh: no C compiler (cc or clang)" >&2; exit 2; }
for tool in make pkg-config tar; do
  command -v "$tool" >/dev/null || { echo "build-libbpf.sh: $tool is missing (setup.sh installs it)" >&2; exit 2; }
done
# the mirror this machine's apt already uses (deb822 URIs: or one-line deb entries; comments skipped)
MIRROR="$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null || true) \
  | grep -v '^\s*#' | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -1 | tr -d ' ' || true)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
APT="$ROOT/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/state" "$APT/src"
touch "$APT/state/status"
printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$MIRROR" "$SUITE" > "$APT/sources.list"
cat > "$APT/apt.conf" <<CONF
Dir::Etc::SourceList "$APT/sources.list";
Dir::Etc::SourceParts "$APT/none";
Dir::State::Lists "$APT/lists";
Dir::State::status "$APT/state/status";
Dir::Cache "$APT/cache";
APT::Get::Only-Source "true";
CONF
export APT_CONFIG="$APT/apt.conf"
echo "setup: libbpf: fetching the $SUITE source package from $MIRROR (private apt config)"
apt-get update -q -o Debug::NoLocking=1 >/dev/null
( cd "$APT/src" && apt-get source --download-only -q -o Debug::NoLocking=1 libbpf >/dev/null )
ORIG="$(ls "$APT/src"/libbpf_*.orig.tar.* | head -1)"
VERSION="$(basename "$ORIG" | sed -E 's/^libbpf_([0-9.]+)\.orig.*/\1/')"
SRC="$ROOT/src-$VERSION"
rm -rf "$SRC" && mkdir -p "$SRC"
tar -xf "$ORIG" -C "$SRC" --strip-components=1
echo "setup: libbpf: building $VERSION"
make -s -C "$SRC/src" -j2 CC="$CC" OBJDIR="$SRC/obj" >/dev/null
OUT="$ROOT/$VERSION"
mkdir -p "$OUT"
cp -L "$SRC/obj/libbpf.so.1" "$OUT/libbpf.so.1"
cp "$SRC/LICENSE"* "$OUT/" 2>/dev/null || true
rm -rf "$SRC"
echo "setup: libbpf $VERSION built: $OUT/libbpf.so.1"
