#!/bin/sh
# restic backup of /srv/files, checked in with drtop: the start, then the finish
# with the bytes the snapshot added, its short id and its full id (restic names
# a snapshot by the SHA-256 of its metadata), or the exit status.
# drtop schedule add fileserver hourly --every 1h --duration 10m
set -u
export RESTIC_REPOSITORY=/var/backups/restic RESTIC_PASSWORD_FILE=/etc/restic/password
drtop checkin fileserver --schedule hourly --start >/dev/null
if json=$(restic backup --quiet --json /srv/files); then
	summary=$(printf '%s\n' "$json" | tail -n 1)
	field() { printf '%s\n' "$summary" | sed -n "s/.*\"$1\": *\"\{0,1\}\([0-9a-f]*\).*/\1/p"; }
	id=$(field snapshot_id)
	exec drtop checkin fileserver --schedule hourly --size "$(field data_added)" \
		--artifact "$(printf '%.8s' "$id")" --sha256 "$id"
else
	status=$?
	drtop checkin fileserver --schedule hourly --failed --exit-status "$status"
	exit "$status"
fi
