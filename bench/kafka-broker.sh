#!/usr/bin/env bash
# Starts a local single-node Kafka 4 broker (KRaft combined mode) for bench/e2e.sh -o kafka, from the broker jars
# the it-tests build resolves (./mvnw -pl it-tests -am test-compile writes it-tests/target/kafka-broker.classpath).
#   bench/kafka-broker.sh start [PORT]    # prints the bootstrap address; data under /tmp/outrigger-bench-kafka
#   bench/kafka-broker.sh stop
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=/tmp/outrigger-bench-kafka
for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do [ -n "$j" ] && [ -x "$j/bin/java" ] && JAVA="$j/bin/java" && break; done
case "${1:-start}" in
  stop)
    [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null || true
    rm -rf "$dir"; exit 0;;
  start) ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2;;
esac
port="${2:-19092}"
cp_file="$root/it-tests/target/kafka-broker.classpath"
[ -f "$cp_file" ] || (cd "$root" && ./mvnw -q -B -pl it-tests -am test-compile -DskipTests)
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((port + 1))
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$((port + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
cp="$(cat "$cp_file")"
cluster="$("$JAVA" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
"$JAVA" -cp "$cp" kafka.tools.StorageTool format -t "$cluster" -c "$dir/server.properties" > "$dir/format.log" 2>&1
nohup "$JAVA" -Xmx512m -cp "$cp" kafka.Kafka "$dir/server.properties" > "$dir/broker.log" 2>&1 &
echo $! > "$dir/pid"
for _ in $(seq 1 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then sleep 2; echo "127.0.0.1:$port"; exit 0; fi
  sleep 0.5
done
echo "broker did not start; see $dir/broker.log" >&2; exit 1
