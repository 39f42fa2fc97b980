package io.outrigger.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The agent's log lines, and the Kafka client's (SLF4J) routed into them at error only unless debugging. */
class LogSetupTest {

    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    /** Configures logging with stderr captured (the console handler takes System.err when it is made). */
    private void configure(String format, String level) {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LogSetup.configure(format, level);
    }

    private List<String> lines() {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @AfterEach
    void restore() {
        System.setErr(stderr);
        LogSetup.configure("json", "info");
    }

    @Test
    void kafkaClientErrorsBecomeAgentLogLinesItsWarningsAndInfoDoNot() {
        configure("json", "info");
        org.slf4j.Logger kafka = LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
        kafka.info("ProducerConfig values: acks = -1");
        kafka.warn("Connection to node -1 could not be established. Node may not be available.");
        kafka.error("Connection to node 1 failed authentication due to: {}", "Authentication failed");
        System.getLogger("io.outrigger.agent.Test").log(System.Logger.Level.INFO, "agent line");
        List<String> out = lines();
        assertEquals(2, out.size(), out.toString());
        assertTrue(out.get(0).contains("\"level\":\"error\",\"logger\":\"NetworkClient\","
                + "\"msg\":\"Connection to node 1 failed authentication due to: Authentication failed\""), out.get(0));
        assertTrue(out.get(1).contains("\"msg\":\"agent line\""), out.get(1));
        assertFalse(String.join("\n", out).contains("SLF4J"), "no SLF4J warnings about a missing binding");
    }

    @Test
    void debugLetsTheKafkaClientsWarningsThrough() {
        configure("text", "debug");
        LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient").warn("Connection to node -1 could not be established.");
        List<String> out = lines();
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).contains("WARN NetworkClient: Connection to node -1 could not be established."), out.get(0));
    }
}
