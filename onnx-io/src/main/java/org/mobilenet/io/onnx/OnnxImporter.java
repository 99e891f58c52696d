package org.mobilenet.io.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.InputRescale;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * Imports a MobileNet v1 from an ONNX graph as PyTorch, tf2onnx, Keras and older exporters write
 * it. A small pattern matcher walks the chain from the image input: conv layers
 * ({@link ConvUnitMatcher}), global pooling ({@link PoolMatcher}), shape-only nodes
 * ({@link ReshapeMatcher}), the classifier ({@link ClassifierMatcher}) and softmax
 * ({@link SoftmaxMatcher}); {@link ModelAssembler} then checks the layers against the architecture
 * and builds the engine model. Anything else is refused with a {@link BadInputException} naming the
 * node, its op type and what was expected.
 */
public final class OnnxImporter {
    /** Nodes that may sit off the chain: they only compute the shape input of a Reshape. */
    private static final Set<String> SHAPE_HELPERS =
            Set.of("Shape", "Gather", "Unsqueeze", "Concat", "Cast", "Slice", "Constant", "Squeeze", "ConstantOfShape");

    private OnnxImporter() {
    }

    /**
     * The side a graph whose input leaves its height and width symbolic runs at unless asked otherwise
     * ({@code --input-size}): the ImageNet MobileNets' 224.
     */
    public static final int DEFAULT_SIZE = 224;

    /**
     * {@code size} for importing again a model this importer gave ({@code imported}) at that size
     * ({@link #read(Path, int)}): the model's graph leaves its input height and width symbolic, and the
     * size is one {@code --input-size} takes.
     *
     * @throws IllegalArgumentException for a graph that fixes its input size, or a size outside 32 to 4096
     */
    public static int sizeFor(Model imported, int size) {
        if (!imported.metadata().containsKey(OnnxImport.DYNAMIC_INPUT)) {
            throw ModelFiles.sizeRecorded(imported);
        }
        return ModelFiles.requireInputSize(size);
    }

    /** Reads and imports an ONNX file (external data is read from the file's folder). */
    public static OnnxImport read(Path file) throws IOException {
        return read(file, DEFAULT_SIZE);
    }

    /**
     * Reads and imports an ONNX file, a symbolic input height or width taken as {@code size} (a fixed
     * one is the file's whatever the size).
     */
    public static OnnxImport read(Path file, int size) throws IOException {
        return importModel(file, OnnxFile.read(file), size);
    }

    /** Imports a parsed model; {@code file} names it in messages and locates external data. */
    public static OnnxImport importModel(Path file, ModelProto model) throws IOException {
        return importModel(file, model, DEFAULT_SIZE);
    }

    /** {@link #importModel(Path, ModelProto)} with a symbolic input height or width taken as {@code size}. */
    public static OnnxImport importModel(Path file, ModelProto model, int size) throws IOException {
        if (size < 1 || size > 4096) {
            throw new IllegalArgumentException("an input size must be 1 to 4096, got " + size);
        }
        try {
            if (DynamicQuantGraph.isDynamic(model)) {
                // ONNX Runtime's dynamic quantization: read as the float model it approximates.
                OnnxImport f = match(file, DynamicQuantGraph.toFloat(file, model), size);
                java.util.Map<String, String> md = new java.util.LinkedHashMap<>(f.model().metadata());
                md.put(OnnxImport.DYNAMIC_QUANTIZATION, "true");
                return new OnnxImport(f.model().withMetadata(md), f.opset(), f.irVersion(), f.producer(), f.inputName(),
                        f.inputLayout(), f.inputDims(), f.outputName(), f.layerValues(), f.activation());
            }
            if (QOperatorGraph.isQOperator(model)) {
                // ONNX Runtime's QOperator format (the model zoo's int8 files): read as the QDQ graph it equals.
                model = QOperatorGraph.toQdq(file, model);
            }
            if (QdqReader.isQdq(model)) {
                // A quantized (QDQ) graph: the float graph it wraps is matched, its quantization attached.
                QdqReader.Stripped s = QdqReader.strip(file, model);
                OnnxImport f = match(file, s.model(), size);
                if (f.model().metadata().containsKey(Model.PIXEL_INPUT_KEY)) {
                    return f; // the integer path has no operator for the graph's own preprocessing: float
                }
                return new OnnxImport(QdqReader.attach(f.model(), s, f.inputName(), f.layerValues()), f.opset(),
                        f.irVersion(), f.producer(), f.inputName(), f.inputLayout(), f.inputDims(), f.outputName(),
                        f.layerValues(), f.activation());
            }
            return match(file, model, size);
        } catch (BadInputException e) {
            BadInputException r = byWhatItIs(file, model, e).orElse(e);
            if (r == e && size == DEFAULT_SIZE && InputMatcher.symbolicSize(model)) {
                // A graph that fits only some sizes: say which one was assumed, and how to ask for another.
                BadInputException sized = new BadInputException(file, r.problem() + " (its input size is symbolic and"
                        + " was taken as " + DEFAULT_SIZE + " x " + DEFAULT_SIZE + ")", BadInputException.Remedy.INPUT_SIZE);
                sized.initCause(r);
                throw sized;
            }
            throw r;
        } catch (RuntimeException e) {
            // A safety net: whatever a malformed graph trips over is reported as bad input, never a stack trace.
            throw byWhatItIs(file, model, e).orElseGet(() -> new BadInputException(file, "has a malformed graph ("
                    + e.getClass().getSimpleName() + ": " + OnnxFile.firstLine(e.getMessage()) + ")", e));
        }
    }

