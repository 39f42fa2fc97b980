package io.outrigger.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in config values; {@code $${} is a literal {@code ${}. As in a shell,
 * the default is used when the variable is unset or empty.
 */
final class EnvSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The text after substitution, or the problems that prevent it (messages for the value's key path). */
    record Result(String text, boolean wholeVariable, List<String> problems) {}

    private final Map<String, String> env;

    EnvSubstitution(Map<String, String> env) { this.env = Map.copyOf(env); }

    Result apply(String text) {
        if (text.indexOf('$') < 0) return new Result(text, false, List.of());
        StringBuilder out = new StringBuilder(text.length());
        List<String> problems = new ArrayList<>();
        int references = 0;
        boolean onlyReference = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add("unclosed \"${\" (write $${ for a literal ${)");
                    break;
                }
                String body = text.substring(i + 2, end);
                int sep = body.indexOf(":-");
                String name = sep < 0 ? body : body.substring(0, sep);
                String fallback = sep < 0 ? null : body.substring(sep + 2);
                if (!NAME.matcher(name).matches()) {
                    problems.add("invalid variable reference \"${" + name + "}\" (expected ${NAME} or ${NAME:-default};"
                            + " write $${ for a literal ${)");
                } else {
                    String value = env.get(name);
                    if (value == null || (value.isEmpty() && fallback != null)) value = fallback;
                    if (value == null) {
                        problems.add("environment variable " + name + " is not set (use ${" + name
                                + ":-default} to give a default)");
                    } else {
                        out.append(value);
                    }
                }
                references++;
                onlyReference = i == 0 && end == text.length() - 1;
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Result(out.toString(), references == 1 && onlyReference, problems);
    }
}
