package io.outrigger.parsers;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Finalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A record being joined from parts (partial CRI/Docker lines, multiline). Holds every part's finalizer, unreleased,
 * until the joined record is built; the joined record's finalizer is {@link Finalizer#all} of them.
 */
final class Pending {

    final LogRecord first;
    private final String firstText;
    private StringBuilder text;
    private List<Finalizer> parts;
    private LogRecord last;
    int lines = 1;
    long chars;
    int flags;
    /** Free for the joining rule (multiline presets keep their state here). */
    int state;
    /** Time of the last tick before the last part was added; 0 until a tick was seen. */
    long stamp;

    Pending(LogRecord first, String text, long stamp) {
        this.first = first;
        this.firstText = text;
        this.last = first;
        this.chars = text.length();
        this.flags = first.flags();
        this.stamp = stamp;
    }

    boolean fits(int sepLength, String more, int maxLines, long maxChars) {
        return lines < maxLines && chars + sepLength + more.length() <= maxChars;
    }

    void add(LogRecord part, String partText, String separator, long tickStamp) {
        if (text == null) {
            text = new StringBuilder(firstText.length() + separator.length() + partText.length() + 64);
            text.append(firstText);
            parts = new ArrayList<>(4);
            parts.add(first.finalizer());
        }
        text.append(separator).append(partText);
        parts.add(part.finalizer());
        last = part;
        lines++;
        chars += separator.length() + partText.length();
        flags |= part.flags();
        stamp = tickStamp;
    }

    boolean single() { return text == null; }

    String text() { return text == null ? firstText : text.toString(); }

    /** Drops trailing empty lines (multiline records that ended on blank lines). */
    void trimTrailingNewlines() {
        if (text == null) return;
        int n = text.length();
        while (n > 0 && text.charAt(n - 1) == '\n') n--;
        text.setLength(n);
    }

    /** The joined record: the first part's time, fields and labels, all parts' span, finalizers and flags. */
    LogRecord.Builder joined() {
        LogRecord.Builder b = first.toBuilder().message(text()).flags(flags);
        if (text != null) {
            b.finalizer(Finalizer.all(parts));
            Origin o = first.origin();
            Origin l = last.origin();
            if (l.endOffset() != o.endOffset()) {
                b.origin(new Origin(o.input(), o.path(), o.streamId(), o.offset(), l.endOffset()));
            }
        }
        return b;
    }
}
