/*
 * keys.h - the one table of key bindings. The function-key bar and the help
 * screen are generated from it; every F-key has a letter too.
 */
#ifndef DRTOP_KEYS_H
#define DRTOP_KEYS_H

enum tui_action {
	ACT_NONE,
	ACT_HELP,
	ACT_ADD,
	ACT_SEARCH,
	ACT_FILTER,
	ACT_PROBE,
	ACT_SORT,
	ACT_THEME,
	ACT_DELETE,
	ACT_EDIT,
	ACT_QUIT,
	ACT_OPEN,
	ACT_BACK,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_WHATIF,
	ACT_WHATIF_SCHEDULE,
	ACT_ADD_ENDPOINT,
	ACT_ADD_SCHEDULE,
	ACT_DRILL,
	ACT_SEARCH_NEXT,
	ACT_REFRESH,
	ACT_REVERSE,
	ACT_ORDER,
	ACT_DRILL_RUN,
	ACT_DRILL_ABORT,
};

/* Where a key works: the views it is listed for in their help. */
#define KEYS_LIST 0x1
#define KEYS_DETAIL 0x2
#define KEYS_HELP 0x4
#define KEYS_ALL (KEYS_LIST | KEYS_DETAIL)

struct tui_key {
	int key, alt; /* alt: a second key for the same action, or 0 */
	enum tui_action action;
	const char *bar;  /* label in the function-key bar, or NULL */
	const char *help; /* line in the help screen */
	unsigned where;   /* KEYS_LIST, KEYS_DETAIL, KEYS_HELP: the views it is for */
	int writes;       /* it changes the database: hidden with --readonly */
	int drop;         /* the key bar leaves out keys of higher DROP first when short of room */
};

extern const struct tui_key tui_keys[];

/* The action of key K. */
enum tui_action tui_key_action(int k);

/* A key's name for people: "F1", "Enter", "/", ... (never "?" for a key it cannot name:
 * those are not in the table) */
const char *tui_key_name(int k, char buf[16]);

#endif
