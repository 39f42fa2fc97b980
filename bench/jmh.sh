#!/usr/bin/env bash
# Runs the JMH micro-benchmarks (bench module): bench/jmh.sh [JMH args], e.g.
#   bench/jmh.sh                       # every benchmark, with the settings in StageBenchmark
#   bench/jmh.sh -f 1 -wi 1 -i 3 Json  # one benchmark, fewer iterations
# bench/jmh.sh -cpu prints lines per CPU-second of the benchmark thread instead (ParserCpuRate): steadier on a
# shared machine than JMH's wall-clock scores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do [ -n "$j" ] && [ -x "$j/bin/java" ] && export JAVA_HOME="$j" && break; done
cp_file="$root/bench/target/bench.classpath"
(cd "$root" && ./mvnw -q -B -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$cp_file")
cp="$root/bench/target/classes:$(cat "$cp_file")"
# varied JSON lines for JsonVariedBenchmark (bench/gen-logs.py; the same seed every time)
export OUTRIGGER_BENCH_JSON="$root/bench/target/varied-json.log"
[ -s "$OUTRIGGER_BENCH_JSON" ] || python3 "$root/bench/gen-logs.py" 20000 > "$OUTRIGGER_BENCH_JSON"
if [ "${1:-}" = "-cpu" ]; then
  exec "$JAVA_HOME/bin/java" -cp "$cp" io.outrigger.bench.parsers.ParserCpuRate
fi
exec "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main "$@"
