#!/usr/bin/env bash
# What KafkaProducer alone costs per record, sent as the Kafka output sends (see ProducerCost.java):
#   bench/kafka/producer-cost.sh [BOOTSTRAP]    # a broker: bench/kafka-broker.sh start 19092
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/outrigger" --version > /dev/null # builds the agent jar (which holds kafka-clients) if it is missing or stale
for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do [ -n "$j" ] && [ -x "$j/bin/java" ] && JAVA="$j/bin/java" && break; done
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx256m -XX:+UseSerialGC -cp "$root/agent/target/outrigger.jar" \
  "$root/bench/kafka/ProducerCost.java" "$@" 2> >(grep -v SLF4J >&2)
