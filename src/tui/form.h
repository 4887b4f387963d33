/*
 * form.h - a small form: labelled fields, typed into, checked by the same
 * parsers as the command line, with the validation message shown in place
 * next to the field that was wrong.
 *
 * A form does not read keys itself: the dashboard's loop hands it each key
 * (form_key) and draws it over the screen behind it (form_draw), so probing
 * and the clock go on while an operator types.
 */
#ifndef DRTOP_FORM_H
#define DRTOP_FORM_H

#include "strbuf.h"

struct form_field {
	const char *label;
	const char *hint;           /* shown when the field is empty */
	const char *const *choices; /* NULL-terminated; Left/Right cycle them; never empty */
	int required;               /* an empty value is refused beside the field */
	struct strbuf value;
	char *error; /* message for this field (owned), or NULL */
};

struct form;

/* Check and save the form's values: return 0 when saved, or -1 after setting
 * the form's or a field's error (form_set_error). */
typedef int (*form_submit_fn)(struct form *f, void *arg);

struct form {
	const char *title;
	struct form_field *fields;
	int n, cur;
	char *error; /* message for the whole form (owned), or NULL */
	form_submit_fn submit;
	void *arg;
};

enum form_result { FORM_OPEN, FORM_SAVED, FORM_CANCELLED };

/* A new form titled TITLE (borrowed) with N empty fields; free with form_free. */
struct form *form_new(const char *title, int n, form_submit_fn submit, void *arg);
void form_free(struct form *f);

/* Set field I: its label and hint (borrowed), choices (borrowed; VALUE, or
 * else the first, is chosen) and its value (copied). */
void form_field(struct form *f, int i, const char *label, const char *hint,
		const char *const *choices, const char *value);

/* Give the form key CH (a curses key). Enter checks the required fields and
 * then calls the submit function; Esc cancels. */
enum form_result form_key(struct form *f, int ch);

/* Edit the text SB with key CH as a text field does (typing, Backspace drops
 * a whole UTF-8 character, Ctrl-U empties it); returns 1 when CH was used. */
int form_edit_text(struct strbuf *sb, int ch);

/* Draw the form over the screen and put the cursor in the current field. */
void form_draw(const struct form *f);

void form_set_error(struct form *f, int field, const char *msg);

/* A field's value (never NULL). */
const char *form_value(const struct form *f, int field);

#endif
