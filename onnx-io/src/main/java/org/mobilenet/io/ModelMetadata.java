package org.mobilenet.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.io.json.Json;

/**
 * The string key/value metadata mobilenet writes into model files (ONNX {@code metadata_props},
 * safetensors {@code __metadata__}) and reads back: architecture, preprocessing and labels.
 */
public final class ModelMetadata {
    /** The family of a non-v1 model, {@code v2} (absent for v1, which files written before it lack too). */
    public static final String ARCH = "arch";
    public static final String HEIGHT = "height";
    /** The input's channels, written when not 3 (1: a network that takes gray images). */
    public static final String CHANNELS = "channels";
    /** A generic graph's layers as JSON ({@link #layers(LayerGraph)}), in safetensors files. */
    public static final String LAYERS = "layers";
    public static final String WIDTH = "width";
    public static final String ALPHA = "alpha";
    public static final String RESOLUTION = "resolution";
    public static final String CLASSES = "classes";
    public static final String VARIANT = "variant";
    public static final String PADDING = "padding";
    public static final String SOFTMAX = "softmax";
    public static final String BN_EPSILON = "bn_epsilon";
    public static final String MEAN = "preprocessing.mean";
    public static final String STD = "preprocessing.std";
    public static final String LAYOUT = "preprocessing.layout";
    public static final String CHANNEL_ORDER = "preprocessing.channel_order";
    public static final String RESIZE = "preprocessing.resize";
    public static final String CROP_FRACTION = "preprocessing.crop_fraction";
    /** Labels as a JSON array of strings. */
    public static final String LABELS = "labels";

    private ModelMetadata() {
    }

    /** The entries describing a model; {@code layout} is the input layout to record (null to leave out). */
    public static Map<String, String> describe(Model m, String layout) {
        Map<String, String> md = new LinkedHashMap<>();
        if (!m.isV1()) {
            md.put(ARCH, m.graph().family());
            if (m.architecture() instanceof MobileNetV2Spec v2) {
                md.put(ALPHA, Double.toString(v2.alpha()));
            }
            md.put(RESOLUTION, m.inputHeight() == m.inputWidth() ? Integer.toString(m.inputHeight())
                    : m.inputHeight() + "x" + m.inputWidth());
            md.put(HEIGHT, Integer.toString(m.inputHeight()));
            md.put(WIDTH, Integer.toString(m.inputWidth()));
            md.put(CLASSES, Integer.toString(m.classes()));
            md.put(SOFTMAX, Boolean.toString(m.graph().hasSoftmax()));
            if (m.graph().input().c() != 3) {
                md.put(CHANNELS, Integer.toString(m.graph().input().c()));
            }
            common(m, layout, md);
            return md;
        }
        md.put(ALPHA, Double.toString(m.spec().alpha()));
        if (m.inputHeight() == m.inputWidth()) {
            md.put(RESOLUTION, Integer.toString(m.inputHeight()));
        } else {
            md.put(RESOLUTION, m.inputHeight() + "x" + m.inputWidth());
            md.put(HEIGHT, Integer.toString(m.inputHeight()));
            md.put(WIDTH, Integer.toString(m.inputWidth()));
        }
        md.put(CLASSES, Integer.toString(m.spec().classes()));
        md.put(VARIANT, m.spec().variant().id());
        md.put(PADDING, m.spec().padding().id());
        md.put(SOFTMAX, Boolean.toString(m.spec().softmax()));
        common(m, layout, md);
        return md;
    }

    private static void common(Model m, String layout, Map<String, String> md) {
        md.put(BN_EPSILON, Float.toString(m.bnEpsilon()));
        Preprocessing p = m.preprocessing();
        md.put(MEAN, floats(p.mean()));
        md.put(STD, floats(p.std()));
        if (layout != null) {
            md.put(LAYOUT, layout);
        }
        md.put(CHANNEL_ORDER, p.order().name());
        md.put(RESIZE, p.resize().id());
        md.put(CROP_FRACTION, Float.toString(p.cropFraction()));
        if (!m.labels().isEmpty()) {
            md.put(LABELS, Json.write(m.labels()));
        }
    }

