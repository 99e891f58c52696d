package org.mobilenet.io.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.io.AtomicFiles;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.HalfFloats;
import org.mobilenet.io.json.Json;

/**
 * The safetensors container: an 8-byte little-endian header length, a JSON header mapping tensor
 * names to {@code dtype}, {@code shape} and {@code data_offsets} (plus an optional string map
 * {@code __metadata__}), then the tensor bytes. Reads F32, F16 and BF16 (as floats); writes F32.
 * Everything the header claims is checked against the file's real size before it is allocated.
 *
 * @param tensors  name to tensor, in file order
 * @param metadata the {@code __metadata__} strings
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** Headers larger than this are refused (the reference implementation's limit). */
    static final long MAX_HEADER = 100L << 20;
    static final String METADATA = "__metadata__";

    public SafetensorsFile {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Reads and validates a file. */
    public static SafetensorsFile read(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file");
        }
        if (size < 8) {
            throw new BadInputException(file, "expected a safetensors file (8-byte header length first), found "
                    + size + " bytes");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lenBuf = readFully(ch, 0, 8, file);
            long headerLen = lenBuf.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (headerLen < 2 || headerLen > size - 8 || headerLen > MAX_HEADER) {
                throw new BadInputException(file, "header length " + Long.toUnsignedString(headerLen)
                        + " does not fit a file of " + size + " bytes; expected a safetensors file");
            }
            String header;
            try {
                header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(readFully(ch, 8, (int) headerLen, file)).toString();
            } catch (CharacterCodingException e) {
                throw new BadInputException(file, "header is not UTF-8; expected a safetensors JSON header");
            }
            Object parsed;
            try {
                parsed = Json.parse(header.stripTrailing());
            } catch (Json.JsonException e) {
                throw new BadInputException(file, "header is not valid JSON: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new BadInputException(file, "header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals(METADATA)) {
                    metadata = metadata(file, e.getValue());
                    continue;
                }
                if (name.endsWith("num_batches_tracked")) {
                    continue; // PyTorch's BatchNorm step counter (int64) in every state_dict: no weight
                }
                entries.add(Entry.parse(file, name, e.getValue(), dataLen));
            }
            checkNoOverlap(file, entries);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry en : entries) {
                ByteBuffer b = readFully(ch, dataStart + en.begin, (int) (en.end - en.begin), file)
                        .order(ByteOrder.LITTLE_ENDIAN);
                tensors.put(en.name, new Tensor(en.shape, en.dtype.decode(b, en.count)));
            }
            return new SafetensorsFile(tensors, metadata);
        }
    }

    /** Writes the tensors as F32 with the metadata, atomically. */
    public void write(Path file, boolean overwrite) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("dtype", "F32");
            List<Object> shape = new ArrayList<>();
            for (int x : e.getValue().shape()) {
                shape.add((long) x);
            }
            d.put("shape", shape);
            long end = offset + 4L * e.getValue().data().length;
            d.put("data_offsets", List.of(offset, end));
            header.put(e.getKey(), d);
            offset = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(file, overwrite, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            for (Tensor t : tensors.values()) {
                float[] v = t.data();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
            }
        });
    }

    private static Map<String, String> metadata(Path file, Object v) throws BadInputException {
        if (!(v instanceof Map<?, ?> m)) {
            throw new BadInputException(file, "__metadata__ is not a JSON object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new BadInputException(file, "__metadata__ entry '" + e.getKey() + "' is not a string");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static void checkNoOverlap(Path file, List<Entry> entries) throws BadInputException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1);
            Entry b = sorted.get(i);
            if (b.begin < a.end) {
                throw new BadInputException(file, "tensors '" + a.name + "' and '" + b.name + "' overlap (bytes "
                        + a.begin + ".." + a.end + " and " + b.begin + ".." + b.end + ")");
            }
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int len, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new BadInputException(file, "ended early");
            }
        }
        b.flip();
        return b;
    }

    /** The element types read. */
    enum DType {
        F32(4), F16(2), BF16(2);

        final int size;

        DType(int size) {
            this.size = size;
        }

        float[] decode(ByteBuffer b, int n) {
            float[] v = new float[n];
            switch (this) {
                case F32 -> b.asFloatBuffer().get(v);
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = HalfFloats.fromHalf(b.getShort(2 * i) & 0xffff);
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = HalfFloats.fromBfloat16(b.getShort(2 * i) & 0xffff);
                    }
                }
                default -> throw new IllegalStateException();
            }
            return v;
        }
    }

    /** One validated header entry; offsets relative to the start of the data. */
    private record Entry(String name, DType dtype, int[] shape, int count, long begin, long end) {
        static Entry parse(Path file, String name, Object v, long dataLen) throws BadInputException {
            if (!(v instanceof Map<?, ?> m)) {
                throw new BadInputException(file, "tensor '" + name + "' header is not a JSON object");
            }
            DType dtype;
            try {
                dtype = DType.valueOf(String.valueOf(m.get("dtype")));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file, "tensor '" + name + "' has dtype " + m.get("dtype")
                        + "; expected F32, F16 or BF16");
            }
            if (!(m.get("shape") instanceof List<?> sl) || !(m.get("data_offsets") instanceof List<?> ol)
                    || ol.size() != 2) {
                throw new BadInputException(file, "tensor '" + name + "' needs a shape list and two data_offsets");
            }
            int[] shape = new int[sl.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!(sl.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                    throw new BadInputException(file, "tensor '" + name + "' has shape " + sl
                            + "; expected non-negative integers");
                }
                shape[i] = (int) (long) d;
                count = Math.multiplyHigh(count, d) != 0 || count * d > (1L << 31) ? Long.MAX_VALUE : count * d;
            }
            if (!(ol.get(0) instanceof Long begin) || !(ol.get(1) instanceof Long end) || begin < 0 || end < begin
                    || end > dataLen) {
                throw new BadInputException(file, "tensor '" + name + "' has data_offsets " + ol + "; expected "
                        + "0 <= begin <= end <= " + dataLen + " (the data size)");
            }
            if (count == Long.MAX_VALUE || count * dtype.size != end - begin) {
                throw new BadInputException(file, "tensor '" + name + "' of shape " + sl + " and dtype " + dtype
                        + " needs " + (count == Long.MAX_VALUE ? "too many" : Long.toString(count * dtype.size))
                        + " bytes but data_offsets give " + (end - begin));
            }
            if (end - begin > Integer.MAX_VALUE - 8) {
                throw new BadInputException(file, "tensor '" + name + "' has " + (end - begin)
                        + " bytes, more than one array can hold");
            }
            return new Entry(name, dtype, shape, (int) count, begin, end);
        }
    }
}
