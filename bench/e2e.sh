#!/usr/bin/env bash
# End-to-end benchmark: the built agent tails N generated JSON lines (~240 bytes on average, varied: bench/gen-logs.py) from head and writes them
# to a `file` output (optionally through stages), and we report lines/s, MB/s, CPU seconds per million lines and
# peak RSS (/usr/bin/time -v). Run several times: these machines are shared and noisy.
#
#   bench/e2e.sh [-n LINES] [-s none|json|json_msg|regex|nginx] [-r RUNS] [-o file|kafka|elasticsearch|loki] [--url URL] [-b BUFFER]
#                [-x 'KEY: VALUE']... [--latency MS] [--agent LAUNCHER] [--logs FILE] [--threads]
# (json keeps the whole line as the message, next to its fields; json_msg makes the "msg" field the message, so
# the output writes the parsed record only, as Fluent Bit's json parser does by default)
# (-b sets agent.buffer.max_bytes, e.g. 8MiB; the default is the agent's default)
# (-x adds a key to the output's block, e.g. -x 'compression: none' or -x 'producer: {linger.ms: "5"}'; repeatable)
#
# (--agent runs another build's launcher, e.g. /tmp/old/outrigger, so old and new are measured by the same script;
#  --logs FILE keeps the generated lines in FILE and uses them again when it exists, so interleaved invocations
#  ship the same lines without generating them each time; --threads prints the agent's CPU seconds per thread at the
#  end of each run, grouped by name: with the serial collector, "VM Thread" is the garbage collection)
#
# The kafka and elasticsearch outputs need a server: --url gives the bootstrap servers or the ES URL. The loki output
# gets one from the script unless --url is given: bench/LokiStandIn.java, a separate JVM that decodes every push as
# Loki does (Snappy + protobuf, or JSON) and answers 204 after --latency MS (default 50, about what a real Loki 2.9
# took per push on this machine kind); it is started afresh for each run, and its counts (pushes, entries and wire
# bytes per push, pushes in flight at most) are printed after the run. The stream has one static label (job=bench).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lines=2000000 stages=none runs=3 output=file url="" budget="" extra="" latency=50 agent="" logs_file="" threads=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) lines="$2"; shift 2;;
    -s) stages="$2"; shift 2;;
    -r) runs="$2"; shift 2;;
    -o) output="$2"; shift 2;;
    --url) url="$2"; shift 2;;
    --latency) latency="$2"; shift 2;;
    --agent) agent="$2"; shift 2;;
    --logs) logs_file="$2"; shift 2;;
    --threads) threads=1; shift;;
    -b) budget="$2"; shift 2;;
    -x) extra="$extra
    $2"; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done

"$root/outrigger" --version > /dev/null # builds the agent first if it is missing or stale
[ -z "$agent" ] && agent="$root/outrigger"
[ "$agent" != "$root/outrigger" ] && "$agent" --version > /dev/null
work="$(mktemp -d /tmp/outrigger-bench.XXXXXX)"
trap 'stop_standin; rm -rf "$work"' EXIT
mkdir -p "$work/logs"
# varied lines, as a real service writes them (bench/gen-logs.py says how): the parsers' caches are not flattered
kind=json; [ "$stages" = nginx ] && kind=nginx
if [ -n "$logs_file" ]; then
  [ -s "$logs_file" ] || python3 "$root/bench/gen-logs.py" --kind "$kind" "$lines" > "$logs_file"
  ln "$logs_file" "$work/logs/app.log" 2>/dev/null || cp "$logs_file" "$work/logs/app.log"
  lines=$(wc -l < "$logs_file")
else
  python3 "$root/bench/gen-logs.py" --kind "$kind" "$lines" > "$work/logs/app.log"
fi
bytes=$(stat -c %s "$work/logs/app.log")
last_start=$((bytes - $(tail -n 1 "$work/logs/app.log" | wc -c))) # where the last line starts
echo "generated $lines lines, $((bytes / lines)) bytes/line on average, $((bytes / 1048576)) MiB"

case "$stages" in
  none) stage_yaml="[]";;
  json) stage_yaml="[json]";;
  json_msg) stage_yaml="[{json: {message_field: msg}}]";;
  regex) stage_yaml='[{regex: {pattern: "\"level\":\"(?<level>[A-Z]+)\",\"logger\":\"(?<logger>[^\"]+)\".*\"msg\":\"(?<msg>(?:[^\"\\\\]|\\\\.)*)\""}}]';;
  nginx) stage_yaml='[{regex: {preset: nginx_combined}}]';;
  *) echo "unknown stages $stages" >&2; exit 2;;