    /** The preprocessing recorded in metadata, or {@code dflt} when there is none. */
    public static Preprocessing preprocessing(Path file, Map<String, String> md, Preprocessing dflt)
            throws BadInputException {
        if (!md.containsKey(MEAN) && !md.containsKey(STD)) {
            return dflt;
        }
        try {
            Preprocessing p = dflt;
            if (md.containsKey(MEAN)) {
                p = p.withMean(parseFloats(md.get(MEAN)));
            }
            if (md.containsKey(STD)) {
                p = p.withStd(parseFloats(md.get(STD)));
            }
            Preprocessing.ChannelOrder order = md.containsKey(CHANNEL_ORDER)
                    ? Preprocessing.ChannelOrder.valueOf(md.get(CHANNEL_ORDER).trim().toUpperCase(Locale.ROOT))
                    : p.order();
            Preprocessing.Resize resize = md.containsKey(RESIZE) ? Preprocessing.Resize.parse(md.get(RESIZE)) : p.resize();
            float crop = md.containsKey(CROP_FRACTION) ? Float.parseFloat(md.get(CROP_FRACTION)) : p.cropFraction();
            return new Preprocessing(p.mean(), p.std(), order, resize, crop);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "has malformed preprocessing metadata: " + e.getMessage());
        }
    }

    /** The labels recorded in metadata, or an empty list. */
    public static List<String> labels(Path file, Map<String, String> md) throws BadInputException {
        String s = md.get(LABELS);
        if (s == null) {
            return List.of();
        }
        try {
            Object v = Json.parse(s);
            if (v instanceof List<?> l) {
                List<String> out = new ArrayList<>();
                for (Object o : l) {
                    if (!(o instanceof String str)) {
                        throw new Json.JsonException("expected strings");
                    }
                    out.add(str);
                }
                return out;
            }
            throw new Json.JsonException("expected an array");
        } catch (Json.JsonException e) {
            throw new BadInputException(file, "has malformed labels metadata (expected a JSON array of strings): "
                    + e.getMessage());
        }
    }

    /** A double entry, or NaN when absent. */
    public static double number(Path file, Map<String, String> md, String key) throws BadInputException {
        String s = md.get(key);
        if (s == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new BadInputException(file, "has metadata " + key + " = '" + s + "'; expected a number");
        }
    }

    public static Variant variant(Path file, Map<String, String> md, Variant dflt) throws BadInputException {
        try {
            return md.containsKey(VARIANT) ? Variant.parse(md.get(VARIANT)) : dflt;
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "has metadata " + VARIANT + ": " + e.getMessage());
        }
    }

    public static Padding padding(Path file, Map<String, String> md, Padding dflt) throws BadInputException {
        try {
            return md.containsKey(PADDING) ? Padding.parse(md.get(PADDING)) : dflt;
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "has metadata " + PADDING + ": " + e.getMessage());
        }
    }

    /**
     * A graph's layers as JSON, for formats that carry no graph of their own (safetensors): an array of
     * {@code {"name", "kind", "kernel", "stride", "pads": [t, l, b, r], "channels", "activation"}}
     * objects ({@code "addend"} for an add or a scaling), shapes following from the input and each layer in
     * turn.
     */
    public static String layers(LayerGraph g) {
        List<Object> out = new ArrayList<>();
        for (LayerSpec l : g.layers()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", l.name());
            o.put("kind", l.kind().id());
            o.put("kernel", l.kernel());
            o.put("stride", l.stride());
            o.put("pads", List.of(l.pads().top(), l.pads().left(), l.pads().bottom(), l.pads().right()));
            o.put("channels", l.outChannels());
            o.put("activation", l.activation().name().toLowerCase(Locale.ROOT));
            if (l.addend() != null) {
                o.put("addend", l.addend());
            }
            out.add(o);
        }
        return Json.write(out);
    }

    /** The most layers a {@link #LAYERS} entry may list. */
    private static final int MAX_LAYERS = 4096;
    /** The most channels a layer read from metadata may have. */
    private static final int MAX_CHANNELS = 1 << 16;

    /**
     * The graph a {@link #layers} entry describes on an H x W x C input (C 3, or 1 for gray); bad input
     * for anything malformed or inconsistent.
     */
    public static LayerGraph graph(Path file, String family, int height, int width, int channels, String json)
            throws BadInputException {
        try {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("an image input has 3 channels (or 1), not " + channels);
            }
            if (!(Json.parse(json) instanceof List<?> list) || list.isEmpty() || list.size() > MAX_LAYERS) {
                throw new IllegalArgumentException("expected an array of 1 to " + MAX_LAYERS + " layers");
            }
            if (height < Resolution.MIN || height > Resolution.MAX || width < Resolution.MIN || width > Resolution.MAX) {
                throw new IllegalArgumentException("input " + height + "x" + width + " is out of range");
            }
            Shape cur = new Shape(height, width, channels);
            Shape input = cur;
            List<LayerSpec> layers = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("expected an object per layer");
                }
                String name = string(m, "name");
                LayerKind kind = null;
                for (LayerKind k : LayerKind.values()) {
                    if (k.id().equals(string(m, "kind"))) {
                        kind = k;
                    }
                }
                if (kind == null) {
                    throw unsupported(file, "layer '" + name + "' is " + string(m, "kind") + ", a layer kind the engine"
                            + " does not run (supported: " + kinds() + ")");
                }
                int k = integer(m, "kernel", 1, Resolution.MAX);
                int stride = integer(m, "stride", 1, 16);
                if (!(m.get("pads") instanceof List<?> p) || p.size() != 4) {
                    throw new IllegalArgumentException(name + ": expected pads [top, left, bottom, right]");
                }
                int[] pads = new int[4];
                for (int i = 0; i < 4; i++) {
                    pads[i] = whole(p.get(i), name + " pads", 0, 16);
                }
                int c = integer(m, "channels", 1, MAX_CHANNELS);
                Activation act = activation(file, name, string(m, "activation"));
                String addend = m.containsKey("addend") ? string(m, "addend") : null;
                Pads pd = new Pads(pads[0], pads[1], pads[2], pads[3]);
                Shape out = switch (kind) {
                    case CONV, DEPTHWISE, POINTWISE -> new Shape((cur.h() + pads[0] + pads[2] - k) / stride + 1,
                            (cur.w() + pads[1] + pads[3] - k) / stride + 1, c);
                    // A scaling gives the map it scales (MobileNet v3's squeeze-and-excite).
                    case SCALE -> layers.stream().filter(e -> e.name().equals(addend)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException(name + ": scales '" + addend
                                    + "', which is not an earlier layer")).out();
                    default -> new Shape(kind == LayerKind.ADD ? cur.h() : 1, kind == LayerKind.ADD ? cur.w() : 1, c);
                };
                LayerSpec l = new LayerSpec(name, kind, k, stride, pd, cur, out, act, addend);
                layers.add(l);
                cur = out;
            }
            return new LayerGraph(family, input, layers);
        } catch (Json.JsonException | IllegalArgumentException e) {
            throw new BadInputException(file, "has malformed " + LAYERS + " metadata: " + e.getMessage());
        }
    }

    /** A layer's activation by its {@link #layers} name; one the engine does not run is unsupported. */
    private static Activation activation(Path file, String layer, String id) throws BadInputException {
        StringBuilder names = new StringBuilder();
        for (Activation a : Activation.values()) {
            String n = a.name().toLowerCase(Locale.ROOT);
            if (n.equals(id)) {
                return a;
            }
            names.append(names.length() == 0 ? "" : ", ").append(n);
        }
        throw unsupported(file, "layer '" + layer + "' uses activation '" + id + "', which the engine does not run"
                + " (supported: " + names + ")");
    }

    private static String kinds() {
        StringBuilder sb = new StringBuilder();
        for (LayerKind k : LayerKind.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.id());
        }
        return sb.toString();
    }

    /** A well-formed file holding what this build does not support: said so, never called malformed. */
    private static BadInputException unsupported(Path file, String what) {
        return new BadInputException(file, "is not a supported MobileNet: " + what);
    }

    private static String string(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException("expected a string '" + key + "'");
        }
        return s;
    }

    private static int integer(Map<?, ?> m, String key, int min, int max) {
        return whole(m.get(key), key, min, max);
    }

    private static int whole(Object v, String what, int min, int max) {
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
                || n.doubleValue() > max) {
            throw new IllegalArgumentException("expected " + what + " to be a whole number in " + min + ".." + max
                    + ", found " + v);
        }
        return n.intValue();
    }

    static String floats(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(v[i]);
        }
        return sb.toString();
    }

    static float[] parseFloats(String s) {
        String[] parts = s.replace("[", "").replace("]", "").split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Float.parseFloat(parts[i].trim());
        }
        return v;
    }
}
