/*
 * notify-am.h - the alertmanager channel: drtop's verdicts as alerts pushed
 * to a Prometheus Alertmanager (its v2 API, POST URL/api/v2/alerts).
 *
 * Alertmanager keeps state, as Prometheus treats it: an alert is firing
 * until its endsAt. So an event of the outbox becomes alerts (the alert of
 * the status left, resolved at the change; the alert of the new status,
 * firing from it), and the lease holder keeps firing alerts alive: every
 * alertmanager-refresh (notify_am_refresh_s, 60 s) it pushes, per channel,
 * the alerts of what is wrong now, each ending three intervals later. An
 * alert nobody refreshes (a dead prober, a label that changed) resolves on
 * its own; the refreshes are state, never written to the outbox.
 *
 * Labels: alertname (DrtopSystemStatus, DrtopFinding, DrtopTest), system,
 * tier, severity (the status, or the finding's), finding (the worst finding
 * of the status, or the finding), owner, and the channel's own (its options
 * {"labels": {...}}). The bodies are made in SQL, so that the outbox's
 * delivery (notify-send.c) only picks them by the channel's kind.
 */
#ifndef DRTOP_NOTIFY_AM_H
#define DRTOP_NOTIFY_AM_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "probe.h"

#define NOTIFY_AM_REFRESH_S 60 /* notify_am_refresh_s's default */

/* The refresh interval (s), and the horizon (s) a pushed alert ends after:
 * three intervals, as SQL expressions. */
#define NOTIFY_AM_REFRESH_SQL                                                                      \
	"coalesce((SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'notify_am_refresh_s'),"  \
	" 60)"
#define NOTIFY_AM_HORIZON_SQL "(" NOTIFY_AM_REFRESH_SQL " * 3)"

/* Where a channel of target T (an SQL expression) posts its alerts. */
#define NOTIFY_AM_URL_SQL(T) "(rtrim(" T ", '/') || '/api/v2/alerts')"

/* An ISO-8601 UTC time of Unix seconds X, as Alertmanager reads it. */
#define NOTIFY_AM_TIME(X) "strftime('%Y-%m-%dT%H:%M:%SZ', " X ", 'unixepoch')"

/* One alert (JSON): the channel's labels (OPTIONS' "labels") under drtop's,
 * the annotations ANNOT (a JSON object), startsAt and endsAt; nulls (a
 * system without owner, a resolved alert's start) are left out. */
#define NOTIFY_AM_ALERT(OPTIONS, NAME, SYS, TIER, SEV, FINDING, OWNER, ANNOT, STARTS, ENDS)       \
	"json_patch('{}', json_object('labels', json_patch(coalesce(" OPTIONS " -> '$.labels', '{}')," \
	" json_object('alertname', " NAME ", 'system', " SYS ", 'tier', CAST(" TIER " AS TEXT),"     \
	" 'severity', " SEV ", 'finding', nullif(" FINDING ", ''), 'owner', nullif(" OWNER ", ''))),"                      \
	" 'annotations', json(" ANNOT "), 'startsAt', " STARTS ", 'endsAt', " ENDS "))"

/* Whether a rule of channel CID hears a system named NAME of tier TIER in
 * STATUS with its worst finding FINDING: what a refresh keeps firing. */
#define NOTIFY_AM_RANK(S)                                                                          \
	"(CASE upper(" S ") WHEN 'BREACH' THEN 4 WHEN 'UNKNOWN' THEN 3 WHEN 'WARN' THEN 2 ELSE 0 END)"
#define NOTIFY_AM_HEARS(CID, STATUS, TIER, FINDING, NAME)                                         \
	"EXISTS (SELECT 1 FROM notify_rule r WHERE r.channel_id = " CID                             \
	" AND r.events IN ('status', 'all')"                                                       \
	" AND " NOTIFY_AM_RANK(STATUS) " >= " NOTIFY_AM_RANK("r.min_severity")                      \
	" AND " TIER " BETWEEN r.tier_min AND r.tier_max"                                          \
	" AND (r.findings IS NULL OR EXISTS (SELECT 1 FROM json_each(r.findings) f"                \
	"  WHERE f.value = " FINDING "))"                                                          \
	" AND (r.systems IS NULL OR EXISTS (SELECT 1 FROM json_each(r.systems) g"                  \
	"  WHERE " NAME " GLOB g.value)))"

/* The alerts (a JSON array) that the outbox's event P (its payload, without
 * key) with key K tells, through channel C (a notify_channel row's alias),
 * at NOW (Unix seconds, real time): a change of status resolves the alert of
 * the status before it (at the change) and fires the new status's, when C's
 * rules hear it; a reminder fires it again; a finding fires when it appears
 * and resolves when it clears; other events fire an alert named after them. */
