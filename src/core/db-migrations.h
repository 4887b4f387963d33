/*
 * db-migrations.h - the schema migrations compiled into the binary.
 *
 * db-migrations.c is generated at build time from db/NNNN-*.sql; migration
 * number N brings a database from user_version N-1 to N.
 */
#ifndef DRTOP_DB_MIGRATIONS_H
#define DRTOP_DB_MIGRATIONS_H

struct db_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

#endif
