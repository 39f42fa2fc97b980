package io.outrigger.agent.convert;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.checkpoint.FileCheckpoint;
import io.outrigger.inputs.file.FileIdentity;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Imports Promtail's positions file ({@code positions: {/var/log/app.log: "1234"}}) into Outrigger's checkpoints,
 * so the agent goes on where Promtail stopped: each path is matched to the file inputs that read it, and the file's
 * identity is taken as it is on disk now. A file now shorter than its position was truncated: it is reported and
 * read from its start (offset 0). Paths no input reads, files gone, and entries that are not files (journal
 * cursors) are reported and skipped.
 */
public final class PositionsImport {

    /** One line of the report; {@code imported} ones became checkpoints. */
    public record Entry(String path, boolean imported, String what) {
        @Override public String toString() { return path + ": " + what; }
    }

    private PositionsImport() {}

    /** Reads {@code positions}, writes the checkpoints under {@code dataDir}, and says what it did per entry. */
    public static List<Entry> run(Path positions, List<PromtailConverter.InputPaths> inputs, Path dataDir) throws IOException {
        List<Entry> report = new ArrayList<>();
        List<String[]> entries = read(Files.readString(positions, StandardCharsets.UTF_8), positions);
        CheckpointStore store = CheckpointStore.open(dataDir);
        for (String[] e : entries) {
            String path = e[0];
            if (!path.startsWith("/")) {
                report.add(new Entry(path, false, "not a file path (a journal cursor or another target); skipped"));
                continue;
            }
            long offset;
            try {
                offset = Long.parseLong(e[1].trim());
            } catch (NumberFormatException ex) {
                report.add(new Entry(path, false, "position \"" + e[1] + "\" is not a byte offset; skipped"));
                continue;
            }
            Path file = Path.of(path);
            List<String> readers = new ArrayList<>();
            for (PromtailConverter.InputPaths in : inputs) {
                if (FileIdentity.matches(in.paths(), in.exclude(), file)) readers.add(in.name());
            }
            if (readers.isEmpty()) {
                report.add(new Entry(path, false, "no input reads this path; skipped"));
                continue;
            }
            FileIdentity id;
            try {
                id = FileIdentity.of(file);
            } catch (NoSuchFileException ex) {
                report.add(new Entry(path, false, "the file is gone; skipped"));
                continue;
            }
            long at = offset;
            String what;
            if (offset > id.size()) {
                at = 0;
                what = "position " + offset + " is past the file's size " + id.size() + " (truncated since): read from the start";
            } else {
                what = "continues at byte " + offset + " of " + id.size();
            }
            for (String input : readers) {
                FileCheckpoint old = store.get(input, id.fileId());
                store.put(new FileCheckpoint(input, path, id.fileId(), id.fingerprint(), at));
                report.add(new Entry(path, true, "input " + input + " " + what
                        + (old == null ? "" : " (replaced its checkpoint at " + old.offset() + ")")));
            }
        }
        store.flush();
        return report;
    }

    /** The (path, position) pairs of a positions file. */
    static List<String[]> read(String text, Path where) throws IOException {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (YAMLException e) {
            throw new IOException(where + ": not a Promtail positions file: " + e.getMessage());
        }
        List<String[]> out = new ArrayList<>();
        if (root == null) return out;
        Node positions = null;
        if (root instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("positions")) positions = t.getValueNode();
            }
        }
        if (positions instanceof ScalarNode s && s.getValue().isEmpty()) return out;
        if (!(positions instanceof MappingNode pm)) throw new IOException(where + ": not a Promtail positions file (expected a \"positions:\" map of path: offset)");
        for (NodeTuple t : pm.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) out.add(new String[] {k.getValue(), v.getValue()});
        }
        return out;
    }
}
