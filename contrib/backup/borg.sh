#!/bin/sh
# borg backup of /home, checked in with drtop.
# drtop schedule add homes nightly --cron '0 3 * * *' --tz Europe/Berlin --duration 1h
set -eu
export BORG_REPO=/var/backups/borg BORG_PASSCOMMAND="cat /etc/borg/passphrase"
exec drtop-wrap homes nightly -- borg create --compression zstd ::'{hostname}-{now}' /home
