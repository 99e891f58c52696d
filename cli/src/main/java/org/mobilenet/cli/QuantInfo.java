package org.mobilenet.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.TensorNames;

/** How {@code info} shows a quantized model's quantization, in its table and its JSON. */
final class QuantInfo {
    private QuantInfo() {
    }

    /** The JSON of params: type, per-channel or not (and its axis), scale(s), zero point(s). */
    static Map<String, Object> json(QuantParams q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", q.type().id());
        m.put("perChannel", q.perChannel());
        if (q.perChannel()) {
            m.put("axis", q.axis());
            List<Object> s = new ArrayList<>();
            for (float v : q.scales()) {
                s.add(v);
            }
            List<Object> z = new ArrayList<>();
            for (int v : q.zeroPoints()) {
                z.add(v);
            }
            m.put("scales", s);
            m.put("zeroPoints", z);
        } else {
            m.put("scale", q.scale());
            m.put("zeroPoint", q.zeroPoint());
        }
        return m;
    }

    /** A layer's output, weight and bias quantization (those it has). */
    static Map<String, Object> layer(ModelQuantization q, LayerSpec l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", json(q.output(l.name())));
        QuantizedTensor w = q.tensor(TensorNames.weight(l.name()));
        if (w != null) {
            m.put("weights", json(w.quant()));
        }
        QuantizedTensor b = q.tensor(TensorNames.bias(l.name()));
        if (b != null) {
            m.put("bias", json(b.quant()));
        }
        return m;
    }

    /** {@code input uint8 scale 0.0078125 zero point 128; the file takes uint8 and gives uint8}. */
    static String summary(ModelQuantization q) {
        QuantParams last = null;
        for (QuantParams p : q.outputs().values()) {
            last = p;
        }
        String takes = !q.quantizedInput() ? "float32 (QUANTIZE)"
                : q.fileInput() != null ? brief(q.fileInput()) + " (QUANTIZE)" : q.input().type().id();
        String gives = !q.quantizedOutput() || last == null ? "float32 (DEQUANTIZE)"
                : q.fileOutput() != null ? brief(q.fileOutput()) + " (QUANTIZE)" : last.type().id();
        StringBuilder steps = new StringBuilder();
        for (org.mobilenet.engine.model.InputStep st : q.inputSteps()) {
            steps.append(steps.length() == 0 ? "; its input steps " : ", ").append(st.op()).append(" to ")
                    .append(brief(st.output()));
        }
        return "input " + q.input().describe() + "; the file takes " + takes + " and gives " + gives + steps;
    }

    /** {@code uint8 0.0235 @ 0}: a table cell. */
    static String brief(QuantParams q) {
        if (q.perChannel()) {
            return q.describe();
        }
        return String.format(Locale.ROOT, "%s %.6g @ %d", q.type().id(), q.scale(), q.zeroPoint());
    }

    /** The weights' cell: per tensor or per channel, or "-" for a layer without weights. */
    static String weights(ModelQuantization q, LayerSpec l) {
        QuantizedTensor w = q.tensor(TensorNames.weight(l.name()));
        if (w == null) {
            return "-";
        }
        QuantParams p = w.quant();
        if (!p.perChannel()) {
            return brief(p);
        }
        float lo = Float.MAX_VALUE;
        float hi = 0;
        for (float s : p.scales()) {
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
        }
        return String.format(Locale.ROOT, "%s per-channel (%d scales %.3g..%.3g)", p.type().id(), p.channels(), lo, hi);
    }
}
