package org.mobilenet.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Completion candidates (bash, zsh and the shell's completer) of the options that take one of a few
 * words as a string: picocli completes enum options by itself, and these by these lists.
 */
final class Candidates {
    private Candidates() {
    }

    /** {@code --engine}. */
    static final class Engines extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Engines() {
            super(List.of("java", "ort"));
        }
    }

    /** {@code classify --resize}. */
    static final class ResizeModes extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ResizeModes() {
            super(List.of("stretch", "center-crop"));
        }
    }

    /** {@code --variant} (MobileNet v1's). */
    static final class Variants extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Variants() {
            super(List.of("separable", "conv", "shallow"));
        }
    }

    /** {@code convert --from} and {@code --to}. */
    static final class Formats extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Formats() {
            super(List.of("onnx", "safetensors", "tflite", "keras-h5", "keras"));
        }
    }

    /** {@code shrink --criterion}. */
    static final class Criteria extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Criteria() {
            super(List.of("l1", "l2", "random"));
        }
    }
}
