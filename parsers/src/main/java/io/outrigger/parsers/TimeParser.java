package io.outrigger.parsers;

import io.outrigger.core.event.Value;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;

/**
 * Parses record times into epoch nanoseconds. Formats: {@code auto}, {@code rfc3339}, {@code rfc3339nano},
 * {@code iso8601}, {@code unix}, {@code unix_ms}, {@code unix_us}, {@code unix_ns}, {@code rfc3164} (syslog's
 * year-less {@code Oct  5 12:00:00}), or a {@link DateTimeFormatter} pattern (a strftime pattern with {@code %} is
 * translated). Built once per stage; {@link #parse} never throws and returns {@link #FAILED} on bad input.
 */
final class TimeParser {

    static final long FAILED = Long.MIN_VALUE;
    static final List<String> NAMED = List.of("auto", "rfc3339", "rfc3339nano", "iso8601", "unix", "unix_ms",
            "unix_us", "unix_ns", "rfc3164");

    private enum Kind { AUTO, RFC3339, ISO8601, UNIX, PATTERN, YEARLESS, CLF }

    private final Kind kind;
    private final long unitNanos;
    private final ZoneId zone;
    private final ZoneOffset fixedOffset;
    private final DateTimeFormatter formatter;
    private final InstantSource clock;
    private final boolean collapseSpaces;

    private TimeParser(Kind kind, long unitNanos, ZoneId zone, DateTimeFormatter formatter, InstantSource clock,
                       boolean collapseSpaces) {
        this.kind = kind;
        this.unitNanos = unitNanos;
        this.zone = zone;
        this.fixedOffset = zone instanceof ZoneOffset o ? o : zone.getRules().isFixedOffset()
                ? zone.getRules().getOffset(Instant.EPOCH) : null;
        this.formatter = formatter;
        this.clock = clock;
        this.collapseSpaces = collapseSpaces;
    }

    /**
     * @throws IllegalArgumentException if the format is not a known name or a valid pattern (message says why)
     */
    static TimeParser of(String format, ZoneId zone, InstantSource clock) {
        String f = format == null ? "auto" : format;
        return switch (f) {
            case "auto" -> new TimeParser(Kind.AUTO, 1, zone, null, clock, false);
            case "rfc3339", "rfc3339nano" -> new TimeParser(Kind.RFC3339, 1, zone, null, clock, false);
            case "iso8601" -> new TimeParser(Kind.ISO8601, 1, zone, DateTimeFormatter.ISO_DATE_TIME, clock, false);
            case "unix" -> new TimeParser(Kind.UNIX, 1_000_000_000L, zone, null, clock, false);
            case "unix_ms" -> new TimeParser(Kind.UNIX, 1_000_000L, zone, null, clock, false);
            case "unix_us" -> new TimeParser(Kind.UNIX, 1_000L, zone, null, clock, false);
            case "unix_ns" -> new TimeParser(Kind.UNIX, 1L, zone, null, clock, false);
            case "rfc3164" -> new TimeParser(Kind.YEARLESS, 1, zone, formatter("MMM d HH:mm:ss"), clock, true);
            case "dd/MMM/yyyy:HH:mm:ss Z", "dd/MMM/yyyy:HH:mm:ss xx", "%d/%b/%Y:%H:%M:%S %z" ->
                    new TimeParser(Kind.CLF, 1, zone, formatter("dd/MMM/yyyy:HH:mm:ss Z"), clock, false);
            default -> {
                String pattern = f.indexOf('%') >= 0 ? fromStrftime(f) : f;
                DateTimeFormatter fmt = formatter(pattern);
                boolean hasYear = pattern.replaceAll("'[^']*'", "").matches(".*[yuY].*");
                boolean hasDate = pattern.replaceAll("'[^']*'", "").matches(".*[MLdDQ].*") || !hasYear;
                if (!hasDate) throw new IllegalArgumentException("time pattern \"" + f + "\" has no month or day");
                yield new TimeParser(hasYear ? Kind.PATTERN : Kind.YEARLESS, 1, zone, fmt, clock, false);
            }
        };
    }