esac
case "$output" in
  file) out_yaml="type: file
    path: $work/out.ndjson";;
  kafka) out_yaml="type: kafka
    brokers: [\"${url:-127.0.0.1:9092}\"]
    topic: outrigger-bench";;
  elasticsearch) out_yaml="type: elasticsearch
    hosts: [\"${url:-http://127.0.0.1:9200}\"]
    index: outrigger-bench";;
  loki) out_yaml="type: loki
    url: \"${url:-http://127.0.0.1:LOKI_PORT}\"
    labels: {job: bench}";;
  *) echo "unknown output $output" >&2; exit 2;;
esac
standin_pid=""
stop_standin() { [ -n "$standin_pid" ] && { kill "$standin_pid" 2>/dev/null; wait "$standin_pid" 2>/dev/null || true; }; standin_pid=""; }
# starts bench/LokiStandIn.java (with the agent jar's protobuf classes and Snappy) and sets loki_port
start_standin() {
  local java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
  [ -x "$java" ] || java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  rm -f "$work/standin.out"
  "$java" -Xmx256m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp "$root/agent/target/outrigger.jar" \
    "$root/bench/LokiStandIn.java" --latency-ms "$latency" > "$work/standin.out" 2>&1 &
  standin_pid=$!
  for _ in $(seq 1 300); do
    loki_port=$(sed -n 's/^listening on //p' "$work/standin.out" 2>/dev/null)
    [ -n "$loki_port" ] && return 0
    kill -0 "$standin_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the Loki stand-in did not start:"; cat "$work/standin.out"; exit 1
}

port=$((20000 + RANDOM % 20000))
tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# the input offset in the last complete line of the file output (a line cut mid-write has no closing "}}")
written_to() {
  tail -c 8192 "$work/out.ndjson" 2>/dev/null |
    awk '/}}$/ {l = $0} END {if (match(l, /"offset":[0-9]+/)) print substr(l, RSTART + 9, RLENGTH - 9)}'
}
sent() { curl -gs "http://127.0.0.1:$port/metrics?name[]=outrigger_output_records_sent_total" 2>/dev/null | awk '/^outrigger_output_records_sent_total\{output="out"\}/ {printf "%d", $2}' || true; }
budget_yaml=""
[ -n "$budget" ] && budget_yaml="  buffer: {max_bytes: $budget}"
results=()
for run in $(seq 1 "$runs"); do
  rm -rf "$work/data" "$work/out.ndjson"
  run_out_yaml="$out_yaml"
  if [ "$output" = loki ] && [ -z "$url" ]; then
    start_standin
    run_out_yaml="${out_yaml//LOKI_PORT/$loki_port}"
  fi
  cat > "$work/pipeline.yaml" <<YAML
agent:
  data_dir: $work/data
  http: {listen: "127.0.0.1:$port"}
  log: {format: text, level: warn}
$budget_yaml
inputs:
  app: {type: file, paths: ["$work/logs/*.log"], read_from: head}
pipelines:
  p: {from: [app], stages: $stage_yaml, to: [out]}
outputs:
  out:
    $run_out_yaml$extra
