package io.outrigger.it.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.it.servers.ElasticsearchServer;
import io.outrigger.outputs.elasticsearch.ElasticsearchOutputConfig;
import io.outrigger.outputs.elasticsearch.ElasticsearchOutputFactory;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Elasticsearch output against a real Elasticsearch 9 (one node for the whole class, see
 * {@link ElasticsearchServer}). The stop/restart test runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ElasticsearchOutputTest {

    private static final Instant T0 = Instant.parse("2026-11-27T05:00:00.123456789Z");
    private static ElasticsearchServer es;
    private static ScheduledExecutorService scheduler;

    @BeforeAll
    static void startServer() throws Exception {
        es = ElasticsearchServer.start();
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stopServer() {
        if (es != null) es.close();
        if (scheduler != null) scheduler.shutdownNow();
    }

    private Output output(String settingsJson) throws Exception {
        String json = "{\"hosts\":[\"" + es.url() + "\"],\"timeout\":\"20s\"," + settingsJson + "}";
        ElasticsearchOutputConfig config = ConfigModule.newMapper().readValue(json, ElasticsearchOutputConfig.class);
        ElasticsearchOutputFactory factory = new ElasticsearchOutputFactory();
        assertEquals(List.of(), factory.validate(config));
        return factory.create(config, new ComponentContext("es-it", Metrics.newIsolated(), InstantSource.system(), scheduler,
                null, CheckpointStore.inMemory(), Map.of()));
    }

    private static LogRecord record(int i, Fields fields) {
        return LogRecord.builder()
                .timestamp(T0.plusSeconds(i))
                .message("line " + i)
                .fields(fields)
                .labels(Labels.of("app", "checkout", "namespace", "shop"))
                .origin(new Origin("app", "/var/log/app.log", "2049:1234", i * 100L, i * 100L + 99))
                .build();
    }

    private static List<LogRecord> records(int from, int to) {
        List<LogRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(record(i, Fields.of("n", Value.of(i))));
        return out;
    }

    private static SendResult send(Output out, List<LogRecord> records) throws Exception {
        return out.send(Batch.of(records)).get(60, TimeUnit.SECONDS);
    }

    @Test
    @Order(1)
    void batchArrivesInDatedIndexWithEcsShape() throws Exception {
        try (Output out = output("\"index\":\"it-batch-%{+yyyy.MM.dd}\"")) {
            assertEquals(SendResult.DELIVERED, send(out, records(0, 50)));
        }
        assertEquals(50, es.count("it-batch-2026.11.27"));
        List<JsonNode> hits = es.search("it-batch-2026.11.27", "{\"query\":{\"term\":{\"n\":7}}}");
        assertEquals(1, hits.size());
        JsonNode doc = hits.getFirst().get("_source");
        assertEquals("line 7", doc.get("message").asText());
        assertEquals("2026-11-27T05:00:07.123456789Z", doc.get("@timestamp").asText());
        assertEquals("checkout", doc.path("labels").path("app").asText());
        assertEquals("/var/log/app.log", doc.path("log").path("file").path("path").asText());
        assertEquals(700, doc.path("log").path("offset").asLong());
    }

    @Test
    @Order(2)
    void dataStreamModeCreatesDocumentsInTheStream() throws Exception {
        es.request("PUT", "/_index_template/it-logs", """
                {"index_patterns":["logs-itapp-*"],"data_stream":{},"priority":500}""");
        try (Output out = output("\"data_stream\":\"logs-itapp-default\"")) {
            assertEquals(SendResult.DELIVERED, send(out, records(0, 10)));
        }
        assertEquals(10, es.count("logs-itapp-default"));
        List<JsonNode> hits = es.search("logs-itapp-default", "{\"query\":{\"match_all\":{}}}");
        assertTrue(hits.getFirst().get("_index").asText().startsWith(".ds-logs-itapp-default-"), hits.getFirst().toString());
    }

    @Test
    @Order(3)
    void poisonedRecordIsRejectedAloneWhileTheOthersArrive() throws Exception {
        try (Output out = output("\"index\":\"it-poison\"")) {
            // the first record maps "status" as a number
            assertEquals(SendResult.DELIVERED, send(out, List.of(record(0, Fields.of("status", Value.of(200))))));
            List<LogRecord> batch = List.of(
                    record(1, Fields.of("status", Value.of(404))),
                    record(2, Fields.of("status", new Value.Obj(Fields.of("code", Value.of(500))))),
                    record(3, Fields.of("status", Value.of(500))));
            SendResult r = send(out, batch);
            SendResult.PerRecord per = assertInstanceOf(SendResult.PerRecord.class, r);
            assertEquals(SendResult.DELIVERED, per.results().get(0));
            SendResult.Rejected rejected = assertInstanceOf(SendResult.Rejected.class, per.results().get(1));
            assertEquals("bad_request", rejected.reason().label());
            assertTrue(rejected.detail().contains("status"), rejected.detail());
            assertTrue(rejected.detail().contains("exception"), rejected.detail());
            assertEquals(SendResult.DELIVERED, per.results().get(2));
        }
        assertEquals(3, es.count("it-poison"));
        assertEquals(List.of("line 0", "line 1", "line 3"),
                es.sources("it-poison").stream().map(d -> d.get("message").asText()).sorted().toList());
    }

    @Test
    @Order(4)
    void deterministicIdsLeaveNoDuplicateWhenABatchIsSentTwice() throws Exception {
        try (Output out = output("\"index\":\"it-dedupe\",\"id\":\"deterministic\"")) {
            List<LogRecord> batch = records(0, 20);
            assertEquals(SendResult.DELIVERED, send(out, batch));
            assertEquals(20, es.count("it-dedupe"));
            // the same records again, as after a crash before the checkpoint: 409s count as delivered
            assertEquals(SendResult.DELIVERED, send(out, batch));
            assertEquals(20, es.count("it-dedupe"));
            // old and new mixed: only the new ones are added
            assertEquals(SendResult.DELIVERED, send(out, records(15, 25)));
            assertEquals(25, es.count("it-dedupe"));
        }
    }

    @Test
    @Order(100)
    void serverStoppedIsRetryableThenDeliveredAfterRestart() throws Exception {
        try (Output out = output("\"index\":\"it-restart\"")) {
            assertEquals(SendResult.DELIVERED, send(out, records(0, 5)));
            es.stop();
            for (int attempt = 0; attempt < 3; attempt++) {
                SendResult r = send(out, records(5, 10));
                SendResult.Retryable retry = assertInstanceOf(SendResult.Retryable.class, r);
                assertEquals("connection", retry.reason().label(), retry.detail());
            }
            es.restart();
            assertEquals(SendResult.DELIVERED, send(out, records(5, 10)));
        }
        assertEquals(10, es.count("it-restart"));
    }
}
