#!/bin/sh
# restic backup of /srv/files, checked in with drtop.
# drtop schedule add fileserver hourly --every 1h --duration 10m
set -eu
export RESTIC_REPOSITORY=/var/backups/restic RESTIC_PASSWORD_FILE=/etc/restic/password
exec drtop-wrap fileserver hourly -- restic backup --quiet /srv/files
