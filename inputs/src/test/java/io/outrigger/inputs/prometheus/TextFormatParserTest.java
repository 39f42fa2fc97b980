package io.outrigger.inputs.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: an exposition body and what the parser must report, samples and skipped lines in order. */
class TextFormatParserTest {

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("plain sample", "foo 1\n", List.of("foo{} 1.0 untyped")),
                Arguments.of("no trailing newline, CRLF", "a 1\r\nb 2", List.of("a{} 1.0 untyped", "b{} 2.0 untyped")),
                Arguments.of("comments, HELP and TYPE", """
                        # a free comment
                        # HELP http_requests_total The total number of HTTP requests.
                        # TYPE http_requests_total counter
                        http_requests_total{method="post",code="200"} 1027 1395066363000
                        http_requests_total{method="post",code="400"}    3 1395066363000

                        """, List.of("http_requests_total{method=post,code=200} 1027.0 counter @1395066363000",
                        "http_requests_total{method=post,code=400} 3.0 counter @1395066363000")),
                Arguments.of("escapes in label values", """
                        msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
                        """, List.of("msdos_file_access_time_seconds{path=C:\\DIR\\FILE.TXT,error=Cannot find file:\n\"FILE.TXT\"} 1.458255915E9 untyped")),
                Arguments.of("special values and signs", """
                        a +Inf
                        b -Inf
                        c NaN
                        d -0.5e-3
                        e 12345678901234567890
                        """, List.of("a{} Infinity untyped", "b{} -Infinity untyped", "c{} NaN untyped", "d{} -5.0E-4 untyped",
                        "e{} 1.2345678901234567E19 untyped")),
                Arguments.of("histogram family", """
                        # TYPE http_request_duration_seconds histogram
                        http_request_duration_seconds_bucket{le="0.05"} 24054
                        http_request_duration_seconds_bucket{le="+Inf"} 144320
                        http_request_duration_seconds_sum 53423
                        http_request_duration_seconds_count 144320
                        """, List.of("http_request_duration_seconds_bucket{le=0.05} 24054.0 histogram",
                        "http_request_duration_seconds_bucket{le=+Inf} 144320.0 histogram",
                        "http_request_duration_seconds_sum{} 53423.0 histogram",
                        "http_request_duration_seconds_count{} 144320.0 histogram")),
                Arguments.of("summary family", """
                        # TYPE rpc_duration_seconds summary
                        rpc_duration_seconds{quantile="0.5"} 4773
                        rpc_duration_seconds_sum 1.7560473e+07
                        rpc_duration_seconds_count 2693
                        """, List.of("rpc_duration_seconds{quantile=0.5} 4773.0 summary",
                        "rpc_duration_seconds_sum{} 1.7560473E7 summary", "rpc_duration_seconds_count{} 2693.0 summary")),
                Arguments.of("gauge, trailing comma, spaces, colon names", """
                        # TYPE job:temp:avg gauge
                        job:temp:avg{ a = "x" , b="y", } 21.5
                        """, List.of("job:temp:avg{a=x,b=y} 21.5 gauge")),
                Arguments.of("OpenMetrics counter family and EOF", """
                        # TYPE requests counter
                        requests_total 5
                        # EOF
                        """, List.of("requests_total{} 5.0 counter")),
                Arguments.of("malformed lines are skipped, the rest kept", """
                        ok_before 1
                        9bad_name 1
                        no_value
                        no_value_labels{a="b"}
                        bad_value{a="b"} abc
                        java_suffix 1d
                        unclosed{a="b" 1
                        unquoted{a=b} 1
                        duplicate{a="1",a="2"} 1
                        bad_label_name{1a="x"} 1
                        bad_ts 1 12x
                        extra 1 2 3
                        # TYPE weird histogramm
                        # TYPE
                        ok_after{a="b"} 2 -5
                        """, List.of("ok_before{} 1.0 untyped", "error line 2 bad_name", "error line 3 bad_value",
                        "error line 4 bad_value", "error line 5 bad_value", "error line 6 bad_value",
                        "error line 7 bad_labels", "error line 8 bad_labels", "error line 9 bad_labels",
                        "error line 10 bad_labels", "error line 11 bad_timestamp", "error line 12 bad_timestamp",
                        "error line 13 bad_type", "error line 14 bad_type", "ok_after{a=b} 2.0 untyped @-5")),
                Arguments.of("unterminated escape at end of line", "x{a=\"b\\\n", List.of("error line 1 bad_labels")),
                Arguments.of("empty body", "", List.of()),
                Arguments.of("garbage html", "<html>\n<body>oops</body>\n</html>\n",
                        List.of("error line 1 bad_name", "error line 2 bad_name", "error line 3 bad_name")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void parses(String title, String body, List<String> expected) {
        List<String> got = new ArrayList<>();
        new TextFormatParser().parse(body, new TextFormatParser.Sink() {
            @Override public void sample(String name, List<String> labels, double value, long ts, String type) {
                StringBuilder sb = new StringBuilder(name).append('{');
                for (int i = 0; i < labels.size(); i += 2) {
                    if (i > 0) sb.append(',');
                    sb.append(labels.get(i)).append('=').append(labels.get(i + 1));
                }
                sb.append("} ").append(value).append(' ').append(type);
                if (ts != TextFormatParser.NO_TIMESTAMP) sb.append(" @").append(ts);
                got.add(sb.toString());
            }

            @Override public void error(int lineNumber, String reason, String line) {
                got.add("error line " + lineNumber + " " + reason);
            }
        });
        assertEquals(expected, got);
    }
}
