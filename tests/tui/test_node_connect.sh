#!/usr/bin/env bash
# O adds a server whose host takes the connection and never answers: the
# first connect runs off the UI thread, so the screen says it is connecting
# and keeps answering keys; then says the node is down and retries it, the
# keyboard still answering.
. "$(dirname "$0")/lib.sh"
LISTENER=
STATS=$(mktemp /tmp/ixt-node-connect.XXXXXX)
trap 'tx kill-session -t nc 2>/dev/null; [ -n "$LISTENER" ] && kill "$LISTENER"; rm -f "$STATS" "$STATS.port" "$STATS.accepts"' EXIT
# accepts every connection and says nothing, as a stalled host would
python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept())
    print("accepted", file=sys.stderr, flush=True)
' >"$STATS.port" 2>"$STATS.accepts" &
LISTENER=$!
for ((i = 0; i < 50; i++)); do [ -s "$STATS.port" ] && break; sleep 0.1; done
PORT=$(cat "$STATS.port")
T_ENV="IXT_LOOP_STATS=$STATS"
start nc 160x30 -d idxdemo -r 0.5
check nc "Slow queries \([0-9]+\)" "list shown"
keys nc O
check nc "Another server of the cluster" "O asks for the server"
type_text nc "host=127.0.0.1 port=$PORT"
keys nc Enter
check nc "connecting to node-2\.\.\." "the screen says it is connecting" 2
keys nc '?'
check nc "Keys: Queries" "the keyboard answers while it connects" 2
keys nc Escape
check nc "node-2 \(.*\) is down \(retrying\)" "then the result: the node is down, retried" 15
check nc "nodes [a-z0-9-]+, node-2 DOWN" "the status line shows it down"
# its retries connect off the UI thread too: once one is under way
accepts() { grep -c accepted "$STATS.accepts"; }
first=$(accepts)
for ((i = 0; i < 100 && $(accepts) <= first; i++)); do sleep 0.1; done
[ "$(accepts)" -gt "$first" ]
ok $? "the node is retried"
keys nc '?'
check nc "Keys: Queries" "the keyboard answers while it is retried" 2
keys nc Escape q
check nc "EXITED 0" "quits"
blocked=$(awk '/^max_blocked_ms/ {print $2}' "$STATS")
awk -v b="${blocked:-99999}" 'BEGIN { exit !(b < 1500) }'
ok $? "the keyboard never waited for the connect (longest wait ${blocked:-?} ms)"
finish
