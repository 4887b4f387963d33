/*
 * notify.h - notification channels, their rules, and the events they hear.
 *
 * A channel is where drtop tells someone: a webhook (an HTTP POST of the
 * event as JSON, doc/notify-json.md), a mail (notify-mail.h), a command run
 * with the event on its standard input, or a Prometheus Alertmanager the event
 * is pushed to as alerts (notify-am.h). Its rules say which events it hears: by severity, tier,
 * finding and system name pattern. Secrets are never stored: a webhook's
 * header names an environment variable (${TOKEN}), read when it is sent.
 *
 * Events are made where the status history is kept (verdict.c), in the same
 * transaction, one outbox row per channel that hears each: a change of a
 * system's status (notify_emit), a finding appearing or clearing
 * (notify_emit_findings), a reminder while a BREACH lasts
 * (notify_emit_reminders). Root cause once: a system whose
 * outage has a dependency in outage is told of in the event of that
 * dependency (its "affected" list) and its own rows are kept as suppressed.
 * A dependant seen failing first is held (notify_hold_s) and suppressed if
 * its cause shows meanwhile. Delivering the outbox is notify-send.c's part.
 */
#ifndef DRTOP_NOTIFY_H
#define DRTOP_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"

struct notify_channel {
	const char *name;
	const char *kind;   /* "webhook", "exec", "email" or "alertmanager" */
	const char *target; /* the webhook's, mail server's or Alertmanager's URL, or the command */
	char **headers;     /* webhook, alertmanager: "Name: value", may name ${VARIABLES} */
	size_t nheaders;
	const char *shape;  /* webhook: the body, "drtop" (the event), "slack", "mattermost", "teams" */
	int64_t timeout_ms;
	long max_attempts;
	const char *options; /* what the kind needs beyond its target, a JSON object, or NULL */
};

struct notify_rule {
	const char *events;       /* "status" (changes of status), "findings" or "all" */
	const char *min_severity; /* WARN, UNKNOWN or BREACH (any case) */
	long tier_min, tier_max;
	char **findings; /* NULL-terminated, or NULL: any */
	size_t nfindings;
	char **systems; /* GLOB patterns, NULL-terminated, or NULL: any */
	size_t nsystems;
	int64_t remind_s; /* while in BREACH, tell again this often; 0: never */
};

void notify_channel_defaults(struct notify_channel *c);
void notify_rule_defaults(struct notify_rule *r);

/* Parse a tier range "N" or "N-M" (0 to 3) into R. */
int notify_rule_tiers(struct notify_rule *r, const char *s, struct error *e);

/* Check C and R without touching the database. */
int notify_channel_check(const struct notify_channel *c, struct error *e);
int notify_rule_check(const struct notify_rule *r, struct error *e);

/* The id of channel NAME; ERR_DATA naming it when there is none. */
int notify_channel_id(struct db *db, const char *name, int64_t *id, struct error *e);

/* Add channel C with its first rule R, inside the caller's transaction. */
int notify_channel_add(struct db *db, const struct notify_channel *c, const struct notify_rule *r,
		       struct error *e);
/* Remove channel NAME and its rules; its undelivered outbox rows become failed
 * ("channel removed"), its delivered ones stay with its name. */
int notify_channel_remove(struct db *db, const char *name, struct error *e);

/* Enable (ON 1) or disable channel NAME. A disabled channel hears no event
 * and is sent nothing: what waits for it waits until it is enabled again. */
int notify_channel_enable(struct db *db, const char *name, int on, struct error *e);

/* Add rule R to CHANNEL; *id (may be NULL) receives its id. */
int notify_rule_add(struct db *db, const char *channel, const struct notify_rule *r, int64_t *id,
		    struct error *e);
int notify_rule_remove(struct db *db, int64_t id, struct error *e);

/* The newest status_history id, to pass to notify_emit after recording more. */
int notify_mark(struct db *db, int64_t *mark, struct error *e);

/* Inside the transaction that recorded status history rows after MARK: write
 * their events to the outbox for the channels whose rules hear them. */
int notify_emit(struct db *db, int64_t mark, struct error *e);

/* Inside the transaction that keeps the status history, each time: when a
 * rule hears findings, the findings that appeared or cleared since the last
 * look (notify_finding) as events, for the channels whose rules hear them.
 * Reads v_findings once, or with SNAPSHOT the findings of the snapshot
 * verdict_snapshot took; nothing when no rule hears findings. */
int notify_emit_findings(struct db *db, int snapshot, struct error *e);

/* Does a rule hear findings (*RULES 1), so that the findings are read with
 * the status history? */
int notify_finding_rules(struct db *db, int64_t *rules, struct error *e);

/* The same, each time: a reminder for every system still in BREACH whose
 * last notification of it, on a channel with a rule that reminds, is older
 * than the rule's interval. */
int notify_emit_reminders(struct db *db, struct error *e);

/* The same, each time: a system held back as flapping (more than
 * notify_flap_changes changes of status within notify_flap_window_s, told
 * once with a "flapping" notice) that kept one status for a whole window has
 * settled: its status is told, once. */
int notify_emit_settled(struct db *db, struct error *e);

/* Inside the transaction that takes the prober's lease: when nobody probed
 * for notify_unwatched_s or more (the newest probe result is that old), a
 * "prober" event telling of that time to every channel that hears changes
 * to UNKNOWN, once per such stretch. */
int notify_emit_unwatched(struct db *db, struct error *e);

/* The outbox at a glance, as the dashboard's header tells it: the
 * notifications still waiting to be delivered, those held for a disabled
 * channel (counted apart: nobody will send them until it is enabled),
 * those failed lately, and the alertmanager channels whose refreshes fail. */
#define NOTIFY_STATUS_FAILED_S 86400 /* a failed one counts for a day after it was made */
#define NOTIFY_STATUS_LATE_S 60      /* a waiting one older than this is late */

struct notify_status {
	int64_t waiting;  /* in flight, or pending for an enabled channel: to be sent */
	int64_t held;     /* pending for a disabled channel: sent only once it is enabled */
	int64_t oldest_s; /* how long the oldest waiting one has waited (real time), 0 when none */
	int late;         /* it has waited NOTIFY_STATUS_LATE_S or more */
	int nobody;       /* some wait, and no live prober holds the lease to deliver them */
	int64_t failed;   /* failed for good, of those made in the last NOTIFY_STATUS_FAILED_S */
	int64_t am_failing; /* enabled alertmanager channels whose last refresh failed */
};

/* Read the outbox's status into S, at the real time. SELF: this process holds
 * the probing lease (it delivers). Its cost follows the rows counted, not the
 * outbox's size (partial indexes), for a dashboard to call every few seconds.
 * 0, or -1 with e set. */
int notify_status_read(struct db *db, int self, struct notify_status *s, struct error *e);

#endif
