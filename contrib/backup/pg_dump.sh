#!/bin/sh
# Nightly PostgreSQL dump of payments-db, checked in with drtop.
# drtop schedule add payments-db nightly --cron '30 2 * * *' --duration 40m
set -eu
out=/var/backups/payments-$(date -u +%Y%m%dT%H%M%SZ).dump
exec drtop-wrap payments-db nightly -- sh -c "pg_dump --format=custom --file='$out' payments"
