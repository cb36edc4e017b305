#!/bin/sh
# Kamailio 5.6.3 in the foreground, logging to stderr. Ctrl-C to stop.
mkdir -p "$(dirname "$0")"/run
exec kamailio -DD -E -f "$(dirname "$0")"/kamailio.cfg -m 64 -M 8 \
  -P "$(dirname "$0")"/run/kamailio.pid -Y "$(dirname "$0")"/run
