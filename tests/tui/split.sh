#!/bin/sh
# A terminal at least 160 columns wide shows the selected system's page beside
# the list, and it follows the selection; a narrower one shows the list alone.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

"$DRTOP" system add alpha --rto 1h --rpo 1h --owner 'team a, room 4711, phone 5550123456789012' >/dev/null
"$DRTOP" system add beta --rto 1h --rpo 1h --owner 'team b' >/dev/null

DASH_COLS=170
dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts" wait_for 10 shows "alpha"
selected_page() { screen | sed -n 2p | grep -q "│ .* $1  *tier 2  *owner $2"; }
ok "the selected system's page beside the list" wait_for 5 selected_page alpha 'team a'
ok "with its findings" sh -c "tmux capture-pane -p -t '$S' | grep -q '│findings'"
# Cut at the pane's edge, a line ends between words with a mark: never in the
# middle of a number ("RTO 1h, worst recovery 40m (39m50s-40m1").
whole_words() {
	screen | sed -n 2p | sed 's/.*│//' | python3 -c 'import sys
full = "alpha   tier 2   owner team a, room 4711, phone 5550123456789012   strategy none"
shown = sys.stdin.read().rstrip("\n")[9:].rstrip(" ")
if shown.endswith("\u2026"):
    shown = shown[:-1].rstrip(" ")
    sys.exit(not (full.startswith(shown) and full[len(shown)] == " "))
sys.exit(shown != full)'
}
cut_ok=yes
for w in $(seq 160 200); do
	tmux resize-window -t "$S" -x "$w"
	wait_for 5 sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -q '│'" &&
		wait_for 2 whole_words || { cut_ok="no: $w columns: $(screen | sed -n 2p)"; break; }
done
ok "a line cut at the pane's edge ends between words, with a mark" test "$cut_ok" = yes
tmux resize-window -t "$S" -x 170
keys Down
ok "it follows the selection" wait_for 5 selected_page beta 'team b'
tmux resize-window -t "$S" -x 120
ok "narrower: the list alone" wait_for 5 sh -c "! tmux capture-pane -p -t '$S' | grep -q '│findings'"
keys q
wait_for 5 test -s "$T/exited"

# Wide characters (CJK, emoji) take two columns each: a long owner in them is
# cut at the edge like any text, never wrapped onto the next line.
"$DRTOP" system add wide --rto 1h --rpo 1h --owner "支払いチーム 日本語のオーナー名前がとても長い場合 emoji 🚀🚀" >/dev/null
tmux kill-session -t "$S"
DASH_COLS=80 DASH_ROWS=24 dashboard --db "'$DRTOP_DB'" --readonly
wait_for 10 shows "wide" && keys / w i d e Enter Enter
ok "a page whose owner is in wide characters keeps its lines: the next starts where it should" \
	wait_for 10 sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -q ' wide   tier 2   owner ' &&
		tmux capture-pane -p -t '$S' | sed -n 3p | grep -q '^  RTO 1h, worst recovery'"
keys Escape q
wait_for 5 test -s "$T/exited"

done_testing
