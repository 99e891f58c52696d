package org.mobilenet.io.tflite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.io.BadInputException;

/**
 * The parts of a TFLite model file (schema.fbs) that a MobileNet needs: the first subgraph's tensors,
 * operators, inputs and outputs, the buffers, and the named metadata buffers. Field numbers follow
 * schema.fbs: {@code Model{version, operator_codes, subgraphs, description, buffers, metadata_buffer,
 * metadata, signature_defs}}, {@code SubGraph{tensors, inputs, outputs, operators, name}},
 * {@code Tensor{shape, type, buffer, name, quantization, ...}}, {@code QuantizationParameters{min, max,
 * scale, zero_point, details_type, details, quantized_dimension}}, {@code Operator{opcode_index, inputs,
 * outputs, builtin_options_type, builtin_options, ...}}, {@code OperatorCode{deprecated_builtin_code,
 * custom_code, version, builtin_code}}, {@code Buffer{data, offset, size}}, {@code Metadata{name, buffer}}.
 *
 * <p>Everything is read through bounds-checked accessors; nothing the file claims is allocated
 * before it has been checked against the file's real size.
 */
public final class TfliteFile {
    /** Files larger than this are refused (the reader holds the file in memory). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /**
     * The fewest bytes of FlatBuffer one operator can take: its slot in the operator vector (4), its
     * table's vtable offset (4), the offsets of its inputs and outputs vectors (8) and their lengths
     * (8), before any tensor index or option. A real operator takes more (its vectors hold at least
     * one index each); the bound only has to hold for every well-formed file.
     */
    public static final int MIN_OPERATOR_BYTES = 24;

    private final Path path;
    private final FlatBuffer fb;
    private final long version;
    private final String description;
    private final List<TfliteTensor> tensors;
    private final List<TfliteOperator> operators;
    private final int[] inputs;
    private final int[] outputs;
    private final FbVector buffers;
    private final Map<String, Long> metadata;

    private TfliteFile(Path path, FlatBuffer fb) {
        this.path = path;
        this.fb = fb;
        FbTable model = fb.root();
        this.version = model.u32(0, 0);
        this.description = model.string(3);
        FbVector codes = require(model.vector(1, 4), "operator_codes");
        int[] builtin = new int[codes.length()];
        String[] custom = new String[codes.length()];
        for (int i = 0; i < builtin.length; i++) {
            FbTable c = codes.table(i);
            builtin[i] = Math.max(c.i8(0, 0), c.i32(3, 0));
            custom[i] = builtin[i] == BuiltinOp.CUSTOM ? c.string(1) : null;
        }
        FbVector subgraphs = require(model.vector(2, 4), "subgraphs");
        if (subgraphs.length() < 1) {
            throw new FlatBufferException("has no subgraph");
        }
        FbTable g = subgraphs.table(0);
        FbVector ts = require(g.vector(0, 4), "tensors");
        List<TfliteTensor> tl = new ArrayList<>(ts.length());
        for (int i = 0; i < ts.length(); i++) {
            tl.add(tensor(i, ts.table(i)));
        }
        this.tensors = Collections.unmodifiableList(tl);
        this.inputs = require(g.vector(1, 4), "subgraph inputs").ints();
        this.outputs = require(g.vector(2, 4), "subgraph outputs").ints();
        FbVector ops = require(g.vector(3, 4), "operators");
        if (ops.length() > maxOperators(fb.size())) {
            throw new FlatBufferException("has " + ops.length() + " operators, more than a file of " + fb.size()
                    + " bytes can hold (at most " + maxOperators(fb.size()) + ", " + MIN_OPERATOR_BYTES
                    + " bytes each)");
        }
        List<TfliteOperator> ol = new ArrayList<>(ops.length());
        for (int i = 0; i < ops.length(); i++) {
            FbTable o = ops.table(i);
            long opcode = o.u32(0, 0);
            if (opcode >= builtin.length) {
                throw new FlatBufferException("operator " + i + " uses opcode index " + opcode + " but only "
                        + builtin.length + " operator codes exist");
            }
            FbVector in = o.vector(1, 4);
            FbVector out = o.vector(2, 4);
            ol.add(new TfliteOperator(i, builtin[(int) opcode], in == null ? new int[0] : in.ints(),
                    out == null ? new int[0] : out.ints(), o.table(4), custom[(int) opcode]));
        }
        this.operators = Collections.unmodifiableList(ol);
        this.buffers = require(model.vector(4, 4), "buffers");
        Map<String, Long> md = new LinkedHashMap<>();
        FbVector mv = model.vector(6, 4);
        for (int i = 0; mv != null && i < mv.length(); i++) {
            FbTable m = mv.table(i);
            String name = m.string(0);
            if (name != null) {
                md.put(name, m.u32(1, 0));
            }
        }
        this.metadata = Collections.unmodifiableMap(md);
        for (TfliteTensor t : tensors) {
            // Buffer 0 is the schema's "no data", valid also in a file that lists no buffers at all.
            if (t.buffer() >= buffers.length() && t.buffer() != 0) {
                throw new FlatBufferException(t.describe() + " refers to buffer " + t.buffer() + " but only "
                        + buffers.length() + " buffers exist");
            }
        }
        for (int[] ids : new int[][] {inputs, outputs}) {
            for (int id : ids) {
                checkTensorIndex(id, "subgraph input/output");
            }
        }
        for (TfliteOperator op : operators) {
            for (int id : op.inputs()) {
                if (id != -1) {
                    checkTensorIndex(id, "operator " + op.index() + " (" + op.name() + ")");
                }
            }
            for (int id : op.outputs()) {
                checkTensorIndex(id, "operator " + op.index() + " (" + op.name() + ")");
            }
        }
    }

