package org.mobilenet.engine.model;

/**
 * A well-formed model that this build cannot handle the way it was asked to: a MobileNet v2 given to
 * an operation that handles MobileNet v1 only so far (ONNX export, shrink), a layer the engine does
 * not run. It names what is unsupported, never calls the model malformed; the command line reports
 * it as bad input (exit code 3) in one line.
 */
public class UnsupportedModelException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelException(String message) {
        super(message);
    }

    /**
     * Refuses {@code model} for {@code what} (a format's writer, the integer path) when it has a layer
     * only MobileNet v3 has ({@link org.mobilenet.engine.arch.LayerGraph#firstV3Layer}).
     */
    public static void requireNoV3Layers(Model model, String what) {
        model.graph().firstV3Layer().ifPresent(l -> {
            throw new UnsupportedModelException("layer " + l.name() + " (" + l.kind().id() + ", "
                    + l.activation().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ") is a MobileNet"
                    + " v3 layer (hard-swish, squeeze-and-excite), which " + what + " does not support yet");
        });
    }
}
