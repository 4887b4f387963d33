/*
 * detail.c - see detail.h. Each section is one prepared statement whose rows
 * are (text, status, id); the table below is the only place they are written.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "util.h"

static const char *const section_sql[] = {
	/* As of drtop's clock: the state's newest probe when it is not after
	 * 'now', else the newest result by then (v_last_probe). */
	[DETAIL_ENDPOINTS] =
		"WITH x AS (SELECT e.id, e.kind, e.url, e.interval_ms, CASE WHEN lp.last_probe_ms IS NULL"
		"  THEN 'not probed yet' WHEN lp.last_probe_ms IS st.last_probe_ms THEN CASE WHEN"
		"  st.last_ok THEN 'ok' ELSE 'failing: ' || coalesce(st.first_error, (SELECT r.error"
		"  FROM probe_result r WHERE r.endpoint_id = e.id AND r.at_ms = st.last_probe_ms ORDER"
		"  BY r.id DESC LIMIT 1), '') END ELSE coalesce((SELECT CASE WHEN r.ok THEN 'ok' ELSE"
		"  'failing: ' || coalesce(r.error, '') END FROM probe_result r WHERE r.endpoint_id ="
		"  e.id AND r.at_ms = lp.last_probe_ms ORDER BY r.id DESC LIMIT 1), 'probed (hourly"
		"  figures only)') END AS state"
		" FROM endpoint e JOIN v_last_probe lp ON lp.endpoint_id = e.id LEFT JOIN endpoint_state"
		" st ON st.endpoint_id = e.id WHERE e.system_id = ?1)"
		" SELECT printf('%-9s %-44s every %s  %s', kind, url, duration_ms(interval_ms), state),"
		" CASE WHEN state = 'ok' THEN 'OK' WHEN state LIKE 'failing:%' THEN 'BREACH' ELSE"
		" 'UNKNOWN' END, id FROM x ORDER BY url",
	/* the schedules, then the check-ins of none of them (a replica's, or of a
	 * system with several schedules and none named): they are recovery points too */
	[DETAIL_SCHEDULES] =
		"SELECT text, status, id FROM (SELECT printf('%-12s %-22s max gap %-8s last ok %s',"
		" b.name, coalesce(b.cron, 'every ' || duration(b.every_s)), duration(b.max_gap_s),"
		" coalesce((SELECT iso_time(max(at)) FROM checkin c WHERE c.schedule_id = b.id AND"
		" c.ok), 'never')) AS text, NULL AS status, b.id, 0 AS k, b.name AS n"
		" FROM backup_schedule b WHERE b.system_id = ?1"
		" UNION ALL SELECT printf('%-12s %-22s %-16s last ok %s', '(none)', count(*) ||"
		" ' check-in' || CASE WHEN count(*) = 1 THEN '' ELSE 's' END || ' of no schedule', '',"
		" coalesce(iso_time(max(CASE WHEN ok THEN at END)), 'never')), NULL, NULL, 1, ''"
		" FROM checkin WHERE system_id = ?1 AND schedule_id IS NULL HAVING count(*) > 0)"
		" ORDER BY k, n",
	[DETAIL_RUNS] =
		"WITH r AS (SELECT b.id, b.name, (SELECT group_concat(c, '') FROM (SELECT CASE outcome"
		"  WHEN 'on-time' THEN '+' WHEN 'late' THEN 'L' WHEN 'missed' THEN 'M' WHEN 'failed'"
		"  THEN 'F' ELSE '.' END AS c, due_at FROM (SELECT outcome, due_at FROM v_backup_slot"
		"  WHERE schedule_id = b.id ORDER BY due_at DESC LIMIT 24) ORDER BY due_at)) AS strip,"
		" (SELECT outcome FROM v_backup_slot WHERE schedule_id = b.id AND outcome <> 'pending'"
		"  ORDER BY due_at DESC LIMIT 1) AS last,"
		/* v_backup_compliance's counts of this schedule, from its runs: the
		 * view joined whole computes every schedule's (seconds at 10,000) */
		" (SELECT json_array(coalesce(sum(x.outcome <> 'pending'), 0),"
		"  coalesce(sum(x.outcome = 'on-time'), 0), coalesce(sum(x.outcome = 'late'), 0),"
		"  coalesce(sum(x.outcome = 'missed'), 0), coalesce(sum(x.outcome = 'failed'), 0))"
		"  FROM v_backup_runs x WHERE x.schedule_id = b.id AND x.in_window) AS counts"
		" FROM backup_schedule b WHERE b.system_id = ?1 AND b.cron IS NOT NULL),"
		" c AS (SELECT id, json_extract(counts, '$[0]') AS due, json_extract(counts, '$[1]') AS on_time,"
		"  json_extract(counts, '$[2]') AS late, json_extract(counts, '$[3]') AS missed,"
		"  json_extract(counts, '$[4]') AS failed FROM r)"
		" SELECT printf('%-12s %-24s %s', r.name, coalesce(r.strip, ''), CASE WHEN c.due > 0"
		"  THEN c.on_time || ' of ' || c.due || ' on time' || CASE WHEN c.late > 0 THEN ', '"
		"  || c.late || ' late' ELSE '' END || CASE WHEN c.missed > 0 THEN ', ' || c.missed ||"
		"  ' missed' ELSE '' END || CASE WHEN c.failed > 0 THEN ', ' || c.failed || ' failed'"
		"  ELSE '' END ELSE 'no run due yet' END),"
		" CASE r.last WHEN 'on-time' THEN 'OK' WHEN 'late' THEN 'WARN' WHEN 'missed' THEN"
		"  'BREACH' WHEN 'failed' THEN 'BREACH' END, r.id"
		" FROM r JOIN c ON c.id = r.id ORDER BY r.name",
	[DETAIL_DRILLS] =
		"SELECT printf('%-9s %s  %s, %s', kind, started, CASE WHEN state = 'running' THEN"
		" 'running now' WHEN state IN ('failed', 'aborted') THEN state || ': ' || failure"
		" WHEN NOT live THEN 'took ' || duration(recovery_s) || ' (nothing was recovered)'"
		" ELSE 'recovered in ' || duration(recovery_s) || CASE WHEN resolution_ms IS NOT NULL"
		" THEN printf(' (to within %.1fs)', resolution_ms / 1000.0) ELSE '' END"
		" || CASE WHEN met_rto THEN '' ELSE ' (over the RTO)' END END, evidence),"
		" CASE WHEN NOT live OR state = 'running' THEN 'INFO' WHEN met_rto THEN 'OK' ELSE 'WARN' END,"
		" NULL"
		" FROM v_drills WHERE system = (SELECT name FROM system"
		" WHERE id = ?1) ORDER BY started DESC LIMIT 5",
	[DETAIL_DEPENDENCIES] =
		"SELECT 'needs ' || o.name || ' (RTO ' || duration(o.rto_s) || ')', NULL, NULL FROM"
		" dependency d JOIN system o ON o.id = d.depends_on WHERE d.system_id = ?1 UNION ALL"
		" SELECT 'needed by ' || o.name, NULL, NULL FROM dependency d JOIN system o ON o.id ="
		" d.system_id WHERE d.depends_on = ?1",
	[DETAIL_HISTORY] =
		"SELECT iso_time(h.at) || '  ' || coalesce((SELECT p.status FROM status_history p"
		" WHERE p.system_id = h.system_id AND (p.at < h.at OR p.at = h.at AND p.id < h.id)"
		" ORDER BY p.at DESC, p.id DESC LIMIT 1) || ' -> ', 'first judged ') || h.status"
		" || CASE WHEN h.reason <> '' THEN ' (' || h.reason || ')' ELSE '' END, h.status, NULL"
		" FROM status_history h JOIN v_settings s WHERE h.system_id = ?1 AND h.at <= s.now"
		" ORDER BY h.at DESC, h.id DESC LIMIT 12",
	/* when it was made, the channel, the change, and how its delivery went (a
	 * failed one in capitals; a pending one of a disabled channel is held,
	 * not waiting: nobody sends it until the channel is enabled), with the
	 * last error on a line of its own */
	[DETAIL_NOTIFICATIONS] =
		"WITH n AS (SELECT * FROM v_notifications WHERE system_id = ?1 ORDER BY id DESC LIMIT 5)"
		" SELECT CASE WHEN p.part THEN printf('%22s', '') || CASE n.state WHEN 'failed' THEN"
		"  'error: ' ELSE 'last error: ' END || n.last_error ELSE"
		"  printf('%s  %-12s %-20s  %s', iso_time(n.created_at), n.channel, CASE n.event"
		"  WHEN 'finding' THEN n.finding || ' ' || n.change WHEN 'reminder' THEN 'still ' ||"
		"  n.status ELSE coalesce(n.previous_status, '-') || ' -> ' || n.status END, CASE n.state"
		"  WHEN 'failed' THEN 'FAILED' || CASE WHEN n.attempts > 0 THEN ' after ' || n.attempts ||"
		"   ' attempt' || CASE WHEN n.attempts > 1 THEN 's' ELSE '' END ELSE '' END"
		"  WHEN 'delivered' THEN 'delivered' || CASE WHEN n.attempts > 1 THEN ' after ' ||"
		"   n.attempts || ' attempts' ELSE '' END"
		"  WHEN 'suppressed' THEN 'not sent: told with ' || coalesce(n.cause, 'its cause')"
		"  WHEN 'in-flight' THEN 'sending (attempt ' || n.attempts || ')'"
		"  WHEN 'pending' THEN CASE WHEN n.held IS NOT NULL THEN 'held: ' || n.held ELSE 'waiting' ||"
		"   CASE WHEN n.attempts > 0 THEN ' to retry (' || n.attempts || ' attempt' ||"
		"   CASE WHEN n.attempts > 1 THEN 's' ELSE '' END || ' failed)' ELSE '' END END"
		"  END || CASE WHEN n.affected <> '' THEN ', affects ' || n.affected ELSE '' END) END,"
		" CASE n.state WHEN 'failed' THEN 'BREACH' WHEN 'delivered' THEN 'OK' WHEN 'suppressed'"
		"  THEN NULL WHEN 'pending' THEN CASE WHEN n.held IS NOT NULL THEN NULL WHEN n.attempts > 0 THEN 'WARN'"
		"  ELSE 'INFO' END ELSE 'INFO' END, n.id"
		" FROM n JOIN (SELECT 0 AS part UNION ALL SELECT 1) p ON NOT p.part OR"
		"  n.last_error IS NOT NULL AND n.state IN ('failed', 'pending')"
		" ORDER BY n.id DESC, p.part",
	[DETAIL_STRATEGIES] =
		"SELECT printf('%s %-15s %-5s typical RTO %-6s RPO %-6s %s%s', CASE WHEN current"
		" THEN '>' ELSE ' ' END, strategy, substr('$$$$', 1, cost_tier),"
		" duration(typical_rto_s), duration(typical_rpo_s), CASE WHEN meets THEN 'meets"
		" the objectives' ELSE 'cannot meet them' END, CASE WHEN cheapest THEN"
		" '  <- cheapest fit' ELSE '' END), CASE WHEN meets THEN 'OK' ELSE 'WARN' END, NULL"
		" FROM v_strategy_fit WHERE system_id = ?1 ORDER BY cost_tier",
	[DETAIL_ENDPOINT_MENU] =
		"SELECT kind || '  ' || url, NULL, id FROM endpoint WHERE system_id = ?1 ORDER BY url",
	[DETAIL_SCHEDULE_MENU] =
		"SELECT name || '  ' || coalesce(cron, 'every ' || duration(every_s)), NULL, id"
		" FROM backup_schedule WHERE system_id = ?1 ORDER BY name",
};

