#!/bin/sh
# Nightly PostgreSQL dump of payments-db, checked in with drtop: the start, then
# the finish with the dump's size, file name and SHA-256 (or the exit status).
# drtop schedule add payments-db nightly --cron '30 2 * * *' --duration 40m
set -u
out=/var/backups/payments-$(date -u +%Y%m%dT%H%M%SZ).dump
drtop checkin payments-db --schedule nightly --start >/dev/null
if pg_dump --format=custom --file="$out" payments; then
	exec drtop checkin payments-db --schedule nightly --size "$(stat -c %s "$out")" \
		--artifact "$(basename "$out")" --sha256 "$(sha256sum "$out" | cut -d' ' -f1)"
else
	status=$?
	drtop checkin payments-db --schedule nightly --failed --exit-status "$status"
	exit "$status"
fi
