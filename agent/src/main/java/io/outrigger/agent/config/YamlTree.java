package io.outrigger.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.outrigger.core.config.ConfigException;
import io.outrigger.core.config.ConfigProblem;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document read with Jackson's streaming {@link YAMLParser} into a small tree that keeps the line of every
 * key and list item (a {@link JsonNode} would lose them), with {@code ${VAR}} substituted in scalar values.
 */
final class YamlTree {

    private YamlTree() {}

    sealed interface Node permits MapNode, ListNode, Scalar {
        int line();
    }

    record Entry(String key, int line, Node value) {}

    record MapNode(int line, Map<String, Entry> entries) implements Node {
        Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }
    }

    record ListNode(int line, List<Node> items) implements Node {}

    /** A scalar as YAML typed it: text, number, boolean or null. */
    record Scalar(int line, JsonNode value) implements Node {
        boolean isText() { return value.isTextual(); }

        String text() { return value.asText(); }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** YAML 1.2 style scalars: only true/false are booleans (not yes/no/on/off); an empty value is null. */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    /**
     * Parses {@code text}; returns the root (null for an empty document). Lines of key paths go to
     * {@code problems}, as do substitution problems; a YAML syntax error is thrown at once.
     */
    static Node parse(String text, EnvSubstitution env, Problems problems) throws ConfigException {
        String[] sourceLines = text.split("\r\n|\r|\n", -1);
        try (JsonParser p = FACTORY.createParser(text)) {
            Reader reader = new Reader(p, env, problems, sourceLines);
            if (p.nextToken() == null) return null;
            Node root = reader.value("", true);
            if (p.nextToken() != null) {
                problems.add(new ConfigProblem("", 0, "a config file holds one YAML document; found another at line "
                        + p.currentTokenLocation().getLineNr()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(syntaxError(e)));
        } catch (IOException e) {
            throw new ConfigException("", "cannot read the YAML: " + e.getMessage());
        }
    }

    /** The syntax problem and its position, without echoing the source text (it may hold a secret). */
    private static ConfigProblem syntaxError(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String problem = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m) {
                problem = m.getProblem();
                if (m.getProblemMark() != null) {
                    loc = new JsonLocation(null, -1, m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1);
                }
                break;
            }
        }
        if (problem == null) {
            String original = e.getOriginalMessage();
            problem = original == null ? "unreadable YAML" : original.lines().findFirst().orElse("unreadable YAML");
        }
        String where = loc == null || loc.getLineNr() <= 0 ? ""
                : " at line " + loc.getLineNr() + (loc.getColumnNr() > 0 ? ", column " + loc.getColumnNr() : "");
        return new ConfigProblem("", 0, "YAML syntax error" + where + ": " + problem);
    }

    private static final class Reader {
        private final JsonParser p;
        private final EnvSubstitution env;
        private final Problems problems;
        private final String[] sourceLines;

        Reader(JsonParser p, EnvSubstitution env, Problems problems, String[] sourceLines) {
            this.p = p;
            this.env = env;
            this.problems = problems;
            this.sourceLines = sourceLines;
        }

        /** Reads the value at the current token. */
        Node value(String path, boolean substitute) throws IOException {
            JsonToken t = p.currentToken();
            int line = p.currentTokenLocation().getLineNr();
            switch (t) {
                case START_OBJECT -> {
                    Map<String, Entry> entries = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        int keyLine = p.currentTokenLocation().getLineNr();
                        String childPath = path.isEmpty() ? key : path + "." + key;
                        p.nextToken();
                        boolean sub = substitute && !(path.isEmpty() && key.equals("tests"));
                        Entry previous = entries.get(key);
                        if (previous == null) problems.line(childPath, keyLine);
                        Node v = value(childPath, sub);
                        if (previous != null) {
                            problems.add(new ConfigProblem(childPath, keyLine,
                                    "duplicate key \"" + key + "\" (first at line " + previous.line() + ")"));
                        } else {
                            entries.put(key, new Entry(key, keyLine, v));
                        }
                    }
                    return new MapNode(line, Collections.unmodifiableMap(entries));
                }
                case START_ARRAY -> {
                    List<Node> items = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        String itemPath = path + "[" + items.size() + "]";
                        problems.line(itemPath, p.currentTokenLocation().getLineNr());
                        items.add(value(itemPath, substitute));
                    }
                    return new ListNode(line, Collections.unmodifiableList(items));
                }
                case VALUE_STRING -> {
                    if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                        problems.addBroken(path, "YAML aliases (*" + p.getText() + ") are not supported; write the value out");
                        return new Scalar(line, NODES.nullNode());
                    }
                    String text = p.getText();
                    if (!substitute) return new Scalar(line, NODES.textNode(text));
                    EnvSubstitution.Result r = env.apply(text);
                    if (!r.problems().isEmpty()) {
                        r.problems().forEach(m -> problems.add(new ConfigProblem(path, line, m)));
                        problems.markBroken(path);
                        return new Scalar(line, NODES.nullNode());
                    }
                    if (r.wholeVariable() && isPlain(p.currentTokenLocation())) return new Scalar(line, typed(r.text()));
                    return new Scalar(line, NODES.textNode(r.text()));
                }
                case VALUE_NUMBER_INT -> {
                    return new Scalar(line, switch (p.getNumberType()) {
                        case INT -> NODES.numberNode(p.getIntValue());
                        case LONG -> NODES.numberNode(p.getLongValue());
                        default -> NODES.numberNode(p.getBigIntegerValue());
                    });
                }
                case VALUE_NUMBER_FLOAT -> {
                    return new Scalar(line, NODES.numberNode(p.getDoubleValue()));
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    return new Scalar(line, NODES.booleanNode(t == JsonToken.VALUE_TRUE));
                }
                case VALUE_NULL -> {
                    return new Scalar(line, NODES.nullNode());
                }
                default -> {
                    problems.addBroken(path, "unsupported YAML value (binary or tagged data)");
                    return new Scalar(line, NODES.nullNode());
                }
            }
        }

        /** True when the scalar at {@code loc} is written plain (not quoted, not a block scalar, not tagged). */
        private boolean isPlain(JsonLocation loc) {
            int line = loc.getLineNr() - 1;
            int column = loc.getColumnNr() - 1;
            if (line < 0 || line >= sourceLines.length || column < 0) return false;
            String s = sourceLines[line];
            int index;
            try {
                index = s.offsetByCodePoints(0, column);
            } catch (IndexOutOfBoundsException e) {
                return false;
            }
            if (index >= s.length()) return false;
            char c = s.charAt(index);
            return c != '"' && c != '\'' && c != '|' && c != '>' && c != '!';
        }
    }

    /** A substituted plain value, typed as YAML would have typed it had it been written there. */
    private static JsonNode typed(String s) {
        if (INT.matcher(s).matches()) {
            BigInteger n = new BigInteger(s.startsWith("+") ? s.substring(1) : s);
            if (n.bitLength() < 32) return NODES.numberNode(n.intValue());
            if (n.bitLength() < 64) return NODES.numberNode(n.longValue());
            return NODES.numberNode(n);
        }
        if (FLOAT.matcher(s).matches()) return NODES.numberNode(Double.parseDouble(s));
        if (s.equals("true") || s.equals("True") || s.equals("TRUE")) return NODES.booleanNode(true);
        if (s.equals("false") || s.equals("False") || s.equals("FALSE")) return NODES.booleanNode(false);
        return NODES.textNode(s);
    }

    /** The node as a Jackson tree, for binding. */
    static JsonNode toJson(Node n) {
        if (n == null) return NODES.nullNode();
        return switch (n) {
            case Scalar s -> s.value();
            case ListNode l -> {
                ArrayNode a = NODES.arrayNode();
                l.items().forEach(i -> a.add(toJson(i)));
                yield a;
            }
            case MapNode m -> {
                ObjectNode o = NODES.objectNode();
                m.entries().forEach((k, e) -> o.set(k, toJson(e.value())));
                yield o;
            }
        };
    }

    /** The node as plain Java values: String, Integer, Long, BigInteger, Double, Boolean, null, Map, List. */
    static Object toJava(Node n) {
        if (n == null) return null;
        return switch (n) {
            case Scalar s -> {
                JsonNode v = s.value();
                if (v.isNull()) yield null;
                if (v.isTextual()) yield v.textValue();
                if (v.isBoolean()) yield v.booleanValue();
                if (v.isInt()) yield v.intValue();
                if (v.isLong()) yield v.longValue();
                if (v.isBigInteger()) yield v.bigIntegerValue();
                if (v.isNumber()) yield v.doubleValue();
                yield v.asText();
            }
            case ListNode l -> {
                List<Object> out = new ArrayList<>();
                l.items().forEach(i -> out.add(toJava(i)));
                yield Collections.unmodifiableList(out);
            }
            case MapNode m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.entries().forEach((k, e) -> out.put(k, toJava(e.value())));
                yield Collections.unmodifiableMap(out);
            }
        };
    }
}
