/*
 * reason.c - see reason.h. The words are the list's; the judgement is the
 * verdict views' (each finding with its target and measured figure).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "reason.h"

/* The finding that explains S's status: the verdict's worst one
 * (v_system_status.worst_finding, by severity and then by the verdict's own
 * order of importance), else the first of its severity, else the first. */
static const struct board_finding *worst(const struct board_system *s)
{
	const struct board_finding *f = board_worst_finding(s);
	size_t i;

	if (f)
		return f;
	for (i = 0; i < s->nfindings; i++)
		if (!strcmp(s->findings[i].severity, s->status))
			return &s->findings[i];
	return s->nfindings ? &s->findings[0] : NULL;
}

/* Finding F of S in words, with its figure against its target. */
static void finding_words(const struct board_system *s, const struct board_finding *f, char *buf,
			  size_t size)
{
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ];
	int has_m = f->measured_s != BOARD_NONE, has_t = f->target_s != BOARD_NONE;

	if (has_m)
		duration_format_round(f->measured_s, a);
	if (has_t)
		duration_format_round(f->target_s, b);
	if (!strcmp(f->finding, "no-evidence")) {
		int rto = 0, rpo = 0;
		size_t i;

		for (i = 0; i < s->nfindings; i++)
			if (!strcmp(s->findings[i].finding, "no-evidence")) {
				rto |= !strcmp(s->findings[i].objective, "rto");
				rpo |= !strcmp(s->findings[i].objective, "rpo");
			}
		snprintf(buf, size, "no evidence: %s%s%s", rto ? "RTO" : "", rto && rpo ? "+" : "",
			 rpo ? "RPO" : "");
	} else if (!strcmp(f->finding, "backup-missed") && has_m) {
		/* a cron schedule's due run that did not report: measured since it was
		 * due; else since the last good backup (or the schedule's start) */
		if (f->detail && strstr(f->detail, ": the run due at "))
			snprintf(buf, size, "missed: due %s ago", a);
		else
			snprintf(buf, size, "no backup since %s", a);
	} else if ((!strcmp(f->finding, "rpo-breach") || !strcmp(f->finding, "rpo-near")) && has_m && has_t) {
		snprintf(buf, size, "data lag %s %s %s", a, !strcmp(f->finding, "rpo-near") ? "~" : ">", b);
	} else if (!strcmp(f->finding, "prober-stale") && has_m) {
		snprintf(buf, size, "no probe for %s", a);
	} else if (!strcmp(f->finding, "drill-overdue")) {
		if (has_m)
			snprintf(buf, size, "no live drill for %s", a);
		else
			snprintf(buf, size, "never drilled live");
	} else if (!strcmp(f->finding, "evidence-gap") && has_m && has_t && f->measured_s < f->target_s) {
		/* the coverage case: watched less than the time coverage-min asks for */
		snprintf(buf, size, "watched %s < %s", a, b);
	} else if (!strcmp(f->finding, "evidence-gap") && has_m) {
		/* an endpoint never probed since it was added, that long ago */
		snprintf(buf, size, "never probed in %s", a);
	} else if (has_m && has_t) {
		/* the sign the figures bear out, whatever the finding */
		snprintf(buf, size, "%s %s %s %s", f->finding, a,
			 f->measured_s > f->target_s ? ">" : f->measured_s < f->target_s ? "<" : "=", b);
	} else {
		snprintf(buf, size, "%s", f->finding);
	}
}

const char *reason_text(const struct board_system *s, unsigned flags, int full, char *buf,
			size_t size, const char **severity)
{
	const struct board_finding *f = worst(s);

	*severity = s->status;
	if (s->disabled) { /* nothing probes it: no figure of it is current */
		*severity = "UNKNOWN";
		snprintf(buf, size, "disabled: not probed");
		return buf;
	}
	if (s->down_since_ms != BOARD_NONE) {
		char d[DURATION_BOUNDS_BUFSZ], b[DURATION_BUFSZ];
		int n, breach = s->down_lower_s > s->rto_s;

		*severity = breach ? "BREACH" : "WARN";
		n = snprintf(buf, size, "down %s, RTO %s",
			     duration_format_bounds(s->down_lower_s, s->down_lower_s, DURATION_NONE, flags, d),
			     duration_format_round(s->rto_s, b));
		/* a gap in probing inside it: time nobody watched, neither up nor down,
		 * which the figure leaves out (and so stays still until the stretch
		 * watched since passes it) */
		if (s->down_gap_s > 0 && n > 0 && (size_t)n < size)
			n += snprintf(buf + n, size - (size_t)n, " (+%s unwatched)",
				      duration_format_round(s->down_gap_s, b));
		/* Within the RTO so far, but BREACH by another finding (a data lag, a
		 * missed backup, this outage against the RTO in force when it began):
		 * that is said too, or the status would go unexplained. */
		if (!breach && f && !strcmp(f->severity, "BREACH") && n > 0 && (size_t)n + 2 < size) {
			*severity = "BREACH";
			memcpy(buf + n, "; ", 3);
			finding_words(s, f, buf + n + 2, size - (size_t)n - 2);
		}
		return buf;
	}
	if (!f) {
		snprintf(buf, size, "%s", !full ? "reading..." : strcmp(s->status, "UNKNOWN") ? "" : "not judged yet");
		return buf;
	}
	*severity = f->severity;
	finding_words(s, f, buf, size);
	return buf;
}
