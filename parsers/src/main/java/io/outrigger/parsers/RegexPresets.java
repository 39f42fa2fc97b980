package io.outrigger.parsers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The built-in regex patterns, with the field names of Fluent Bit's parsers.conf. In {@code nginx_combined} the
 * agent runs to the line's last quote: nginx writes a client's {@code "} inside the user agent unescaped.
 */
final class RegexPresets {

    record Preset(String pattern, Map<String, String> types, String timeFormat) {}

    static final Map<String, Preset> ALL;

    static {
        Map<String, Preset> m = new LinkedHashMap<>();
        m.put("nginx_combined", new Preset(
                "^(?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>[^ \"]+)"
                        + "(?: +(?<path>[^ \"]*)(?: +[^\"]*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*)"
                        + "(?: \"(?<referer>[^\"]*)\" \"(?<agent>.*)\")?.*$",
                Map.of("code", "int", "size", "int"), "dd/MMM/yyyy:HH:mm:ss Z"));
        m.put("apache_common", new Preset(
                "^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)"
                        + "(?: +(?<path>[^ ]*) +\\S*)?\" (?<code>[^ ]*) (?<size>[^ ]*)"
                        + "(?: \"(?<referer>[^\"]*)\" \"(?<agent>[^\"]*)\")?$",
                Map.of("code", "int", "size", "int"), "dd/MMM/yyyy:HH:mm:ss Z"));
        m.put("apache_error", new Preset(
                "^\\[[^ ]* (?<time>[^\\]]*)\\] \\[(?<level>[^\\]]*)\\](?: \\[pid (?<pid>[^\\]]*)\\])?"
                        + "(?: \\[client (?<client>[^\\]]*)\\])? (?<message>.*)$",
                Map.of(), "none"));
        m.put("syslog_rfc3164", new Preset(
                "^<(?<pri>[0-9]+)>(?<time>[^ ]* {1,2}[^ ]* [^ ]*) (?<host>[^ ]*) (?<ident>[a-zA-Z0-9_/.\\-]*)"
                        + "(?:\\[(?<pid>[0-9]+)\\])?(?:[^:]*:)? *(?<message>.*)$",
                Map.of("pri", "int", "pid", "int"), "rfc3164"));
        m.put("syslog_rfc5424", new Preset(
                "^<(?<pri>[0-9]{1,5})>1 (?<time>[^ ]+) (?<host>[^ ]+) (?<ident>[^ ]+) (?<pid>[^ ]+) (?<msgid>[^ ]+) "
                        + "(?<extradata>-|(?:\\[(?:[^\\]\"\\\\]++|\\\\.|\"(?:[^\"\\\\]++|\\\\.)*+\")*+\\])++)"
                        + "(?: (?:\\x{FEFF})?(?<message>.*))?$",
                Map.of("pri", "int", "pid", "int"), "rfc3339"));
        ALL = Map.copyOf(m);
    }

    static String known() { return String.join(", ", new java.util.TreeSet<>(ALL.keySet())); }

    private RegexPresets() {}
}
