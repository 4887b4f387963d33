/*
 * keys.c - see keys.h.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>

#include "keys.h"

const struct tui_key tui_keys[] = {
	{KEY_F(1), '?', ACT_HELP, "Help", "show this help"},
	{KEY_F(2), 'a', ACT_ADD, "Add", "add a system (in a system: w what-if, E endpoint, S schedule, D drill)"},
	{KEY_F(3), '/', ACT_SEARCH, "Search", "search by name; n finds the next match"},
	{KEY_F(4), '\\', ACT_FILTER, "Filter", "show only systems matching a text (empty: all)"},
	{KEY_F(5), 'p', ACT_PROBE, "Probe", "probe every endpoint now"},
	{KEY_F(6), 's', ACT_SORT, "Sort", "sort by status, name, tier, data lag or RTO"},
	{KEY_F(7), 't', ACT_THEME, "Theme", "next colour theme"},
	{KEY_F(8), 'd', ACT_DELETE, "Delete", "delete the selected system (asks first)"},
	{KEY_F(9), 'e', ACT_EDIT, "Edit", "edit the selected system"},
	{KEY_F(10), 'q', ACT_QUIT, "Quit", "quit (in a system: back to the list)"},
	{'\n', KEY_ENTER, ACT_OPEN, NULL, "open the selected system"},
	{27, KEY_BACKSPACE, ACT_BACK, NULL, "Esc, Backspace: back to the list"},
	{KEY_UP, 'k', ACT_UP, NULL, "Up, k: previous system"},
	{KEY_DOWN, 'j', ACT_DOWN, NULL, "Down, j: next system"},
	{KEY_PPAGE, 0, ACT_PAGE_UP, NULL, "PgUp: a page up"},
	{KEY_NPAGE, ' ', ACT_PAGE_DOWN, NULL, "PgDn, Space: a page down"},
	{KEY_HOME, 'g', ACT_HOME, NULL, "Home, g: first system"},
	{KEY_END, 'G', ACT_END, NULL, "End, G: last system"},
	{'w', 0, ACT_WHATIF, NULL, "in a system: what if it used the next strategy (Enter saves)"},
	{'W', 0, ACT_WHATIF_SCHEDULE, NULL, "in a system: what if its backups ran on another schedule"},
	{'E', 0, ACT_ADD_ENDPOINT, NULL, "in a system: edit or add an endpoint"},
	{'S', 0, ACT_ADD_SCHEDULE, NULL, "in a system: edit or add a backup schedule"},
	{'D', 0, ACT_DRILL, NULL, "in a system: record a drill"},
	{'n', 0, ACT_SEARCH_NEXT, NULL, "next search match"},
	{KEY_F(12), 'r', ACT_REFRESH, NULL, "re-read the verdict now"},
	{0, 0, ACT_NONE, NULL, NULL},
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
	else if (k == '\n')
		snprintf(buf, 16, "Enter");
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
