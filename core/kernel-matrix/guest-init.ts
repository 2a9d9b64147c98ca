/**
 * /init, PID 1 in the guest: mounts what bpftool needs, loads each /obj/*.o with bpftool (no -d: libbpf then
 * retries a failed load at log level 1 and prints that log, where a level-2 log of a big program can outgrow the
 * guest's memory), writes everything to the second serial port between markers and powers off. The guest has no
 * disk and no network: the serial port is its only way out.
 */
export const GUEST_INIT = `#!/bin/sh
export PATH=/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t bpf bpf /sys/fs/bpf
OUT=/dev/ttyS1
stty -F $OUT raw -echo -onlcr 2>/dev/null
{
  echo "=== KERNEL $(uname -r)"
  for o in /obj/*.o; do
    [ -e "$o" ] || continue
    n=$(basename "$o")
    echo "=== BEGIN $n"
    bpftool prog load "$o" "/sys/fs/bpf/p" 2>&1
    echo "=== END $n rc=$?"
    rm -f /sys/fs/bpf/p
  done
  echo "=== DONE"
} > $OUT 2>&1
poweroff -f
`;
