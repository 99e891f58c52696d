package org.mobilenet.io.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.io.tflite.FbWriter.Bytes;
import org.mobilenet.io.tflite.FbWriter.Floats;
import org.mobilenet.io.tflite.FbWriter.Ints;
import org.mobilenet.io.tflite.FbWriter.Longs;
import org.mobilenet.io.tflite.FbWriter.Str;
import org.mobilenet.io.tflite.FbWriter.Table;
import org.mobilenet.io.tflite.FbWriter.Tables;

/**
 * Collects the tensors, buffers, operators and operator codes of one TFLite subgraph and lays them
 * out as a schema-version-3 model (schema.fbs field numbers, see {@link TfliteFile}). Buffer 0 stays
 * empty, as the converter leaves it, for the activations' tensors; every constant gets a buffer of its
 * own. Each operator code carries both {@code deprecated_builtin_code} (the byte older runtimes read)
 * and {@code builtin_code}, and the version its tensor types need.
 */
final class TfliteSubgraphBuilder {
    static final int FLOAT32 = 0;
    static final int FLOAT16 = 1;
    static final int INT32 = 2;
    static final int UINT8 = 3;
    static final int INT8 = 9;

    private final List<Table> tensors = new ArrayList<>();
    private final List<Table> buffers = new ArrayList<>();
    private final List<Table> operators = new ArrayList<>();
    private final List<int[]> opcodes = new ArrayList<>(); // {builtin code, version}
    private final List<String> customCodes = new ArrayList<>(); // per opcode: a CUSTOM operator's name, else null
    private final List<Table> metadata = new ArrayList<>();

    TfliteSubgraphBuilder() {
        buffers.add(new Table());
    }

    /** An activation tensor (no data), float32 when {@code quant} is null, else of its type. */
    int activation(String name, int[] shape, QuantParams quant) {
        return tensor(name, shape, quant == null ? FLOAT32 : typeOf(quant), null, quant, -1);
    }

    /** A float32 constant. */
    int floats(String name, int[] shape, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return tensor(name, shape, FLOAT32, b.array(), null, -1);
    }

    /**
     * A float constant stored as float16 (IEEE binary16, rounded to nearest even) and the DEQUANTIZE
     * operator that turns it into the float32 tensor returned, added now: before the operator that
     * reads it, as TFLite's float16 quantization writes them.
     */
    int halves(String name, int[] shape, float[] v) {
        int half = tensor(name, shape, FLOAT16, org.mobilenet.io.HalfFloats.toHalfBytes(v, name), null, -1);
        int out = tensor(name + "_dequantize", shape, FLOAT32, null, null, -1);
        op(BuiltinOp.DEQUANTIZE, 3, new int[] {half}, out, 0, null); // version 3: a float16 input
        return out;
    }

    /** An int32 constant without quantization (shapes, paddings, axes). */
    int ints(String name, int[] shape, int[] v) {
        return tensor(name, shape, INT32, int32Bytes(v), null, -1);
    }

    /**
     * A quantized constant: {@code values} of {@code quant}'s type (int32 for biases), per channel
     * along TFLite's dimension {@code axis} when {@code quant} is per channel.
     */
    int quantized(String name, int[] shape, int[] values, QuantParams quant, int axis) {
        int type = typeOf(quant);
        byte[] data;
        if (type == INT32) {
            data = int32Bytes(values);
        } else {
            data = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                data[i] = (byte) values[i];
            }
        }
        return tensor(name, shape, type, data, quant, axis);
    }

    private static byte[] int32Bytes(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    static int typeOf(QuantParams q) {
        return switch (q.type()) {
            case UINT8 -> UINT8;
            case INT8 -> INT8;
            case INT32 -> INT32;
        };
    }

    private int tensor(String name, int[] shape, int type, byte[] data, QuantParams quant, int axis) {
        int buffer = 0;
        if (data != null) {
            buffers.add(new Table().put(0, new Bytes(data)));
            buffer = buffers.size() - 1;
        }
        Table t = new Table().put(0, new Ints(shape)).i8(1, type).put(2, buffer).put(3, new Str(name));
        if (quant != null) {
            int n = quant.channels();
            long[] zp = new long[n];
            for (int c = 0; c < n; c++) {
                zp[c] = quant.zeroPoint(c);
            }
            Table q = new Table().put(2, new Floats(quant.scales())).put(3, new Longs(zp));
            if (quant.perChannel()) {
                q.put(6, axis);
            }
            t.put(4, q);
        }
        tensors.add(t);
        return tensors.size() - 1;
    }

    /** An operator; {@code options} may be null (then {@code optionsType} is ignored). */
    void op(int code, int version, int[] inputs, int output, int optionsType, Table options) {
        op(code, null, version, inputs, output, optionsType, options);
    }

    /** A CUSTOM operator named {@code customCode}, without options. */
    void customOp(String customCode, int[] inputs, int output) {
        op(BuiltinOp.CUSTOM, customCode, 1, inputs, output, 0, null);
    }

    private void op(int code, String customCode, int version, int[] inputs, int output, int optionsType, Table options) {
        int idx = -1;
        for (int i = 0; i < opcodes.size(); i++) {
            if (opcodes.get(i)[0] == code && opcodes.get(i)[1] == version
                    && java.util.Objects.equals(customCodes.get(i), customCode)) {
                idx = i;
            }
        }
        if (idx < 0) {
            opcodes.add(new int[] {code, version});
            customCodes.add(customCode);
            idx = opcodes.size() - 1;
        }
        Table o = new Table().put(0, idx).put(1, new Ints(inputs)).put(2, new Ints(new int[] {output}));
        if (options != null) {
            o.i8(3, optionsType).put(4, options);
        }
        operators.add(o);
    }

    /** A named metadata entry (Model.metadata) holding {@code data} in a buffer of its own. */
    void metadata(String name, byte[] data) {
        buffers.add(new Table().put(0, new Bytes(data)));
        metadata.add(new Table().put(0, new Str(name)).put(1, buffers.size() - 1));
    }

    /** The FlatBuffer of the whole model, identifier {@code TFL3}. */
    byte[] build(int input, int output, String description) {
        List<Table> codes = new ArrayList<>();
        for (int i = 0; i < opcodes.size(); i++) {
            int[] c = opcodes.get(i);
            // deprecated_builtin_code is a byte: codes past 127 put the placeholder 127 there.
            Table t = new Table().i8(0, Math.min(c[0], 127)).put(2, c[1]).put(3, c[0]);
            if (customCodes.get(i) != null) {
                t.put(1, new Str(customCodes.get(i)));
            }
            codes.add(t);
        }
        Table subgraph = new Table().put(0, new Tables(tensors)).put(1, new Ints(new int[] {input}))
                .put(2, new Ints(new int[] {output})).put(3, new Tables(operators)).put(4, new Str("main"));
        Table model = new Table().put(0, 3).put(1, new Tables(codes)).put(2, new Tables(List.of(subgraph)))
                .put(3, new Str(description)).put(4, new Tables(buffers));
        if (!metadata.isEmpty()) {
            model.put(6, new Tables(metadata));
        }
        return FbWriter.write(model, "TFL3");
    }
}
