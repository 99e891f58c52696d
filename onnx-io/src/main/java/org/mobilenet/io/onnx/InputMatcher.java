package org.mobilenet.io.onnx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * Finds the image input: the one graph input that is not an initializer, a float tensor
 * [N, 3, H, W] (or [N, H, W, 3] followed by a Transpose to NCHW). N may be symbolic, and so may H and
 * W (a graph exported for any image size): the import then takes the size it is asked for.
 */
final class InputMatcher {
    private InputMatcher() {
    }

    /**
     * The input as found: name, layout and its dims as written (symbolic ones as their names), and the
     * height and width the import runs it at (the asked size where the file leaves them symbolic).
     *
     * @param dynamic  true when the file leaves the height or the width symbolic
     * @param channels 3, or 1 for a network that takes gray images
     */
    record Input(String name, Layout layout, List<String> dims, int height, int width, boolean dynamic, int channels) {
    }

    /**
     * The image input; {@code size} is the side taken for a symbolic height or width (see
     * {@link OnnxImporter#DEFAULT_SIZE}).
     */
    static Input find(OnnxGraph g, int size) throws BadInputException {
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.graph().getInputList()) {
            if (!g.isConstant(v.getName())) {
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw new BadInputException(g.file(), "has " + inputs.size() + " graph inputs besides initializers; "
                    + "expected exactly one image input");
        }
        ValueInfoProto in = inputs.get(0);
        int elem = in.getType().hasTensorType() ? in.getType().getTensorType().getElemType() : -1;
        // float16 too: a model converted to half precision throughout (the engine computes in float32).
        if (elem != TensorProto.DataType.FLOAT_VALUE && elem != TensorProto.DataType.FLOAT16_VALUE) {
            throw new BadInputException(g.file(), "input '" + in.getName() + "' is "
                    + (in.getType().hasTensorType() ? TensorData.typeName(elem) : "not a tensor")
                    + "; expected a float (or float16) tensor");
        }
        TensorShapeProto shape = in.getType().getTensorType().getShape();
        List<String> dims = new ArrayList<>();
        long[] v = new long[shape.getDimCount()];
        for (int i = 0; i < v.length; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            v[i] = d.hasDimValue() ? d.getDimValue() : -1;
            dims.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : (d.hasDimParam() ? d.getDimParam() : "?"));
        }
        String expected = "; expected [N, 3, H, W] or [N, H, W, 3] (H and W fixed and positive, or symbolic; 1"
                + " channel for gray)";
        if (v.length != 4) {
            throw new BadInputException(g.file(), "input '" + in.getName() + "' has shape " + dims + expected);
        }
        Layout layout;
        if ((v[1] == 3 || v[1] == 1) && side(shape.getDim(2)) && side(shape.getDim(3))) {
            layout = Layout.NCHW;
        } else if ((v[3] == 3 || v[3] == 1) && side(shape.getDim(1)) && side(shape.getDim(2))) {
            layout = Layout.NHWC;
        } else {
            throw new BadInputException(g.file(), "input '" + in.getName() + "' has shape " + dims + expected);
        }
        long hl = layout == Layout.NCHW ? v[2] : v[1];
        long wl = layout == Layout.NCHW ? v[3] : v[2];
        boolean dynamic = hl < 0 || wl < 0;
        hl = hl < 0 ? size : hl;
        wl = wl < 0 ? size : wl;
        if (hl > 4096 || wl > 4096) {
            throw new BadInputException(g.file(), "input '" + in.getName() + "' has shape " + dims
                    + "; expected a height and width up to 4096");
        }
        int channels = (int) (layout == Layout.NCHW ? v[1] : v[3]);
        return new Input(in.getName(), layout, List.copyOf(dims), (int) hl, (int) wl, dynamic, channels);
    }

    /**
     * True when the graph's first input that is not an initializer is 4-d with a symbolic height or width
     * (in either layout): a cheap look for messages, before or without a full match.
     */
    static boolean symbolicSize(org.mobilenet.io.onnx.proto.Onnx.ModelProto model) {
        java.util.Set<String> init = new java.util.HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> init.add(t.getName()));
        for (ValueInfoProto v : model.getGraph().getInputList()) {
            if (init.contains(v.getName()) || !v.getType().hasTensorType()) {
                continue;
            }
            TensorShapeProto s = v.getType().getTensorType().getShape();
            if (s.getDimCount() != 4) {
                return false;
            }
            boolean nchw = s.getDim(1).hasDimValue() && (s.getDim(1).getDimValue() == 3 || s.getDim(1).getDimValue() == 1);
            int h = nchw ? 2 : 1;
            return !s.getDim(h).hasDimValue() || !s.getDim(h + 1).hasDimValue();
        }
        return false;
    }

    /** A height or width as the input may give it: a positive number, or symbolic (a name, or nothing). */
    private static boolean side(TensorShapeProto.Dimension d) {
        return !d.hasDimValue() || d.getDimValue() > 0;
    }

    /** A cursor at the input, in its own layout. */
    static Cursor begin(Input in) {
        return new Cursor(in.name(), in.layout(), in.channels(), in.height(), in.width());
    }

    /**
     * The cursor moved to the first NCHW value: where it is for an NCHW input, past the Transpose that
     * must follow for an NHWC one.
     */
    static Cursor toNchw(OnnxGraph g, Input in, Cursor cur) throws IOException {
        if (in.layout() == Layout.NHWC) {
            NodeProto t = ChainStep.next(g, cur);
            long[] perm = t == null ? null : g.intsAttr(t, "perm");
            if (t == null || !t.getOpType().equals("Transpose") || !Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
                throw new BadInputException(g.file(), "NHWC input '" + in.name() + "' is followed by "
                        + (t == null ? "nothing" : OnnxGraph.describe(t))
                        + "; expected a Transpose with perm [0, 3, 1, 2] to NCHW");
            }
            ChainStep.advance(g, cur, t);
            cur.layout = Layout.NCHW;
            cur.after = OnnxGraph.describe(t);
        }
        return cur;
    }
}
