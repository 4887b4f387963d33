/*
 * keys.c - see keys.h.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>

#include "keys.h"

const struct tui_key tui_keys[] = {
	{KEY_F(1), '?', ACT_HELP, "Help", "this help", KEYS_ALL, 0, 0},
	{KEY_F(2), 'a', ACT_ADD, "Add", "add a system", KEYS_ALL, 1, 6},
	{KEY_F(3), '/', ACT_SEARCH, "Search", "search by name as you type; n: the next match", KEYS_ALL, 0, 3},
	{KEY_F(4), '\\', ACT_FILTER, "Filter", "show only systems matching a text (name, owner, status..)", KEYS_ALL, 0, 2},
	{KEY_F(5), 'p', ACT_PROBE, "Probe", "probe every endpoint now", KEYS_ALL, 1, 8},
	{KEY_F(6), 's', ACT_SORT, "Sort", "sort by status, name, tier, data lag or RTO", KEYS_ALL, 0, 7},
	{KEY_F(7), 't', ACT_THEME, "Theme", "next colour theme (kept for the next start)", KEYS_ALL, 0, 9},
	{KEY_F(8), 'd', ACT_DELETE, "Delete", "delete the selected system (asks first)", KEYS_ALL, 1, 5},
	{KEY_F(9), 'e', ACT_EDIT, "Edit", "edit the selected system", KEYS_ALL, 1, 1},
	{KEY_F(10), 'q', ACT_QUIT, "Quit", "quit; in a system or the help: back", KEYS_ALL | KEYS_HELP, 0, 0},
	{'I', 0, ACT_REVERSE, NULL, "reverse the sort order", KEYS_LIST, 0, 0},
	{'\n', KEY_ENTER, ACT_OPEN, NULL, "open the selected system", KEYS_LIST, 0, 0},
	{'\n', KEY_ENTER, ACT_OPEN, NULL, "save what the what-if tries", KEYS_DETAIL, 1, 0},
	{27, KEY_BACKSPACE, ACT_BACK, NULL, "back: to the list, or from a what-if to the system", KEYS_DETAIL | KEYS_HELP, 0, 0},
	{KEY_UP, 'k', ACT_UP, NULL, "previous system (in a page: scroll up)", KEYS_ALL | KEYS_HELP, 0, 0},
	{KEY_DOWN, 'j', ACT_DOWN, NULL, "next system (in a page: scroll down)", KEYS_ALL | KEYS_HELP, 0, 0},
	{KEY_PPAGE, 0, ACT_PAGE_UP, NULL, "a page up", KEYS_ALL | KEYS_HELP, 0, 0},
	{KEY_NPAGE, ' ', ACT_PAGE_DOWN, NULL, "a page down", KEYS_ALL | KEYS_HELP, 0, 0},
	{KEY_HOME, 'g', ACT_HOME, NULL, "to the top", KEYS_ALL | KEYS_HELP, 0, 0},
	{KEY_END, 'G', ACT_END, NULL, "to the bottom", KEYS_ALL | KEYS_HELP, 0, 0},
	{'w', 0, ACT_WHATIF, NULL, "what if: every strategy side by side; again: mark the next", KEYS_DETAIL, 0, 0},
	{'W', 0, ACT_WHATIF_SCHEDULE, NULL, "what if its backups ran on another schedule", KEYS_DETAIL, 0, 0},
	{'E', 0, ACT_ADD_ENDPOINT, NULL, "edit or add an endpoint", KEYS_DETAIL, 1, 0},
	{'S', 0, ACT_ADD_SCHEDULE, NULL, "edit or add a backup schedule", KEYS_DETAIL, 1, 0},
	{'D', 0, ACT_DRILL, NULL, "record a drill", KEYS_DETAIL, 1, 0},
	{'n', 0, ACT_SEARCH_NEXT, NULL, "next search match", KEYS_LIST, 0, 0},
	{'o', 0, ACT_ORDER, NULL, "the recovery order: steps, time back against the RTO", KEYS_ALL, 0, 0},
	{'r', 0, ACT_DRILL_RUN, NULL, "run a drill of the selected system and measure it (asks first)", KEYS_ALL, 1, 0},
	{'x', 0, ACT_DRILL_ABORT, NULL, "abort the drill running (asks first, but not on its screen)", KEYS_ALL, 1, 0},
	{KEY_F(12), 'R', ACT_REFRESH, NULL, "re-read the verdict now", KEYS_ALL, 0, 0},
	{0, 0, ACT_NONE, NULL, NULL, 0, 0, 0},
};

enum tui_action tui_key_action(int k)
{
	const struct tui_key *t;

	if (k == '\r')
		k = '\n';
	for (t = tui_keys; t->action != ACT_NONE; t++)
		if (t->key == k || (t->alt && t->alt == k))
			return t->action;
	if (k == KEY_BACKSPACE || k == 127 || k == 8)
		return ACT_BACK;
	return ACT_NONE;
}

const char *tui_key_name(int k, char buf[16])
{
	if (k >= KEY_F(1) && k <= KEY_F(12))
		snprintf(buf, 16, "F%d", k - KEY_F(0));
	else if (k == '\n' || k == KEY_ENTER)
		snprintf(buf, 16, "Enter");
	else if (k == KEY_BACKSPACE)
		snprintf(buf, 16, "Backspace");
	else if (k == 27)
		snprintf(buf, 16, "Esc");
	else if (k == KEY_UP)
		snprintf(buf, 16, "Up");
	else if (k == KEY_DOWN)
		snprintf(buf, 16, "Down");
	else if (k == KEY_PPAGE)
		snprintf(buf, 16, "PgUp");
	else if (k == KEY_NPAGE)
		snprintf(buf, 16, "PgDn");
	else if (k == KEY_HOME)
		snprintf(buf, 16, "Home");
	else if (k == KEY_END)
		snprintf(buf, 16, "End");
	else if (k == ' ')
		snprintf(buf, 16, "Space");
	else if (k > 0 && k < 127)
		snprintf(buf, 16, "%c", k);
	else
		snprintf(buf, 16, "?");
	return buf;
}
