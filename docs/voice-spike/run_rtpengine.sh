#!/bin/sh
# rtpengine 10.5 (Debian bookworm), userspace only, loopback only, foreground. Ctrl-C to stop.
exec rtpengine --config-file=none --foreground --log-stderr --log-level=6 \
  --table=-1 --interface=lo/127.0.0.1 --listen-ng=127.0.0.1:22223 \
  --port-min=40000 --port-max=40199 --num-threads=2 --media-num-threads=1 \
  --delete-delay=0 --timeout=60 --silent-timeout=3600 \
  --pidfile="$(dirname "$0")"/run/rtpengine.pid