    /**
     * A graph the import could not take, refused by what it is when an operator says so (a MobileNet
     * v3, an LSTM): the well-formed file is unsupported, not malformed.
     */
    private static java.util.Optional<BadInputException> byWhatItIs(Path file, ModelProto model, Exception cause) {
        String where = cause instanceof BadInputException b ? b.problem() : null;
        return UnsupportedOperators.find(model.getGraph().getNodeList(), where)
                .map(what -> new BadInputException(file, "is not a supported ONNX MobileNet: " + what, cause));
    }

    private static OnnxImport match(Path file, ModelProto model, int size) throws IOException {
        OnnxGraph g = new OnnxGraph(file, model);
        InputMatcher.Input input = InputMatcher.find(g, size);
        // The graph's own input preprocessing may come before an NHWC input's Transpose (an elementwise
        // op in the Keras layout) or after it.
        Cursor cur = InputMatcher.begin(input);
        InputRescale before = RescaleMatcher.match(g, cur);
        cur = InputMatcher.toNchw(g, input, cur);
        InputRescale rescale = InputRescale.then(before, RescaleMatcher.match(g, cur));
        List<Object> units = new ArrayList<>();
        java.util.Map<String, Integer> produced = new java.util.HashMap<>();
        NodeProto n = ChainStep.next(g, cur);
        while (n != null && (ConvUnitMatcher.starts(n) || (n.getOpType().equals("Add") && !units.isEmpty())
                || !units.isEmpty() && SqueezeExcite.starts(g, n, cur.value))) {
            if (n.getOpType().equals("Add")) {
                units.add(matchAdd(g, cur, n, produced));
            } else if (PoolMatcher.starts(n)) {
                units.add(SqueezeExcite.match(g, cur, n, produced));
            } else {
                ConvUnit u = ConvUnitMatcher.match(g, cur, n);
                units.add(u);
            }
            produced.put(cur.value, units.size() - 1);
            n = ChainStep.next(g, cur);
        }
        if (units.isEmpty()) {
            throw unexpected(g, cur, n, "Conv (or Pad before a Conv)");
        }
        String poolValue = null;
        ModelAssembler.FlatHead flatHead = null;
        if (n != null && ReshapeMatcher.starts(n) && (cur.h != 1 || cur.w != 1)) {
            // No pooling: a dense layer reads the map flattened (PyTorch's flatten, Keras's Flatten).
            while (!cur.flat) {
                if (n == null || !ReshapeMatcher.starts(n)) {
                    throw unexpected(g, cur, n, "Flatten or Reshape to [N, " + cur.c * cur.h * cur.w + "]");
                }
                ReshapeMatcher.match(g, cur, n);
                n = ChainStep.next(g, cur);
            }
            if (n == null || !ClassifierMatcher.starts(n) || n.getOpType().equals("Conv")) {
                throw unexpected(g, cur, n, "Gemm or MatMul (a dense layer reading the flattened map)");
            }
            flatHead = new ModelAssembler.FlatHead(new Shape(cur.flatMap[0], cur.flatMap[1], cur.flatMap[2]),
                    cur.flatOrder);
        } else {
            if (n == null || !PoolMatcher.starts(n)) {
                throw unexpected(g, cur, n, "Conv, Pad, GlobalAveragePool, ReduceMean, AveragePool or Flatten");
            }
            PoolMatcher.match(g, cur, n);
            poolValue = cur.value;
            n = ChainStep.next(g, cur);
        }
        List<ClassifierMatcher.Fc> fcs = new ArrayList<>();
        // The layer after the classifier, if any: a Softmax, or a Sigmoid (a binary or multi-label head).
        LayerKind head = null;
        String headValue = null;
        while (n != null) {
            Activation act;
            if (ReshapeMatcher.starts(n)) {
                ReshapeMatcher.match(g, cur, n);
            } else if (head == null && ClassifierMatcher.starts(n)) {
                // The first dense layer, or the next of a custom head (with or without an activation between).
                fcs.add(ClassifierMatcher.match(g, cur, n));
            } else if (!fcs.isEmpty() && head == null && fcs.get(fcs.size() - 1).activation() == Activation.NONE
                    && (act = Activation.match(g, n)) != null) {
                // A hidden layer of a custom head (Teachable Machine, Keras transfer learning): Dense + ReLU;
                // MobileNet v3's: Dense + hard-swish.
                act = Activation.advance(g, cur, n, act);
                fcs.set(fcs.size() - 1, fcs.get(fcs.size() - 1).withActivation(act, cur.value));
            } else if (!fcs.isEmpty() && head == null && SoftmaxMatcher.starts(n)) {
                SoftmaxMatcher.match(g, cur, n);
                head = LayerKind.SOFTMAX;
                headValue = cur.value;
            } else if (!fcs.isEmpty() && head == null && n.getOpType().equals("Sigmoid")) {
                ChainStep.advance(g, cur, n);
                cur.after = OnnxGraph.describe(n);
                head = LayerKind.SIGMOID;
                headValue = cur.value;
            } else {
                String want = fcs.isEmpty() ? "Flatten, Reshape, Squeeze, Gemm, MatMul or a 1x1 Conv"
                        : (head != null ? "the graph output (or Flatten, Reshape, Squeeze)"
                                : "Relu, Clip, Gemm, MatMul, Softmax, Sigmoid, Flatten, Reshape, Squeeze or the graph output");
                throw unexpected(g, cur, n, want);
            }
            n = ChainStep.next(g, cur);
        }
        if (!fcs.isEmpty() && fcs.get(fcs.size() - 1).activation() != Activation.NONE) {
            throw new BadInputException(file, "the classifier ends at an activation after " + cur.after
                    + "; expected a fully connected layer (or its softmax or sigmoid) last");
        }
        if (!g.isGraphOutput(cur.value)) {
            throw new BadInputException(file, "the chain ends at '" + cur.value + "' after " + cur.after
                    + ", which is not a graph output");
        }
        checkAllNodesUsed(g);
        if (flatHead != null && fcs.isEmpty()) {
            throw new BadInputException(file, "flattens the feature map without a dense layer after it; expected"
                    + " Gemm or MatMul");
        }
        return ModelAssembler.assemble(g, input, units, poolValue, flatHead, fcs, head, headValue, cur.value, rescale);
    }

