/*
 * form.h - a small modal form: labelled fields, typed into, checked by the
 * same parsers as the command line, with the validation message shown in
 * place next to the field that was wrong.
 */
#ifndef DRTOP_FORM_H
#define DRTOP_FORM_H

#include "strbuf.h"

struct form_field {
	const char *label;
	const char *hint;           /* shown when the field is empty */
	const char *const *choices; /* NULL-terminated; Left/Right cycle them */
	struct strbuf value;
	char *error; /* message for this field (owned), or NULL */
};

struct form {
	const char *title;
	struct form_field *fields;
	int n, cur;
	char *error; /* message for the whole form (owned), or NULL */
};

/* Check and save the form's values: return 0 when saved, or -1 after setting
 * form->error or a field's error (form_set_error). */
typedef int (*form_submit_fn)(struct form *f, void *arg);

/* Run the form until it is saved (returns 1) or cancelled with Esc (0). */
int form_run(struct form *f, form_submit_fn submit, void *arg);

void form_set_error(struct form *f, int field, const char *msg);
void form_done(struct form *f);

/* A field's value (never NULL), and whether it is empty. */
const char *form_value(const struct form *f, int field);

#endif
