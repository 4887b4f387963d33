/*
 * cmd-transfer.c - drtop import FILE, drtop export: the inventory as JSON.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "strbuf.h"
#include "transfer.h"
#include "util.h"

static const struct opt export_opts[] = {
	{"output", "FILE", "write to FILE (atomically) instead of standard output", 0},
	{"system", "NAME", "export only this system", 0},
	{NULL},
};

static int read_all(const char *path, struct strbuf *sb, struct error *e)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	char buf[65536];
	ssize_t n;

	if (fd < 0)
		return error_set(e, ERR_NOINPUT, "cannot read %s: %s", path, strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(sb, buf, (size_t)n);
	if (fd != STDIN_FILENO)
		close(fd);
	if (n < 0)
		return error_set(e, ERR_IO, "cannot read %s: %s", path, strerror(errno));
	if (strlen(strbuf_str(sb)) != sb->len)
		return error_set(e, ERR_DATA, "%s: contains a NUL byte; not a JSON document", path);
	return 0;
}

static int run_import(struct ctx *ctx, struct args *a, struct error *e)
{
	struct strbuf text = STRBUF_INIT;
	struct transfer_stats st;
	const char *path = a->pos[0];
	int rc;

	rc = read_all(path, &text, e);
	if (rc == 0)
		rc = transfer_import(ctx->db, strbuf_str(&text), strcmp(path, "-") ? path : "<stdin>",
				     &st, e);
	strbuf_done(&text);
	if (rc < 0)
		return -1;
	fprintf(ctx->out, "imported %d systems, %d endpoints, %d schedules, %d dependencies, "
			  "%d maintenance windows: %s\n",
		st.systems, st.endpoints, st.schedules, st.dependencies, st.maintenance,
		st.changed ? "database updated" : "no changes");
	return 0;
}

static int run_export(struct ctx *ctx, struct args *a, struct error *e)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = transfer_export(ctx->db, arg(a, "system"), &sb, e);

	if (rc == 0) {
		if (arg(a, "output"))
			rc = cmd_write_file(arg(a, "output"), strbuf_str(&sb), sb.len, -1, e);
		else
			fputs(strbuf_str(&sb), ctx->out);
	}
	strbuf_done(&sb);
	return rc;
}

const struct cmd cmd_import = {"import", "FILE",
			       "load an inventory from a JSON file (- for standard input); "
			       "adds and updates by name, never deletes",
			       NULL, 1, 1, run_import};
const struct cmd cmd_export = {"export", NULL, "write the inventory as JSON", export_opts, 0, 0,
			       run_export, NULL, CMD_READ};
