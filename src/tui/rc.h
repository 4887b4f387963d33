/*
 * rc.h - the dashboard's settings kept between runs, in
 * $XDG_CONFIG_HOME/drtop/drtoprc (~/.config/drtop/drtoprc): the theme and the
 * sort. One "key = value" a line; lines it does not know are kept as they
 * are. The file is written only when a setting changed.
 */
#ifndef DRTOP_RC_H
#define DRTOP_RC_H

struct tui_rc {
	char *theme; /* or NULL */
	char *sort;  /* a sort's name (status, name, tier, lag, rto), or NULL */
	int reverse;
	char *other; /* the lines it does not know, kept */
};

/* Read the file into RC (missing or unreadable: all unset). */
void tui_rc_load(struct tui_rc *rc);
/* Write RC when it differs from what the file holds. Returns 0, or -1 with
 * a message for people in *WHY (the caller frees it). */
int tui_rc_save(const struct tui_rc *rc, char **why);
void tui_rc_done(struct tui_rc *rc);

#endif