    /**
     * The most operators a file of {@code size} bytes can hold ({@link #MIN_OPERATOR_BYTES} each):
     * checked before the operators are read, so the work and memory of reading them stay
     * proportional to the file's real size whatever count it claims. (The import then decodes each
     * constant tensor's bytes at most once: see {@link TensorDecoder}.)
     */
    public static long maxOperators(long size) {
        return size / MIN_OPERATOR_BYTES;
    }

    /**
     * Reads and parses a TFLite file.
     *
     * @throws BadInputException when the file is missing, unreadable, too large, not a TFLite
     *                           FlatBuffer, or has references that do not hold together
     */
    public static TfliteFile read(Path path) throws BadInputException {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new BadInputException(path, "no such file");
        } catch (IOException e) {
            throw new BadInputException(path, "cannot read: " + e.getMessage());
        }
        if (size == 0) {
            throw new BadInputException(path, "expected a TFLite model, found an empty file");
        }
        if (size > MAX_FILE_BYTES) {
            throw new BadInputException(path, "expected a TFLite model of at most " + MAX_FILE_BYTES
                    + " bytes, found " + size + " bytes");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new BadInputException(path, "cannot read: " + e.getMessage());
        }
        return parse(path, ByteBuffer.wrap(bytes));
    }

    /** Parses TFLite bytes; {@code path} is only used in messages. */
    public static TfliteFile parse(Path path, ByteBuffer bytes) throws BadInputException {
        FlatBuffer fb = new FlatBuffer(bytes);
        if (fb.size() < 8) {
            throw new BadInputException(path, "expected a TFLite model, found only " + fb.size() + " bytes");
        }
        String id = fb.identifier();
        if (!id.equals("TFL3")) {
            throw new BadInputException(path, "expected a TFLite model (file identifier TFL3), found identifier '"
                    + printable(id) + "'");
        }
        try {
            return new TfliteFile(path, fb);
        } catch (FlatBufferException | IndexOutOfBoundsException e) {
            throw new BadInputException(path, "malformed TFLite file: " + e.getMessage());
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }

    private void checkTensorIndex(int id, String where) {
        if (id < 0 || id >= tensors.size()) {
            throw new FlatBufferException(where + " refers to tensor " + id + " but only " + tensors.size()
                    + " tensors exist");
        }
    }

    private static FbVector require(FbVector v, String what) {
        if (v == null) {
            throw new FlatBufferException("has no " + what);
        }
        return v;
    }

    private static TfliteTensor tensor(int index, FbTable t) {
        FbVector shapeV = t.vector(0, 4);
        int[] shape = shapeV == null ? new int[0] : shapeV.ints();
        if (shape.length > 8) {
            throw new FlatBufferException("tensor " + index + " has rank " + shape.length + " (at most 8 supported)");
        }
        int typeCode = t.i8(1, 0);
        String name = t.string(3);
        Quantization q = Quantization.NONE;
        FbTable qt = t.table(4);
        if (qt != null) {
            FbVector scale = qt.vector(2, 4);
            FbVector zp = qt.vector(3, 8);
            if (scale != null && scale.length() > 0) {
                q = new Quantization(scale.floats(), zp == null ? new long[0] : zp.longs(), qt.i32(6, 0));
            }
        }
        return new TfliteTensor(index, name == null ? "" : name, shape, TensorType.of(typeCode), typeCode,
                t.u32(2, 0), q);
    }

    public Path path() {
        return path;
    }

    /** The schema version the file declares (3 for current files). */
    public long version() {
        return version;
    }

    /** The model description string, or null. */
    public String description() {
        return description;
    }

    List<TfliteTensor> tensors() {
        return tensors;
    }

    TfliteTensor tensor(int index) {
        return tensors.get(index);
    }

    List<TfliteOperator> operators() {
        return operators;
    }

    int[] inputs() {
        return inputs.clone();
    }

    int[] outputs() {
        return outputs.clone();
    }

    /** The file's size in bytes. */
    long size() {
        return fb.size();
    }

    /** Number of operators in the first subgraph. */
    public int operatorCount() {
        return operators.size();
    }

    /** Number of tensors in the first subgraph. */
    public int tensorCount() {
        return tensors.size();
    }

    /** The names of the metadata entries (e.g. TFLITE_METADATA, min_runtime_version). */
    public java.util.Set<String> metadataNames() {
        return metadata.keySet();
    }

    /** The bytes of a named metadata buffer, or null when there is no such entry or it is empty. */
    ByteBuffer metadataBuffer(String name) {
        Long b = metadata.get(name);
        if (b == null) {
            return null;
        }
        if (b >= buffers.length()) {
            throw new FlatBufferException("metadata '" + name + "' refers to buffer " + b + " but only "
                    + buffers.length() + " buffers exist");
        }
        return bufferBytes(b.intValue());
    }

    /**
     * The data of a buffer (inline {@code data} or {@code offset}/{@code size} from the file start),
     * or null when the buffer is empty.
     */
    ByteBuffer bufferBytes(int index) {
        if (index == 0 && buffers.length() == 0) {
            return null; // the schema's empty buffer 0, not listed
        }
        FbTable b = buffers.table(index);
        FbVector data = b.vector(0, 1);
        if (data != null && data.length() > 0) {
            return data.bytes();
        }
        long offset = b.i64(1, 0);
        long size = b.i64(2, 0);
        if (offset > 1) {
            if (size < 0 || offset + size > fb.size() || offset + size < 0) {
                throw new FlatBufferException.Malformed("buffer " + index + " claims bytes " + offset + ".." + (offset + size)
                        + " outside the file (" + fb.size() + " bytes)");
            }
            return fb.slice(offset, size);
        }
        return null;
    }

    /** The constant data of a tensor, checked to hold exactly its declared element count; null if none. */
    ByteBuffer tensorBytes(TfliteTensor t) {
        ByteBuffer b = bufferBytes((int) t.buffer());
        if (b == null) {
            return null;
        }
        long n = t.elementCount();
        if (t.type() == null || n < 0 || n * t.type().bytes() != b.remaining()) {
            throw new FlatBufferException(t.describe() + " of type " + (t.type() == null ? "#" + t.typeCode()
                    : t.type()) + " has " + b.remaining() + " bytes of data, expected " + (n < 0 ? "a valid shape"
                    : n * (t.type() == null ? 0 : t.type().bytes())));
        }
        return b;
    }
}
