#!/bin/sh
# Turn the schema migrations db/NNNN-*.sql into a C table (src/core/db-migrations.c).
# Usage: sql2c.sh OUTPUT FILE...   Files are applied in the order given (sorted by name).
set -e
out=$1
shift
tmp="$out.tmp"
{
	echo '/* Generated from the migrations in db/ by build-aux/sql2c.sh; do not edit. */'
	echo '#include "db-migrations.h"'
	echo
	echo 'const struct db_migration db_migrations[] = {'
	n=0
	for f in "$@"; do
		n=$((n + 1))
		base=$(basename "$f")
		num=$(echo "$base" | sed 's/^0*\([0-9][0-9]*\)-.*/\1/')
		if [ "$num" != "$n" ]; then
			echo "sql2c.sh: $base: expected migration number $n" >&2
			exit 1
		fi
		printf '\t{%d, "%s",\n' "$n" "$base"
		${AWK:-awk} '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "\t \"%s\\n\"\n", $0 }' "$f"
		printf '\t},\n'
	done
	echo '};'
	echo
	echo "const int db_migrations_count = $n;"
} >"$tmp"
mv "$tmp" "$out"
