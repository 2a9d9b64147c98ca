/**
 * /init, PID 1 in the guest: mounts what libbpf needs, verifies each /obj/*.o with the guest loader at the log
 * level and buffer size the kernel command line names (bpflog=, bpflogsize=), writes everything to the second
 * serial port between markers and powers off. The guest has no disk and no network: the serial port is its only
 * way out.
 */
export const GUEST_INIT = `#!/bin/sh
export PATH=/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
OUT=/dev/ttyS1
LEVEL=1
SIZE=16777216
for a in $(cat /proc/cmdline); do case $a in bpflog=*) LEVEL=\${a#bpflog=};; bpflogsize=*) SIZE=\${a#bpflogsize=};; esac; done
stty -F $OUT raw -echo -onlcr 2>/dev/null
{
  echo "=== KERNEL $(uname -r)"
  for o in /obj/*.o; do
    [ -e "$o" ] || continue
    n=$(basename "$o")
    echo "=== BEGIN $n"
    ebpf-guest-verify "$o" "$LEVEL" "$SIZE" 2>&1
    echo "=== END $n rc=$?"
  done
  echo "=== DONE"
} > $OUT 2>&1
poweroff -f
`;
