package org.sparkgru.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader and writer of the <a href="https://github.com/huggingface/safetensors">safetensors</a> format for float32
 * tensors: an 8-byte little-endian header length {@code N}, {@code N} bytes of JSON mapping each tensor name to
 * {@code {"dtype":"F32","shape":[...],"data_offsets":[begin,end]}} (offsets relative to the data section, plus an
 * optional {@code "__metadata__"} string map), then the raw little-endian data. Readable from Python with
 * {@code json} and {@code struct} alone, or with the {@code safetensors} package.
 *
 * <p>Reading validates the whole header against the file length before any tensor memory is allocated: the header
 * length, every dtype, shape, offset range and element count; a header that claims more data than the file holds
 * is reported as truncated or corrupt without allocating it.
 */
public final class SafeTensors {
    /** Largest header accepted: far above any real model's, small enough to allocate safely. */
    public static final int MAX_HEADER_BYTES = 16 << 20;
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {
    }

    /** A tensor to write: {@code shape} elements of {@code data} from {@code offset}. */
    public record Tensor(String name, int[] shape, float[] data, int offset) {
        /** Number of elements. */
        public long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** A tensor entry of a validated header: its shape and the byte range in the data section. */
    public record Entry(String name, long[] shape, long begin, long end) {
    }

    /** A validated header: entries in file order, metadata, and where the data section starts. */
    public record Header(Map<String, Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    /** Writes tensors (in order, contiguous) and string metadata. The stream is not closed. */
    public static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", "F32");
            var shape = e.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            long bytes = 4 * t.elements();
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(len.array());
        out.write(json);
        for (int i = json.length; i < padded; i++) {
            out.write(' ');
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors) {
            int n = (int) t.elements();
            for (int i = 0; i < n; i++) {
                if (buf.remaining() < 4) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(t.data()[t.offset() + i]);
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    /**
     * Reads and validates the header of a file of {@code fileLength} bytes; leaves the stream at the data section.
     *
     * @param file name used in messages
     */
    public static Header readHeader(DataInputStream in, long fileLength, String file) throws IOException {
        if (fileLength < 8) {
            throw new ModelFormatException(file + " is truncated: " + fileLength
                    + " bytes, not even the 8-byte safetensors header length; restore the file from the saved model");
        }
        byte[] lenBytes = new byte[8];
        in.readFully(lenBytes);
        long headerLength = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileLength - 8) {
            throw new ModelFormatException(file + " is corrupt or truncated: its safetensors header claims "
                    + headerLength + " bytes but the file has " + fileLength + " bytes in all; restore the file");
        }
        byte[] json = new byte[(int) headerLength];
        in.readFully(json);
        JsonNode root;
        try {
            root = JSON.readTree(new String(json, StandardCharsets.UTF_8).strip());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelFormatException(file + " has a safetensors header that is not valid JSON ("
                    + e.getOriginalMessage() + "); restore the file", e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + " has a safetensors header that is not a JSON object; restore the file");
        }
        long dataLength = fileLength - 8 - headerLength;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA)) {
                f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.put(f.getKey(), entry(f.getKey(), f.getValue(), dataLength, file));
        }
        return new Header(entries, metadata, 8 + headerLength);
    }

    private static Entry entry(String name, JsonNode node, long dataLength, String file) {
        String where = file + ": tensor '" + name + "'";
        if (!"F32".equals(node.path("dtype").asText())) {
            throw new ModelFormatException(where + " has dtype " + node.path("dtype")
                    + "; spark-gru stores float32 (F32) tensors only");
        }
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw new ModelFormatException(where + " lacks a valid shape or data_offsets; restore the file");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new ModelFormatException(where + " has an invalid dimension " + d + "; restore the file");
            }
            shape[i] = d.asLong();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(where + " claims an impossible number of elements; the file is corrupt");
            }
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (elements > (Long.MAX_VALUE / 4) || end - begin != 4 * elements || begin < 0) {
            throw new ModelFormatException(where + " claims " + elements + " elements but its data range ["
                    + begin + ", " + end + ") does not hold that many floats; the file is corrupt");
        }
        if (end > dataLength) {
            throw new ModelFormatException(where + " claims " + elements + " elements, bytes up to " + end
                    + " of the data section, but the file holds only " + dataLength
                    + " data bytes: the file is truncated or corrupt; restore it from the saved model");
        }
        return new Entry(name, shape, begin, end);
    }

    /**
     * Reads the data section (after {@link #readHeader}) into {@code dst}: each entry's floats at the offset the
     * caller assigns to its name.
     *
     * @param dataBytes length of the data section that the entries cover
     */
    public static void readData(InputStream in, long dataBytes, Map<String, Integer> offsets, Header header,
                                float[] dst, String file) throws IOException {
        byte[] data = new byte[Math.toIntExact(dataBytes)];
        new DataInputStream(in).readFully(data);
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : header.entries().values()) {
            int at = offsets.get(e.name());
            int n = (int) ((e.end() - e.begin()) / 4);
            buf.position((int) e.begin());
            buf.asFloatBuffer().get(dst, at, n);
        }
    }
}
