package io.outrigger.it.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.outrigger.agent.config.ComponentRegistry;
import io.outrigger.agent.config.ConfigLoader;
import io.outrigger.agent.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Kubernetes example parses, its ConfigMap's pipeline passes the same validation as {@code outrigger
 * validate}, and the sidecar's probes, ports, mounts and grace period agree with that pipeline.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Stream<Path> manifests() throws IOException {
        Path dir = Path.of(System.getProperty("outrigger.root", "..")).resolve("packaging/kubernetes");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no manifests under " + dir);
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void manifestAgreesWithItsPipeline(Path manifest) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(manifest.toFile())) {
            while (it.hasNext()) docs.add((JsonNode) it.next());
        }
        JsonNode configMap = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        String pipelineText = configMap.path("data").path("pipeline.yaml").asText();
        assertFalse(pipelineText.isBlank(), manifest + ": the ConfigMap has no pipeline.yaml");
        PipelineConfig config = new ConfigLoader(Map.of("POD_NAME", "checkout-7d9f", "POD_NAMESPACE", "shop", "NODE_NAME", "node-1"),
                ComponentRegistry.load()).parse(pipelineText, Path.of(manifest.getFileName() + "#pipeline.yaml"));

        JsonNode workload = docs.stream().filter(d -> !d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        JsonNode pod = switch (workload.path("kind").asText()) {
            case "Pod" -> workload.path("spec");
            case "Deployment", "Job", "StatefulSet", "DaemonSet" -> workload.path("spec").path("template").path("spec");
            default -> throw new AssertionError("unexpected kind " + workload.path("kind"));
        };
        JsonNode sidecar = null;
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode c : pod.path(list)) if (c.path("name").asText().equals("outrigger")) sidecar = c;
        }
        assertNotNull(sidecar, manifest + ": no container named outrigger");

        int port = Integer.parseInt(config.agent().httpListen().substring(config.agent().httpListen().lastIndexOf(':') + 1));
        boolean portDeclared = false;
        for (JsonNode p : sidecar.path("ports")) portDeclared |= p.path("containerPort").asInt() == port;
        assertTrue(portDeclared, manifest + ": containerPort " + port + " (agent.http.listen) is not declared");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            JsonNode get = sidecar.path(probe).path("httpGet");
            if (get.isMissingNode()) continue;
            assertEquals(port, get.path("port").asInt(), manifest + ": " + probe + " port");
            assertEquals(probe.equals("readinessProbe") ? "/readyz" : "/healthz", get.path("path").asText(), manifest + ": " + probe + " path");
        }
        assertFalse(sidecar.path("readinessProbe").isMissingNode(), manifest + ": the sidecar has no readiness probe");

        // the config file the args name is the ConfigMap, mounted where the args say
        String configArg = sidecar.path("args").get(sidecar.path("args").size() - 1).asText();
        String configMapVolume = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("configMap").path("name").asText().equals(configMap.path("metadata").path("name").asText())) configMapVolume = v.path("name").asText();
        }
        assertNotNull(configMapVolume, manifest + ": no volume from the ConfigMap");
        boolean mounted = false;
        boolean dataMounted = false;
        boolean logsMounted = false;
        boolean tmpMounted = false;
        for (JsonNode m : sidecar.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals("/tmp")) tmpMounted = true;
            if (m.path("name").asText().equals(configMapVolume) && configArg.equals(m.path("mountPath").asText() + "/pipeline.yaml")) mounted = true;
            if (m.path("mountPath").asText().equals(config.agent().dataDir().toString())) dataMounted = true;
            if (m.path("mountPath").asText().equals("/var/log")) logsMounted = true;
        }
        assertTrue(mounted, manifest + ": " + configArg + " is not the mounted ConfigMap");
        assertTrue(dataMounted, manifest + ": data_dir " + config.agent().dataDir() + " is not a mounted volume (checkpoints would be lost)");
        assertTrue(logsMounted, manifest + ": /var/log is not mounted");
        // the JVM and snappy-java (Loki's compression) write to /tmp; a read-only root needs a volume there
        assertTrue(sidecar.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), manifest + ": the root filesystem is not read-only");
        assertTrue(tmpMounted, manifest + ": readOnlyRootFilesystem without a volume at /tmp (snappy-java cannot unpack its library)");

        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        assertTrue(config.agent().shutdownTimeout().getSeconds() < grace,
                manifest + ": shutdown_timeout must be below terminationGracePeriodSeconds (" + grace + "s)");
        assertFalse(sidecar.path("resources").path("limits").path("memory").isMissingNode(), manifest + ": no memory limit");
    }
}