    private static DateTimeFormatter formatter(String pattern) {
        return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern).toFormatter(Locale.ENGLISH);
    }

    /** Translates the strftime subset Fluent Bit users write ({@code %d/%b/%Y:%H:%M:%S %z}). */
    static String fromStrftime(String s) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%' || i + 1 == s.length()) {
                literal.append(c);
                continue;
            }
            char d = s.charAt(++i);
            String p = switch (d) {
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'm' -> "MM";
                case 'd' -> "dd";
                case 'e' -> "ppd";
                case 'H' -> "HH";
                case 'I' -> "hh";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'L', 'f' -> "SSS";
                case 'N' -> "n";
                case 'z' -> "xx";
                case 'Z' -> "z";
                case 'b', 'h' -> "MMM";
                case 'B' -> "MMMM";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'p' -> "a";
                case 'j' -> "DDD";
                case 'T' -> "HH:mm:ss";
                case 'F' -> "yyyy-MM-dd";
                case '%' -> null;
                default -> throw new IllegalArgumentException("unsupported strftime directive %" + d);
            };
            if (p == null) {
                literal.append('%');
                continue;
            }
            flushLiteral(out, literal);
            out.append(p);
        }
        flushLiteral(out, literal);
        return out.toString();
    }

    private static void flushLiteral(StringBuilder out, StringBuilder literal) {
        if (literal.isEmpty()) return;
        out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
        literal.setLength(0);
    }

    long parse(Value v) {
        return switch (v) {
            case Value.Int i -> kind == Kind.UNIX ? scale(i.value(), unitNanos)
                    : kind == Kind.AUTO ? scale(i.value(), unitByMagnitude(i.value())) : FAILED;
            case Value.Float d -> {
                if (kind != Kind.UNIX && kind != Kind.AUTO) yield FAILED;
                double x = d.value();
                if (!Double.isFinite(x)) yield FAILED;
                long unit = kind == Kind.UNIX ? unitNanos : unitByMagnitude((long) x);
                if (Math.abs(x * unit) >= 9.2e18) yield FAILED;
                long whole = (long) Math.floor(x);
                yield whole * unit + Math.round((x - whole) * unit);
            }
            case Value.Str s -> parse(s.value());
            default -> FAILED;
        };
    }

    long parse(String s) {
        if (s == null || s.isEmpty()) return FAILED;
        return switch (kind) {
            case RFC3339 -> rfc3339(s, 0, s.length());
            case ISO8601 -> {
                long t = rfc3339(s, 0, s.length());
                yield t != FAILED ? t : javaTime(s.strip());
            }
            case UNIX -> parseUnix(s, unitNanos);
            case AUTO -> {
                char c = s.charAt(0);
                if (c >= '0' && c <= '9' && isNumeric(s)) {
                    int dot = s.indexOf('.');
                    long whole = dot < 0 ? parseLong(s, 0, s.length()) : parseLong(s, 0, dot);
                    yield whole == FAILED ? FAILED : parseUnix(s, unitByMagnitude(whole));
                }
                long t = rfc3339(s, 0, s.length());
                yield t != FAILED ? t : javaTime(s.strip());
            }
            case PATTERN -> javaTime(s);
            case CLF -> clf(s);
            case YEARLESS -> yearless(collapseSpaces ? s.strip().replaceAll(" {2,}", " ") : s);
        };
    }

    private static boolean isNumeric(String s) {
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (++dots > 1) return false;
            } else if (c < '0' || c > '9') return false;
        }
        return true;
    }

    /** Seconds, milliseconds, microseconds or nanoseconds, by how many digits the number has. */
    private static long unitByMagnitude(long v) {
        long a = Math.abs(v);
        if (a < 100_000_000_000L) return 1_000_000_000L;
        if (a < 100_000_000_000_000L) return 1_000_000L;
        if (a < 100_000_000_000_000_000L) return 1_000L;
        return 1L;
    }

    private static long scale(long v, long unit) {
        long r = v * unit;
        return unit != 0 && r / unit != v ? FAILED : r;
    }

    private static long parseUnix(String s, long unit) {
        int end = s.length();
        int dot = s.indexOf('.');
        boolean neg = s.charAt(0) == '-';
        long whole = parseLong(s, neg ? 1 : 0, dot < 0 ? end : dot);
        if (whole == FAILED) return FAILED;
        long nanos = scale(whole, unit);
        if (nanos == FAILED) return FAILED;
        if (dot >= 0) {
            long frac = 0;
            long div = 1;
            for (int i = dot + 1; i < end; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') return FAILED;
                if (div < 1_000_000_000_000_000L) {
                    frac = frac * 10 + (c - '0');
                    div *= 10;
                }
            }
            if (dot + 1 == end) return FAILED;
            nanos += Math.round((double) frac * unit / div);
        }
        return neg ? -nanos : nanos;
    }

    private static long parseLong(String s, int from, int to) {
        if (from >= to || to - from > 19) return FAILED;
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return FAILED;
            int d = c - '0';
            if (v > (Long.MAX_VALUE - d) / 10) return FAILED;
            v = v * 10 + d;
        }
        return v;
    }

    private long javaTime(String s) {
        try {
            TemporalAccessor t = formatter == null ? DateTimeFormatter.ISO_DATE_TIME.parse(s) : formatter.parse(s);
            if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
                return toNanos(t.getLong(ChronoField.INSTANT_SECONDS), t.isSupported(ChronoField.NANO_OF_SECOND)
                        ? t.get(ChronoField.NANO_OF_SECOND) : 0);
            }
            LocalDate date = LocalDate.from(t);
            LocalTime time = t.isSupported(ChronoField.HOUR_OF_DAY) ? LocalTime.from(t) : LocalTime.MIDNIGHT;
            ZonedDateTime z = LocalDateTime.of(date, time).atZone(zone);
            return toNanos(z.toEpochSecond(), z.getNano());
        } catch (DateTimeException | ArithmeticException e) {
            return FAILED;
        }
    }

    /** A time without a year (syslog): this year, or last year if that would put it more than a day ahead. */
    private long yearless(String s) {
        try {
            TemporalAccessor t = formatter.parse(s);
            int month = t.get(ChronoField.MONTH_OF_YEAR);
            int day = t.get(ChronoField.DAY_OF_MONTH);
            LocalTime time = t.isSupported(ChronoField.HOUR_OF_DAY) ? LocalTime.from(t) : LocalTime.MIDNIGHT;
            ZonedDateTime now = clock.instant().atZone(zone);
            ZonedDateTime z = LocalDateTime.of(LocalDate.of(now.getYear(), month, Math.min(day, 28)), time)
                    .withDayOfMonth(day).atZone(zone);
            if (z.isAfter(now.plusDays(1))) z = z.minusYears(1);
            return toNanos(z.toEpochSecond(), z.getNano());
        } catch (DateTimeException | ArithmeticException e) {
            return FAILED;
        }
    }

    private static long toNanos(long seconds, int nanos) {
        if (seconds < -9_223_372_036L || seconds > 9_223_372_035L) return FAILED;
        return seconds * 1_000_000_000L + nanos;
    }

    /** Fast RFC 3339 with up to nine fraction digits; a missing offset uses the parser's zone. */
    long rfc3339(String s, int start, int end) {
        if (end - start < 19) return FAILED;
        int y = digits(s, start, 4);
        int mo = digits(s, start + 5, 2);
        int d = digits(s, start + 8, 2);
        int h = digits(s, start + 11, 2);
        int mi = digits(s, start + 14, 2);
        int sec = digits(s, start + 17, 2);
        char t = s.charAt(start + 10);
        if ((y | mo | d | h | mi | sec) < 0 || s.charAt(start + 4) != '-' || s.charAt(start + 7) != '-'
                || (t != 'T' && t != 't' && t != ' ') || s.charAt(start + 13) != ':' || s.charAt(start + 16) != ':') {
            return FAILED;
        }
        if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 60) return FAILED;
        if (sec == 60) sec = 59;
        int i = start + 19;
        long nanos = 0;
        if (i < end && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
            i++;
            int n = 0;
            while (i < end) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') break;
                if (n < 9) {
                    nanos = nanos * 10 + (c - '0');
                    n++;
                }
                i++;
            }
            if (n == 0) return FAILED;
            for (; n < 9; n++) nanos *= 10;
        }
        long offsetSeconds;
        if (i == end) {
            if (fixedOffset != null) offsetSeconds = fixedOffset.getTotalSeconds();
            else {
                ZonedDateTime z = LocalDateTime.of(y, mo, d, h, mi, sec).atZone(zone);
                return toNanos(z.toEpochSecond(), (int) nanos);
            }
        } else {
            char z = s.charAt(i);
            if (z == 'Z' || z == 'z') {
                offsetSeconds = 0;
                i++;
            } else if (z == '+' || z == '-') {
                int oh = digits(s, i + 1, 2);
                int om;
                if (i + 3 < end && s.charAt(i + 3) == ':') {
                    om = digits(s, i + 4, 2);
                    i += 6;
                } else {
                    om = digits(s, i + 3, 2);
                    i += 5;
                }
                if (oh < 0 || om < 0 || oh > 18 || om > 59) return FAILED;
                offsetSeconds = (oh * 3600L + om * 60L) * (z == '-' ? -1 : 1);
            } else {
                return FAILED;
            }
            if (i != end) return FAILED;
        }
        if (y < 1678 || y > 2261) return FAILED;
        long seconds = epochDay(y, mo, d) * 86400L + h * 3600L + mi * 60L + sec - offsetSeconds;
        return seconds * 1_000_000_000L + nanos;
    }

    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

    /** Fast path for the access-log time {@code 27/Nov/2026:05:59:01 +0000}. */
    private static long clf(String s) {
        if (s.length() != 26 || s.charAt(2) != '/' || s.charAt(6) != '/' || s.charAt(11) != ':' || s.charAt(14) != ':'
                || s.charAt(17) != ':' || s.charAt(20) != ' ') {
            return FAILED;
        }
        int d = digits(s, 0, 2), y = digits(s, 7, 4), h = digits(s, 12, 2), mi = digits(s, 15, 2), sec = digits(s, 18, 2);
        int oh = digits(s, 22, 2), om = digits(s, 24, 2);
        char sign = s.charAt(21);
        if ((d | y | h | mi | sec | oh | om) < 0 || (sign != '+' && sign != '-')) return FAILED;
        int mo = -1;
        for (int i = 0; i < 12; i++) {
            if (MONTHS.regionMatches(true, i * 3, s, 3, 3)) {
                mo = i + 1;
                break;
            }
        }
        if (mo < 0 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 60 || y < 1678 || y > 2261) return FAILED;
        long offset = (oh * 3600L + om * 60L) * (sign == '-' ? -1 : 1);
        return (epochDay(y, mo, d) * 86400L + h * 3600L + mi * 60L + Math.min(sec, 59) - offset) * 1_000_000_000L;
    }

    private static int digits(String s, int at, int n) {
        if (at + n > s.length()) return -1;
        int v = 0;
        for (int i = at; i < at + n; i++) {
            int c = s.charAt(i) - '0';
            if (c < 0 || c > 9) return -1;
            v = v * 10 + c;
        }
        return v;
    }

    private static int daysInMonth(int y, int m) {
        return switch (m) {
            case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
    private static long epochDay(int year, int m, int d) {
        long y = m <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }
}