#define NOTIFY_AM_EVENT_SQL(P, K, C, NOW)                                                          \
	"(SELECT json_group_array(json(a)) FROM (WITH e AS (SELECT"                                 \
	"  " P " ->> '$.event' AS event, " P " ->> '$.system' AS system,"                           \
	"  " P " ->> '$.tier' AS tier, " P " ->> '$.owner' AS owner,"                               \
	"  " P " ->> '$.status' AS status, " P " ->> '$.previous_status' AS prev,"                  \
	"  " P " ->> '$.finding' AS finding, " P " ->> '$.previous_finding' AS prev_finding,"       \
	"  " P " ->> '$.severity' AS severity, " P " ->> '$.change' AS change,"                     \
	"  " P " ->> '$.summary' AS summary, " P " ->> '$.detail' AS detail,"                       \
	"  " NOTIFY_AM_TIME(P " ->> '$.at_unix'") " AS at, " P " ->> '$.since' AS since,"           \
	"  " P " ->> '$.cause' AS cause, (SELECT group_concat(x.value ->> '$.system', ', ')"       \
	"   FROM json_each(" P ", '$.affected') x) AS affected,"                                   \
	"  " K " AS key, " C ".options AS options, " C ".id AS cid,"                                \
	"  " NOTIFY_AM_TIME(NOW " + " NOTIFY_AM_HORIZON_SQL) " AS ends)"                     \
	" SELECT " NOTIFY_AM_ALERT("options", "'DrtopSystemStatus'", "system", "tier", "prev",      \
				   "prev_finding", "owner",                                         \
				   "json_object('summary', summary, 'key', key)", "NULL", "at")     \
	"  AS a, 1 AS k FROM e WHERE event = 'status' AND prev <> 'OK'"                            \
	" UNION ALL SELECT " NOTIFY_AM_ALERT("options", "'DrtopSystemStatus'", "system", "tier",    \
					     "status", "finding", "owner",                          \
					     "json_object('summary', summary, 'key', key,"          \
					     " 'cause', cause, 'affected', affected)",              \
					     "coalesce(since, at)", "ends") ", 2"                    \
	"  FROM e WHERE event IN ('status', 'reminder') AND status <> 'OK'"                        \
	"   AND " NOTIFY_AM_HEARS("cid", "status", "tier", "finding", "system")                     \
	" UNION ALL SELECT " NOTIFY_AM_ALERT("options", "'DrtopFinding'", "system", "tier",         \
					     "severity", "finding", "owner",                        \
					     "json_object('summary', summary, 'key', key,"          \
					     " 'detail', detail)",                                  \
					     "CASE change WHEN 'appeared' THEN at END",             \
					     "CASE change WHEN 'appeared' THEN ends ELSE at END") ", 3" \
	"  FROM e WHERE event = 'finding'"                                                         \
	" UNION ALL SELECT " NOTIFY_AM_ALERT("options",                                            \
					     "'Drtop' || upper(substr(event, 1, 1)) || substr(event, 2)", \
					     "system", "tier", "severity", "finding", "owner",      \
					     "json_object('summary', summary, 'key', key)", "at",   \
					     "ends") ", 4"                                          \
	"  FROM e WHERE event NOT IN ('status', 'reminder', 'finding')"                            \
	" ORDER BY k))"

/* The test alert of channel C at NOW, key K: it ends five minutes later. */
#define NOTIFY_AM_TEST_SQL(C, K, NOW)                                                              \
	"json_array(json(" NOTIFY_AM_ALERT(C ".options", "'DrtopTest'", "NULL", "NULL", "NULL",      \
					   "NULL", "NULL",                                          \
					   "json_object('summary', 'drtop test alert for channel ' || " \
					   C ".name, 'key', " K ")",                                 \
					   NOTIFY_AM_TIME(NOW), NOTIFY_AM_TIME(NOW " + 300")) "))"

/* A channel's options from its --label NAME=VALUE arguments (N of them):
 * {"labels": {...}} in *options (the caller frees; NULL for none), or -1
 * with E naming the bad one (ERR_DATA): a label name is a Prometheus one,
 * not drtop's own, and a value is printable text. */
int notify_am_options(char **labels, size_t n, char **options, struct error *e);

/* Check an Alertmanager's URL: http or https, its base, without query. */
int notify_am_url_check(const char *url, struct error *e);

struct notify_am;

/* The refresher of DB's alertmanager channels, posting through engine PE
 * (borrowed; free the refresher first). Only the lease holder makes one. */
struct notify_am *notify_am_new(struct db *db, struct probe_engine *pe);

/* Note the refreshes that ended, and start the channels' next one when due
 * (at most one per channel in flight; one that fails is simply done again at
 * the next interval). Never waits. A refresh that failed is written to
 * notify_refresh (the operator's to see: notify list, show, the dashboard's
 * header), and the first that succeeds after removes it; a locked database
 * postpones that to the next step. */
void notify_am_step(struct notify_am *am);

/* Abandon what runs, and free. */
void notify_am_free(struct notify_am *am);

#endif
