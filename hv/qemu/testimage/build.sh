#!/usr/bin/env bash
# Builds ec2x's tiny test image for the qemu driver from Debian packages:
# the kernel of linux-image-cloud-amd64, busybox-static, dropbear and
# OpenBSD's netcat (for UDP). The
# result is a kernel and an initramfs (never committed):
#
#   hv/qemu/testimage/build.sh OUTDIR    -> OUTDIR/vmlinuz, OUTDIR/initrd.img
#
# The guest loads its virtio drivers from the initramfs, configures every
# NIC with DHCP as it appears (hot-plugged ones too; every NIC but eth0
# answers through a routing table of its own), reads the NoCloud
# seed (ISO 9660, label cidata) for its hostname and the key pair, runs
# user data that is a script, and serves SSH with dropbear as the user
# "ec2-user" (and root).
set -euo pipefail
out=$(realpath -m "${1:?usage: build.sh OUTDIR}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"

kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ && !k {k=$2} END {print k}')
[ -n "$kpkg" ] || { echo "build.sh: no linux-image-cloud-amd64 in apt (run apt-get update)" >&2; exit 1; }
# apt-get download writes as _apt where it can; a root-owned dir is fine.
debs="$kpkg busybox-static dropbear-bin libtomcrypt1 libtommath1 netcat-openbsd libbsd0 libmd0"
apt-get download $debs >/dev/null 2>&1 \
  || (apt-get update >/dev/null 2>&1 && apt-get download $debs >/dev/null)
for f in *.deb; do dpkg-deb -x "$f" pkg; done
kver=$(ls pkg/lib/modules)

r=root
mkdir -p $r/{bin,sbin,etc/udhcpc,etc/dropbear,proc,sys,dev,run,tmp,seed,root/.ssh,home/ec2-user/.ssh,lib/modules,var/log,usr/bin,usr/sbin}
cp pkg/bin/busybox $r/bin/busybox
for a in $(pkg/bin/busybox --list); do
  [ -e $r/bin/$a ] || ln -s busybox $r/bin/$a
done
cp pkg/usr/sbin/dropbear $r/sbin/dropbear
cp pkg/usr/bin/dropbearkey $r/bin/dropbearkey
# OpenBSD's netcat speaks UDP (busybox's nc does not): the VPC tests send
# datagrams between guests with it.
cp pkg/bin/nc.openbsd $r/usr/bin/nc.openbsd
# their shared libraries: Debian's, from the packages or this machine.
mkdir -p $r/lib/x86_64-linux-gnu $r/lib64
pkglibs=$(find "$PWD/pkg" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)
for lib in $(LD_LIBRARY_PATH=$pkglibs ldd pkg/usr/sbin/dropbear pkg/bin/nc.openbsd | awk '/=>/{print $1}' | sort -u); do
  src=$(find pkg -name "$lib" -print -quit)
  [ -n "$src" ] || src=$(ldconfig -p | awk -v l="$lib" '$1==l && /x86-64/ && !p {p=$NF} END {print p}')
  cp -L "$src" $r/lib/x86_64-linux-gnu/
done
cp -L /lib64/ld-linux-x86-64.so.2 $r/lib64/
# The virtio drivers are modules in the cloud kernel; init loads them in
# this order (virtio_balloon reports the guest's memory use to QEMU,
# isofs reads the NoCloud seed, pvpanic so that a kernel
# panic reaches QEMU).
mods="net/core/failover drivers/net/net_failover drivers/virtio/virtio_ring drivers/virtio/virtio
drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci drivers/virtio/virtio_balloon
drivers/net/virtio_net drivers/block/virtio_blk drivers/cdrom/cdrom fs/isofs/isofs drivers/input/evdev drivers/acpi/button
drivers/misc/pvpanic/pvpanic drivers/misc/pvpanic/pvpanic-mmio"
for m in $mods; do
  f=$(find pkg/lib/modules/$kver/kernel -path "*/$m.ko*" -print -quit)
  [ -n "$f" ] || { echo "build.sh: module $m missing from $kpkg" >&2; exit 1; }
  case $f in
    *.xz) xz -dc "$f" > $r/lib/modules/$(basename "$m").ko ;;
    *.zst) zstd -dcq "$f" > $r/lib/modules/$(basename "$m").ko ;;
    *) cp "$f" $r/lib/modules/$(basename "$m").ko ;;
  esac
done
echo "$mods" | tr ' ' '\n' | sed 's|.*/||' > $r/lib/modules/order

cp "$here/init" $r/init
cp "$here/udhcpc.script" $r/etc/udhcpc/default.script
chmod 755 $r/init $r/etc/udhcpc/default.script
printf 'root:x:0:0:root:/root:/bin/sh\nec2-user:x:1000:1000:EC2 user:/home/ec2-user:/bin/sh\n' > $r/etc/passwd
printf 'root:*:19000:0:99999:7:::\nec2-user:*:19000:0:99999:7:::\n' > $r/etc/shadow
printf 'root:x:0:\nec2-user:x:1000:\n' > $r/etc/group
printf '/bin/sh\n' > $r/etc/shells
chmod 600 $r/etc/shadow

(cd $r && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.img"
cp pkg/boot/vmlinuz-$kver "$out/vmlinuz"
echo "$kver" > "$out/kernel-version"
echo "built $out/vmlinuz ($kver) and $out/initrd.img ($(du -h "$out/initrd.img" | cut -f1))"
