#!/usr/bin/env bash
# Does a tap client that never reads slow the pipeline? Runs the built agent (java -jar, no AOT cache) tailing N
# generated JSON lines through `json` to a `file` output, with the tap on, alternately without a tap client and
# with one that sends GET /tap (the pipeline's end, no cap) and never reads the answer; prints the wall time until
# the output holds every line, and the agent's CPU seconds, per run, and the tap's dropped count.
#
#   bench/tap-slow-client.sh [-n LINES] [-r PAIRS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lines=1000000 pairs=3
while [ $# -gt 0 ]; do
  case "$1" in
    -n) lines="$2"; shift 2;;
    -r) pairs="$2"; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
jar="$root/agent/target/outrigger.jar"
[ -f "$jar" ] || { echo "build the agent first: ./mvnw -o -q -pl agent -am package -DskipTests" >&2; exit 2; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work="$(mktemp -d /tmp/outrigger-tapbench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs"
python3 "$root/bench/gen-logs.py" --kind json "$lines" > "$work/logs/app.log"

run() { # $1: none|slow
  rm -rf "$work/data" "$work/out.ndjson"
  port=$((20000 + RANDOM % 20000))
  cat > "$work/p.yaml" <<YAML
agent:
  data_dir: $work/data
  http: {listen: "127.0.0.1:$port", tap: true}
inputs:
  app: {type: file, paths: ["$work/logs/*.log"]}
pipelines:
  app: {from: [app], stages: [json], to: [out]}
outputs:
  out: {type: file, path: $work/out.ndjson}
YAML
  start=$(date +%s.%N)
  "$java" -Xmx80m -XX:+UseSerialGC -jar "$jar" run -c "$work/p.yaml" > "$work/agent.log" 2>&1 &
  pid=$!
  if [ "$1" = slow ]; then
    for _ in $(seq 100); do { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null && break; sleep 0.05; done
    printf 'GET /tap?limit=100000000 HTTP/1.1\r\nHost: x\r\n\r\n' >&3
  fi
  while [ "$({ wc -l < "$work/out.ndjson"; } 2>/dev/null || echo 0)" -lt "$lines" ]; do sleep 0.05; done
  end=$(date +%s.%N)
  cpu=$(awk '{print ($14+$15)/100}' "/proc/$pid/stat")
  dropped=$(curl -s "http://127.0.0.1:$port/metrics?name[]=outrigger_tap_records_dropped_total" | awk '/^outrigger_tap_records_dropped_total/ {s+=$2} END {print s+0}')
  kill -TERM "$pid"; wait "$pid" || true
  [ "$1" = slow ] && exec 3>&-
  printf '%-5s %6.2f s  %5.2f CPU-s  tap dropped %s\n' "$1" "$(echo "$end - $start" | bc)" "$cpu" "$dropped"
}
for _ in $(seq "$pairs"); do run none; run slow; done