int detail_lines_load(struct db *db, enum detail_section section, int64_t system_id,
		      struct detail_lines *out, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, section_sql[section], e);
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, system_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct detail_line *l;

		out->v = xgrow(out->v, &cap, out->n + 1, sizeof(*out->v));
		l = &out->v[out->n++];
		l->text = xstrdup((const char *)sqlite3_column_text(st, 0));
		l->status = db_column_strdup(st, 1);
		l->id = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		detail_lines_done(out);
		return db_fail(db, e, "reading the system's page");
	}
	return 0;
}

void detail_lines_done(struct detail_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].status);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static const char *const series_sql[] = {
	[DETAIL_OUTAGES] = "SELECT duration_s FROM (SELECT duration_s, started_ms FROM v_outages"
			   " WHERE system = (SELECT name FROM system WHERE id = ?1) AND ended_ms IS"
			   " NOT NULL AND ended_ms / 1000 <= (SELECT now FROM v_settings)"
			   " ORDER BY started_ms DESC LIMIT ?2) ORDER BY started_ms",
	/* the lag each freshness probe saw; a failed one saw the recovery point of
	 * the newest good one before it grow older (not measured is not fresh) */
	[DETAIL_LAG] = "SELECT lag FROM (SELECT p.at_ms, coalesce(p.lag_s, p.at_ms / 1000 - (SELECT"
		       " q.data_time FROM probe_result q WHERE q.endpoint_id = p.endpoint_id AND"
		       " q.ok = 1 AND q.data_time IS NOT NULL AND q.at_ms <= p.at_ms ORDER BY q.at_ms"
		       " DESC LIMIT 1)) AS lag FROM probe_result p JOIN endpoint e ON e.id ="
		       " p.endpoint_id WHERE e.system_id = ?1 AND e.kind = 'freshness' AND p.at_ms <"
		       " ((SELECT now FROM v_settings) + 1) * 1000 ORDER BY"
		       " p.at_ms DESC LIMIT ?2) WHERE lag IS NOT NULL ORDER BY at_ms",
};

int detail_series_load(struct db *db, enum detail_series series, int64_t system_id, int64_t *v,
		       int max, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, series_sql[series], e);
	int n = 0, rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, system_id);
	sqlite3_bind_int(st, 2, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		v[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, e, "reading the system's history");
	return n;
}

int detail_record_load(struct db *db, enum detail_record what, int64_t id, char **vals,
		       struct error *e)
{
	sqlite3_stmt *st = db_prepare(
		db,
		what == DETAIL_ENDPOINT
			? "SELECT url, kind, duration_ms(interval_ms), duration_ms(timeout_ms),"
			  " expect, json_path FROM endpoint WHERE id = ?1"
			: "SELECT name, cron, tz, duration(every_s), duration(duration_s)"
			  " FROM backup_schedule WHERE id = ?1",
		e);
	int i, n = what == DETAIL_ENDPOINT ? DETAIL_ENDPOINT_FIELDS : DETAIL_SCHEDULE_FIELDS, rc;

	for (i = 0; i < n; i++)
		vals[i] = NULL;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		for (i = 0; i < n; i++)
			vals[i] = db_column_strdup(st, i);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, e, "reading the record to edit");
	return rc == SQLITE_ROW;
}