YAML
  # not timed: the launcher makes the AOT cache this config uses, if it has not yet (one per build; its own for Kafka)
  [ "$run" = 1 ] && { "$agent" validate -c "$work/pipeline.yaml" > /dev/null 2>&1 || true; }
  start=$(date +%s.%N)
  # the launcher's default JVM flags (OUTRIGGER_JAVA_OPTS replaces them, to compare others)
  /usr/bin/time -v -o "$work/time.txt" "$agent" run -c "$work/pipeline.yaml" > "$work/agent.log" 2>&1 &
  pid=$!
  # done when the output has delivered every line; the first delivery marks the end of start-up, for the steady
  # rate. A file output is watched from outside (its first bytes; the input offset in its last complete line), at
  # no cost to the agent. Other outputs are asked for their records-sent counter alone (/metrics?name[]=...), but
  # each request still costs the agent CPU (about 2 ms; 4-6 ms for the whole /metrics with the JVM metrics), which
  # counts in its figures: polled every 50 ms until the first delivery and in the last second (at the rate so far),
  # every 250 ms between.
  first=""
  while :; do
    if [ "$output" = file ]; then
      n=0
      if [ -s "$work/out.ndjson" ]; then
        n=1
        [ "$(written_to)" = "$last_start" ] && n=$lines
      fi
    else
      n=$(sent)
    fi
    if [ -z "$first" ] && [ "${n:-0}" -gt 0 ]; then
      first=$(date +%s.%N) jpid=$(pgrep -P $pid java || echo $pid) first_cpu=$(cpu_ticks "$jpid")
      if [ "$output" = file ]; then first_n=$(wc -l < "$work/out.ndjson"); else first_n=$n; fi
    fi
    [ "${n:-0}" -ge "$lines" ] && break
    kill -0 $pid 2>/dev/null || { echo "agent exited early:"; cat "$work/agent.log"; exit 1; }
    pause=0.02
    if [ "$output" != file ]; then
      pause=0.05
      if [ -n "$first" ]; then # 250 ms while more than a second of lines is left
        pause=$(awk -v n="${n:-0}" -v fn="$first_n" -v t0="$first" -v now="$(date +%s.%N)" -v total="$lines" \
          'BEGIN { r = (n - fn) / (now - t0); print (r > 0 && (total - n) / r > 1.0) ? 0.25 : 0.05 }')
      fi
    fi
    sleep "$pause"
  done
  end=$(date +%s.%N)
  end_cpu=$(cpu_ticks "$jpid")
  if [ -n "$threads" ]; then # per thread: name (digits dropped, so pools group) and user+system ticks
    for t in /proc/"$jpid"/task/*; do
      sed -E 's/^[0-9]+ \((.*)\) [A-Za-z] (.*)$/\1\t\2/' "$t/stat" 2>/dev/null
    done | awk -F'\t' -v tck="$tck" '{ split($2, f, " "); n = $1; gsub(/[0-9]+/, "#", n); c = (f[11] + f[12]) / tck; cpu[n] += c; all += c }
      END { for (n in cpu) if (cpu[n] >= 0.05) printf "%8.2f CPU-s (%4.1f%%)  thread %s\n", cpu[n], 100 * cpu[n] / all, n }' | sort -g -r
  fi
  kill -TERM $(pgrep -P $pid java || echo $pid) 2>/dev/null || true
  wait $pid || true
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident/ {print int($2/1024)}' "$work/time.txt")
  secs=$(echo "$end - $start" | bc -l)
  lps=$(echo "$lines / $secs" | bc -l)
  mbs=$(echo "$bytes / $secs / 1000000" | bc -l)
  cpm=$(echo "$cpu / ($lines / 1000000)" | bc -l)
  steady=$(echo "($lines - $first_n) / ($end - $first)" | bc -l)
  steady_cpm=$(echo "($end_cpu - $first_cpu) / $tck / (($lines - $first_n) / 1000000)" | bc -l)
  printf 'run %d: %.0f lines/s  %.1f MB/s  %.2f CPU-s per million lines  peak RSS %d MiB  (%.2fs wall incl. JVM start)\n' \
      "$run" "$lps" "$mbs" "$cpm" "$rss" "$secs"
  printf '       after the first delivery (start-up excluded): %.0f lines/s  %.2f CPU-s per million lines; first delivery at %.2fs, %.2f CPU-s, %d lines\n' \
      "$steady" "$steady_cpm" "$(echo "$first - $start" | bc -l)" "$(echo "$first_cpu / $tck" | bc -l)" "$first_n"
  if [ -n "$standin_pid" ]; then
    read -r p_n p_entries p_lines p_wire p_max < <(curl -s "http://127.0.0.1:$loki_port/stats") || true
    [ "${p_n:-0}" -gt 0 ] && printf '       Loki stand-in: %d pushes, %.0f entries and %.0f KiB on the wire per push (%.0f KiB of lines), up to %d in flight\n' \
      "$p_n" "$(echo "$p_entries / $p_n" | bc -l)" "$(echo "$p_wire / $p_n / 1024" | bc -l)" "$(echo "$p_lines / $p_n / 1024" | bc -l)" "$p_max"
    stop_standin
  fi
  results+=("$lps $cpm $rss $steady $steady_cpm")
done
median() { printf '%s\n' "${results[@]}" | awk -v k="$1" '{print $k}' | sort -g | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
printf 'medians of %d runs: %.0f lines/s, %.2f CPU-s per million lines, peak RSS %d MiB; start-up excluded: %.0f lines/s, %.2f CPU-s per million lines\n' \
  "$runs" "$(median 1)" "$(median 2)" "$(median 3)" "$(median 4)" "$(median 5)"
