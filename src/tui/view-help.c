/*
 * view-help.c - the help screen, generated from the key table (keys.c).
 */
#include "config.h"

#include <curses.h>

#include "theme.h"
#include "view.h"

static void draw(struct tui *t)
{
	const struct tui_key *k;
	char a[16], b[16];
	int y;

	(void)t;
	attrset(theme_attr(C_NORMAL));
	for (y = 1; y < LINES - 1; y++)
		mvhline(y, 0, ' ', COLS);
	attrset(theme_attr(C_TITLE));
	tui_put(1, 2, COLS - 4, "drtop keys (any key returns)");
	y = 3;
	for (k = tui_keys; k->action != ACT_NONE && y < LINES - 2; k++, y++) {
		attrset(theme_attr(C_INFO));
		tui_putf(y, 2, 14, "%s%s%s", tui_key_name(k->key, a), k->alt ? " " : "",
			 k->alt ? tui_key_name(k->alt, b) : "");
		attrset(theme_attr(C_NORMAL));
		tui_put(y, 16, COLS - 18, k->help);
	}
	if (y < LINES - 2) {
		attrset(theme_attr(C_DIM));
		tui_put(y + 1, 2, COLS - 4, "Mouse: click selects, click again opens; the wheel scrolls.");
	}
}

/* Any key returns to the list. */
static int act(struct tui *t, enum tui_action a)
{
	if (a != ACT_NONE)
		t->screen = SCR_LIST;
	return 1;
}

const struct view_ops view_help_ops = {"help", draw, act};
