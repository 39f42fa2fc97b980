#!/usr/bin/env bash
# Starts a local single-node Elasticsearch 9 for bench/e2e.sh -o elasticsearch, from the distribution the it-tests
# build unpacks (it-tests/target/elasticsearch). Elasticsearch refuses to run as root: as root, it runs as the
# unprivileged user outrigger-it (created if missing), as the integration tests do.
#   bench/es-server.sh start [PORT]    # prints the URL; data under /tmp/outrigger-bench-es
#   bench/es-server.sh stop
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work=/tmp/outrigger-bench-es
user=outrigger-it
for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do [ -n "$j" ] && [ -x "$j/bin/java" ] && JH="$j" && break; done
case "${1:-start}" in
  stop) pkill -f "$work/es/" 2>/dev/null || true; sleep 2; rm -rf "$work"; exit 0;;
  start) ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2;;
esac
port="${2:-19200}"
dist="$(ls -d "$root"/it-tests/target/elasticsearch/elasticsearch-* 2>/dev/null | head -1 || true)"
if [ -z "$dist" ]; then
  (cd "$root" && ./mvnw -q -B -pl it-tests -am test-compile -DskipTests)
  dist="$(ls -d "$root"/it-tests/target/elasticsearch/elasticsearch-* | head -1)"
fi
rm -rf "$work" && mkdir -p "$work"/{data,logs,tmp} && cp -r "$dist" "$work/es"
cat > "$work/es/config/elasticsearch.yml" <<YML
cluster.name: outrigger-bench
discovery.type: single-node
network.host: 127.0.0.1
http.port: $port
transport.port: $((port + 100))
path.data: $work/data
path.logs: $work/logs
xpack.security.enabled: false
bootstrap.memory_lock: false
cluster.routing.allocation.disk.threshold_enabled: false
YML
run=()
if [ "$(id -u)" = 0 ]; then
  id "$user" >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin "$user"
  chown -R "$user:" "$work"
  run=(runuser -u "$user" --)
fi
nohup "${run[@]}" env -u JAVA_HOME HOME="$work" ES_JAVA_HOME="$JH" ES_PATH_CONF="$work/es/config" ES_TMPDIR="$work/tmp" \
  ES_JAVA_OPTS="-Xms1g -Xmx1g" "$work/es/bin/elasticsearch" > "$work/console.log" 2>&1 &
for _ in $(seq 1 180); do
  if curl -sf "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
    echo "http://127.0.0.1:$port"; exit 0
  fi
  sleep 1
done
echo "Elasticsearch did not start; see $work/console.log and $work/logs" >&2; exit 1
