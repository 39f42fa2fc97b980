#!/usr/bin/env bash
# Per-pod footprint: what one idle agent costs, and how fast a line still gets through.
#
#   bench/footprint.sh [-c CONFIG] [-w WINDOWS] [-s SECONDS] [-f FILES] [-r RATE] [-n LINES] [-W WARMUP]
#                      [-a CHECKOUT]... [-t]
#
# Starts the agent the way users do (the launcher: CHECKOUT/outrigger run -c CONFIG; -a repeats, e.g. an old
# build's worktree next to this one; all of them, and Fluent Bit when FLUENT_BIT=/path/to/fluent-bit is given, run
# side by side in the same run, each on its own copy of the work), on FILES files with one line each, then:
#   1. idle: after WARMUP seconds (default 20), WINDOWS windows (default 2) of SECONDS (default 60): CPU ticks per
#      minute (/proc/PID/stat utime+stime; 100 ticks = one CPU-second), RSS anon and file (/proc/PID/status),
#      threads; with -t, the ticks per thread name over the whole idle time (who wakes up);
#   2. latency: appends LINES lines (default 1000) to the first file at RATE lines/s (default 100) and reports
#      the delay from each write to its line showing up in the file output: p50, p99, max; and the delay of the
#      first line written after the idle windows (the threads had to wake up for it).
# CONFIG (default: file input -> json stage -> file output, HTTP on) may use ${FP_LOG_DIR} (the watched
# directory; files are FP_LOG_DIR/app-N.log), ${FP_OUT} (the file output's path: latency is measured there; other
# outputs get no latency figures), ${FP_DATA} (data_dir) and ${FP_PORT} (the HTTP port): the agent expands them.
# The machine is shared and noisy: compare builds measured in the same run, and repeat.
# FLUENT_BIT runs a tail -> json parser -> file output with the HTTP server on (Flush 1), the same work; that path
# has not been run on this machine (no fluent-bit there).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
config="" windows=2 secs=60 files=1 rate=100 lines=1000 warmup=20 per_thread=""
checkouts=()
while [ $# -gt 0 ]; do
  case "$1" in
    -c) config="$(readlink -f "$2")"; shift 2;;
    -w) windows="$2"; shift 2;;
    -s) secs="$2"; shift 2;;
    -f) files="$2"; shift 2;;
    -r) rate="$2"; shift 2;;
    -n) lines="$2"; shift 2;;
    -W) warmup="$2"; shift 2;;
    -a) checkouts+=("$(readlink -f "$2")"); shift 2;;
    -t) per_thread=1; shift;;
    *) echo "unknown argument $1 (see the comment at the top of $0)" >&2; exit 2;;
  esac
