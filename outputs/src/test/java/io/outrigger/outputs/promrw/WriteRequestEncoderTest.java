package io.outrigger.outputs.promrw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.MetricSample;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Finalizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decodes what the hand-written encoder makes with a descriptor of remote write's proto, built independently. */
class WriteRequestEncoderTest {

    static final Descriptors.Descriptor WRITE_REQUEST = writeRequestDescriptor();

    static Descriptors.Descriptor writeRequestDescriptor() {
        FieldDescriptorProto.Label rep = FieldDescriptorProto.Label.LABEL_REPEATED;
        FieldDescriptorProto.Label opt = FieldDescriptorProto.Label.LABEL_OPTIONAL;
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("remote.proto").setPackage("prometheus").setSyntax("proto3")
                .addMessageType(DescriptorProto.newBuilder().setName("WriteRequest")
                        .addField(field("timeseries", 1, rep, FieldDescriptorProto.Type.TYPE_MESSAGE, ".prometheus.TimeSeries")))
                .addMessageType(DescriptorProto.newBuilder().setName("TimeSeries")
                        .addField(field("labels", 1, rep, FieldDescriptorProto.Type.TYPE_MESSAGE, ".prometheus.Label"))
                        .addField(field("samples", 2, rep, FieldDescriptorProto.Type.TYPE_MESSAGE, ".prometheus.Sample")))
                .addMessageType(DescriptorProto.newBuilder().setName("Label")
                        .addField(field("name", 1, opt, FieldDescriptorProto.Type.TYPE_STRING, null))
                        .addField(field("value", 2, opt, FieldDescriptorProto.Type.TYPE_STRING, null)))
                .addMessageType(DescriptorProto.newBuilder().setName("Sample")
                        .addField(field("value", 1, opt, FieldDescriptorProto.Type.TYPE_DOUBLE, null))
                        .addField(field("timestamp", 2, opt, FieldDescriptorProto.Type.TYPE_INT64, null)))
                .build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]).findMessageTypeByName("WriteRequest");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new AssertionError(e);
        }
    }

    static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Label label, FieldDescriptorProto.Type type, String typeName) {
        FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setLabel(label).setType(type);
        if (typeName != null) b.setTypeName(typeName);
        return b.build();
    }

    /** Renders a decoded request as {@code name=value,...: value@ts value@ts} lines, one per series. */
    static List<String> decode(byte[] bytes) throws Exception {
        DynamicMessage req = DynamicMessage.parseFrom(WRITE_REQUEST, bytes);
        Descriptors.FieldDescriptor tsField = WRITE_REQUEST.findFieldByName("timeseries");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < req.getRepeatedFieldCount(tsField); i++) {
            DynamicMessage ts = (DynamicMessage) req.getRepeatedField(tsField, i);
            Descriptors.Descriptor tsd = ts.getDescriptorForType();
            StringBuilder sb = new StringBuilder();
            Descriptors.FieldDescriptor lf = tsd.findFieldByName("labels");
            for (int j = 0; j < ts.getRepeatedFieldCount(lf); j++) {
                DynamicMessage l = (DynamicMessage) ts.getRepeatedField(lf, j);
                if (j > 0) sb.append(',');
                sb.append(l.getField(l.getDescriptorForType().findFieldByName("name"))).append('=')
                        .append(l.getField(l.getDescriptorForType().findFieldByName("value")));
            }
            sb.append(':');
            Descriptors.FieldDescriptor sf = tsd.findFieldByName("samples");
            for (int j = 0; j < ts.getRepeatedFieldCount(sf); j++) {
                DynamicMessage s = (DynamicMessage) ts.getRepeatedField(sf, j);
                sb.append(' ').append(s.getField(s.getDescriptorForType().findFieldByName("value"))).append('@')
                        .append(s.getField(s.getDescriptorForType().findFieldByName("timestamp")));
            }
            out.add(sb.toString());
        }
        return out;
    }

    static LogRecord sample(String name, Labels labels, double v, long ms) {
        return MetricSample.record(name, labels, v, ms * 1_000_000L + 123, "gauge", Origin.NONE, Finalizer.NONE);
    }

    @Test
    void groupsSeriesSortsLabelsAndSamples() throws Exception {
        List<LogRecord> records = List.of(
                sample("http_requests_total", Labels.of("code", "200", "Zone", "eu", "empty", ""), 3, 2000),
                sample("temp", Labels.EMPTY, -1.5, 1000),
                sample("http_requests_total", Labels.of("code", "200", "Zone", "eu", "empty", ""), 2, 1000),
                LogRecord.of(5, "a log line", Origin.NONE, Finalizer.NONE, 0),
                sample("http_requests_total", Labels.of("code", "500", "Zone", "eu"), Double.POSITIVE_INFINITY, 1000),
                sample("bad-name", Labels.EMPTY, 1, 1000),
                sample("ok", Labels.of("bad.label", "x"), 1, 1000));
        WriteRequestEncoder.Encoded enc = WriteRequestEncoder.encode(new ArrayList<>(records));
        assertEquals(4, enc.samples());
        assertArrayEquals(new String[] {null, null, null, "not_a_metric", null, "invalid_series", "invalid_series"}, enc.skipped());
        assertEquals(List.of(
                "Zone=eu,__name__=http_requests_total,code=200: 2.0@1000 3.0@2000",
                "__name__=temp: -1.5@1000",
                "Zone=eu,__name__=http_requests_total,code=500: Infinity@1000"), decode(enc.bytes()));
    }

    @Test
    void nothingToSendGivesAnEmptyRequest() {
        WriteRequestEncoder.Encoded enc = WriteRequestEncoder.encode(List.of(LogRecord.of(5, "x", Origin.NONE, Finalizer.NONE, 0)));
        assertEquals(0, enc.samples());
        assertEquals(0, enc.bytes().length);
        assertEquals("not_a_metric", enc.skipped()[0]);
        assertNull(WriteRequestEncoder.encode(List.of(sample("a", Labels.EMPTY, 0, 0))).skipped()[0]);
    }

    @Test
    void negativeTimesRoundDown() {
        LogRecord r = MetricSample.record("a", Labels.EMPTY, 1, -1, "gauge", Origin.NONE, Finalizer.NONE);
        assertEquals(-1, WriteRequestEncoder.millis(r));
    }
}
