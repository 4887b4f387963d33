-- 0019: alertmanager channels keep their firing alerts alive.
--
-- Alertmanager resolves an alert at its endsAt. The prober holding the lease
-- pushes, this often, the alerts of what is wrong now to every alertmanager
-- channel, each ending three intervals later: the alerts of a prober that
-- stopped resolve on their own. (Seconds; `drtop config set
-- alertmanager-refresh 30s`.)
INSERT INTO setting (key, value) VALUES ('notify_am_refresh_s', '60');