done
[ ${#checkouts[@]} -gt 0 ] || checkouts=("$root")

work="$(mktemp -d /tmp/outrigger-footprint.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

default_config() {
  cat <<'YAML'
agent:
  data_dir: ${FP_DATA}
  http: {listen: "127.0.0.1:${FP_PORT}"}
  log: {format: text, level: warn}
inputs:
  app: {type: file, paths: ["${FP_LOG_DIR}/*.log"], read_from: head}
pipelines:
  p: {from: [app], stages: [json], to: [out]}
outputs:
  out: {type: file, path: "${FP_OUT}"}
YAML
}

# one directory per agent: logs/, data/, out.ndjson, its config, its log
names=() dirs=() ports=()
setup() { # name
  local d="$work/$1" i
  mkdir -p "$d/logs" "$d/data"
  for i in $(seq 1 "$files"); do
    printf '{"level":"INFO","logger":"start","msg":"file %d is here"}\n' "$i" > "$d/logs/app-$i.log"
  done
  names+=("$1") dirs+=("$d") ports+=($((20000 + RANDOM % 20000)))
}

i=0
for co in "${checkouts[@]}"; do
  i=$((i + 1))
  "$co/outrigger" --version > /dev/null # builds it first if it is missing or stale
  setup "outrigger-$i"
  d="${dirs[-1]}"
  if [ -n "$config" ]; then cp "$config" "$d/pipeline.yaml"; else default_config > "$d/pipeline.yaml"; fi
  # the launcher makes the AOT cache this config uses once per build, not timed here
  FP_LOG_DIR="$d/logs" FP_OUT="$d/out.ndjson" FP_DATA="$d/data" FP_PORT="${ports[-1]}" \
    "$co/outrigger" validate -c "$d/pipeline.yaml" > /dev/null 2>&1 || true
done
if [ -n "${FLUENT_BIT:-}" ]; then
  setup fluent-bit
  d="${dirs[-1]}"
  cat > "$d/parsers.conf" <<'EOF'
[PARSER]
    Name   json
    Format json
EOF
  cat > "$d/fluent-bit.conf" <<EOF
[SERVICE]
    Flush        1
    Log_Level    warn
    Parsers_File $d/parsers.conf
    HTTP_Server  On
    HTTP_Listen  127.0.0.1
    HTTP_Port    ${ports[-1]}
[INPUT]
    Name         tail
    Path         $d/logs/*.log
    Read_from_Head On
    DB           $d/data/tail.db
    Parser       json
[OUTPUT]
    Name   file
    Match  *
    Path   $d
    File   out.ndjson
    Format plain
EOF
fi

# start them all
for k in "${!names[@]}"; do
  d="${dirs[$k]}"
  if [ "${names[$k]}" = fluent-bit ]; then
    "$FLUENT_BIT" -c "$d/fluent-bit.conf" > "$d/agent.log" 2>&1 &
  else
    co="${checkouts[$k]}"
    FP_LOG_DIR="$d/logs" FP_OUT="$d/out.ndjson" FP_DATA="$d/data" FP_PORT="${ports[$k]}" \
      "$co/outrigger" run -c "$d/pipeline.yaml" > "$d/agent.log" 2>&1 &
  fi
  pids+=($!)
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
status() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status" 2>/dev/null; }
thread_ticks() { # pid -> "name ticks" per thread, summed by name (digits dropped: outrigger-http-1 -> outrigger-http-)
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(tr -d '\n' < "$t/comm" 2>/dev/null | tr ' ' '_' | sed 's/[0-9]*$//')" \
      "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)"
  done | awk -F'\t' '{s[$1] += $2} END {for (n in s) print n, s[n]}' | sort
}

# ready: the first lines reached the output
for k in "${!names[@]}"; do
  for _ in $(seq 1 600); do
    [ -s "${dirs[$k]}/out.ndjson" ] && break
    kill -0 "${pids[$k]}" 2>/dev/null || { echo "${names[$k]} exited:"; cat "${dirs[$k]}/agent.log"; exit 1; }
    sleep 0.1
  done
done
echo "idle: $files file(s) watched; warm-up ${warmup}s, then $windows window(s) of ${secs}s"
sleep "$warmup"
declare -A before
if [ -n "$per_thread" ]; then for k in "${!names[@]}"; do thread_ticks "${pids[$k]}" > "$work/threads-$k.before"; done; fi
for w in $(seq 1 "$windows"); do
  for k in "${!names[@]}"; do before[$k]=$(ticks "${pids[$k]}"); done
  sleep "$secs"
  for k in "${!names[@]}"; do
    p="${pids[$k]}"
    t=$(( $(ticks "$p") - before[$k] ))
    printf '  window %d  %-12s %5.1f CPU ticks/min   RSS %3d MiB (anon %d + file %d + shmem %d)   threads %d\n' "$w" "${names[$k]}" \
      "$(awk -v t="$t" -v s="$secs" 'BEGIN {print t * 60 / s}')" \
      $(( $(status "$p" VmRSS) / 1024 )) $(( $(status "$p" RssAnon) / 1024 )) $(( $(status "$p" RssFile) / 1024 )) \
      $(( $(status "$p" RssShmem) / 1024 )) "$(status "$p" Threads)"
  done
done
if [ -n "$per_thread" ]; then
  for k in "${!names[@]}"; do
    echo "  ${names[$k]}: ticks per thread over the idle windows (non-zero only)"
    thread_ticks "${pids[$k]}" | join -a1 - "$work/threads-$k.before" \
      | awk '{d = $2 - ($3 == "" ? 0 : $3); if (d > 0) printf "    %-32s %d\n", $1, d}'
  done
fi

# latency: one writer appends to every agent's first file at the same moments; one reader per output file
latency_py="$work/latency.py"
cat > "$latency_py" <<'PY'
import os, sys, threading, time
rate, n = float(sys.argv[1]), int(sys.argv[2])
dirs = sys.argv[3:]
outs = [os.path.join(d, "out.ndjson") for d in dirs]
logs = [open(os.path.join(d, "logs", "app-1.log"), "ab", buffering=0) for d in dirs]
sent = {}
seen = [dict() for _ in dirs]
done = threading.Event()

def reader(i):
    path, got, rest = outs[i], seen[i], b""
    f = None
    while not done.is_set():
        if f is None:
            try:
                f = open(path, "rb")
                f.seek(0, 2)
            except FileNotFoundError:
                time.sleep(0.001)
                continue
        chunk = f.read()
        if not chunk:
            time.sleep(0.001)
            continue
        now = time.monotonic()
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            k = line.find(b"fp-seq-")
            if k >= 0:
                j = k + 7
                while j < len(line) and 48 <= line[j] <= 57:
                    j += 1
                got.setdefault(int(line[k + 7:j]), now)

threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(len(dirs))]
for t in threads: t.start()
time.sleep(0.5)  # the readers are at the end of their files
start = time.monotonic()
for s in range(n):
    at = start + s / rate
    d = at - time.monotonic()
    if d > 0: time.sleep(d)
    line = ('{"level":"INFO","logger":"bench","msg":"fp-seq-%d line appended at a fixed rate"}\n' % s).encode()
    sent[s] = time.monotonic()
    for f in logs: f.write(line)
deadline = time.monotonic() + 10
while time.monotonic() < deadline and any(len(g) < n for g in seen): time.sleep(0.05)
done.set()
for i, d in enumerate(dirs):
    lat = sorted((seen[i][s] - sent[s]) * 1000 for s in seen[i] if s in sent)
    first = (seen[i][0] - sent[0]) * 1000 if 0 in seen[i] else float("nan")
    if not lat:
        print("  %-12s no lines arrived in the file output" % os.path.basename(d)); continue
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
    print("  %-12s first line after idle %6.1f ms   p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms   (%d of %d lines arrived)"
          % (os.path.basename(d), first, pct(0.50), pct(0.99), lat[-1], len(lat), n))
PY
lat_dirs=()
for k in "${!names[@]}"; do [ -e "${dirs[$k]}/out.ndjson" ] && lat_dirs+=("${dirs[$k]}"); done
if [ ${#lat_dirs[@]} -gt 0 ]; then
  echo "latency: $lines lines at $rate lines/s, write to file output"
  python3 "$latency_py" "$rate" "$lines" "${lat_dirs[@]}"
fi
for k in "${!names[@]}"; do
  printf '  %-12s after the latency run: RSS %d MiB, threads %d\n' "${names[$k]}" \
    $(( $(status "${pids[$k]}" VmRSS) / 1024 )) "$(status "${pids[$k]}" Threads)"
done