    /** A residual Add of the chain value and an earlier layer's output (of the same shape). */
    private static AddUnit matchAdd(OnnxGraph g, Cursor cur, NodeProto n, java.util.Map<String, Integer> produced)
            throws IOException {
        if (n.getInputCount() != 2 || n.getOutputCount() != 1) {
            throw g.bad(n, "has " + n.getInputCount() + " inputs; expected a residual Add of two layer outputs");
        }
        String other = n.getInput(0).equals(cur.value) ? n.getInput(1) : n.getInput(0);
        Integer at = produced.get(other);
        if (at == null || other.equals(cur.value)) {
            throw g.bad(n, "adds '" + other + "', which is not the output of an earlier conv layer or add;"
                    + " expected a residual Add");
        }
        ChainStep.advance(g, cur, n);
        cur.after = OnnxGraph.describe(n);
        return new AddUnit(OnnxGraph.describe(n), at, cur.value);
    }

    private static BadInputException unexpected(OnnxGraph g, Cursor cur, NodeProto n, String want) {
        if (n == null) {
            return new BadInputException(g.file(), "the graph ends after " + cur.after + " at '" + cur.value
                    + "'; expected " + want);
        }
        return g.bad(n, "after " + cur.after + " is not part of a MobileNet v1; expected " + want);
    }

    private static void checkAllNodesUsed(OnnxGraph g) throws BadInputException {
        for (NodeProto n : g.graph().getNodeList()) {
            if (!g.visited(n) && !SHAPE_HELPERS.contains(n.getOpType())) {
                throw g.bad(n, "is not part of the MobileNet v1 chain from the input to the output");
            }
        }
    }
}
