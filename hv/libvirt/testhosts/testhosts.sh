#!/bin/sh
# Starts and stops independent libvirt "hosts" on this machine, for the
# libvirt driver's tests: each is a libvirtd (with its own virtlogd) in a
# mount namespace of its own, where a private copy of /etc/libvirt,
# /var/lib/libvirt, /var/cache/libvirt, /run/libvirt and /var/log/libvirt
# is bind-mounted over the real ones, listening without authentication on
# a loopback address of its own:
#
#   testhosts.sh start N DIR [BASE]   hosts 1..N at qemu+tcp://127.0.0.(BASE+i-1)/system
#                                     (BASE defaults to 2), their state under DIR/hI;
#                                     prints one URI a line
#   testhosts.sh stop DIR             ends every daemon and guest started under DIR
#   testhosts.sh kill DIR I [daemon]  ends host I (1..N) as a machine that dies: its
#                                     guests' QEMU, its libvirtd and virtlogd; with
#                                     "daemon", its libvirtd alone (guests run on)
#   testhosts.sh restart DIR I        starts the daemons of host I that are not
#                                     running, on the state they left
#
# A fresh libvirtd probes QEMU for its capabilities on its first call
# (8 s here); the hosts share one probe through a cache directory,
# TESTHOSTS_CACHE (default DIR/.qemu-capabilities), that may outlive them.
#
# With TESTHOSTS_OWNER=PID, start also leaves a watcher that stops the
# hosts once that process is gone (a test binary killed by its timeout).
#
# Root only (mount namespaces, libvirtd's system mode). Nothing listens
# beyond 127.0.0.0/8, and QEMU runs as root with no security driver, so
# guests can open files anywhere a test puts them.
set -eu

usage() { echo "usage: $0 start N DIR [BASE] | stop DIR | kill DIR I [daemon] | restart DIR I" >&2; exit 2; }

# wait_for FILE SECONDS: until FILE exists (a socket or PID file).
wait_for() {
  i=0
  while [ ! -e "$1" ]; do
    i=$((i + 1))
    [ "$i" -le $(($2 * 10)) ] || return 1
    sleep 0.1
  done
}

start_host() { # start_host DIR ADDR UUID
  d=$1 addr=$2
  mkdir -p "$d/etc" "$d/lib" "$d/cache" "$d/run" "$d/log"
  cp -a /etc/libvirt/. "$d/etc/"
  # the host's own default NAT network would start on every copy: none
  rm -f "$d/etc/qemu/networks/autostart/"*.xml
  cat >>"$d/etc/libvirtd.conf" <<CONF
# testhosts.sh
listen_tls = 0
listen_tcp = 1
listen_addr = "$addr"
auth_tcp = "none"
host_uuid = "$3"
unix_sock_dir = "/run/libvirt"
CONF
  cat >>"$d/etc/qemu.conf" <<CONF
# testhosts.sh
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
CONF
  mkdir -p "$d/lib/qemu" "$d/cache/qemu/capabilities" "$d/log/qemu"
  if ls "$cache"/*.xml >/dev/null 2>&1; then
    cp "$cache"/*.xml "$d/cache/qemu/capabilities/"
  fi
  run_daemons "$d" || return 1
  if ! ls "$cache"/*.xml >/dev/null 2>&1; then
    # probe once, then keep the result where the next host finds it
    virsh -q -c "qemu+tcp://$addr/system" capabilities >/dev/null
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.new.XXXXXX")
    cp "$d/cache/qemu/capabilities/"*.xml "$tmp/" && mv "$tmp"/*.xml "$cache/"
    rmdir "$tmp"
  fi
}

# alive PIDFILE: whether the process of a PID file runs.
alive() {
  [ -f "$1" ] && pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# run_daemons DIR: the host's virtlogd (unless it runs) and libvirtd, in a
# mount namespace of their own over the host's state.
run_daemons() {
  d=$1
  # a daemon killed leaves its socket: wait for the new one
  rm -f "$d/run/libvirt-sock"
  logd=1
  if alive "$d/virtlogd.pid"; then logd=0; fi
  # The namespace lives on in the daemons it starts.
  unshare -m --propagation private sh -c '
    set -e
    d=$1
    mount --bind "$d/etc" /etc/libvirt
    mount --bind "$d/lib" /var/lib/libvirt
    mount --bind "$d/cache" /var/cache/libvirt
    mkdir -p /run/libvirt /var/log/libvirt
    mount --bind "$d/run" /run/libvirt
    mount --bind "$d/log" /var/log/libvirt
    if [ "$2" = 1 ]; then virtlogd -d -p "$d/virtlogd.pid"; fi
    libvirtd -d --listen -p "$d/libvirtd.pid" --config /etc/libvirt/libvirtd.conf
  ' sh "$d" "$logd" </dev/null >>"$d/daemons.log" 2>&1
  wait_for "$d/run/libvirt-sock" 30 || { echo "$0: libvirtd of $d did not start; see $d/log" >&2; return 1; }
}

# kill_host DIR [daemon]: the host's guests, libvirtd and virtlogd killed
# at once (guests first: libvirtd leaves its QEMU processes running when
# it ends); its libvirtd alone with "daemon".
kill_host() {
  d=$1
  files="$d/libvirtd.pid"
  [ "${2:-}" = daemon ] || files="$files $d/run/qemu/*.pid $d/virtlogd.pid"
  for p in $files; do
    [ -f "$p" ] || continue
    pid=$(cat "$p" 2>/dev/null) || continue
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    rm -f "$p"
  done
}

stop_dir() {
  dir=$1
  for d in "$dir"/h*; do
    [ -d "$d" ] || continue
    kill_host "$d"
  done
}

case "${1:-}" in
start)
  [ $# -ge 3 ] || usage
  n=$2 dir=$3 base=${4:-2}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  cache=${TESTHOSTS_CACHE:-$dir/.qemu-capabilities}
  for i in $(seq 1 "$n"); do
    addr=127.0.0.$((base + i - 1))
    uuid=$(printf '00000000-0000-4000-8000-%012x' $((base + i - 1)))
    start_host "$dir/h$i" "$addr" "$uuid" || { stop_dir "$dir"; exit 1; }
    echo "qemu+tcp://$addr/system"
  done
  if [ -n "${TESTHOSTS_OWNER:-}" ]; then
    (
      while kill -0 "$TESTHOSTS_OWNER" 2>/dev/null && [ -d "$dir" ]; do sleep 1; done
      stop_dir "$dir"
    ) </dev/null >/dev/null 2>&1 &
  fi
  ;;
stop)
  [ $# -eq 2 ] || usage
  stop_dir "$2"
  ;;
kill)
  [ $# -ge 3 ] || usage
  [ -d "$2/h$3" ] || { echo "$0: no host $3 under $2" >&2; exit 1; }
  kill_host "$2/h$3" "${4:-}"
  ;;
restart)
  [ $# -eq 3 ] || usage
  [ -d "$2/h$3" ] || { echo "$0: no host $3 under $2" >&2; exit 1; }
  d=$(cd "$2/h$3" && pwd)
  if alive "$d/libvirtd.pid"; then exit 0; fi
  run_daemons "$d"
  ;;
*) usage ;;
esac
