package org.mobilenet.io.tflite;

/**
 * One operator of a TFLite subgraph.
 *
 * @param index   position in the subgraph's operator list
 * @param code    the builtin operator code (see {@link BuiltinOp})
 * @param inputs  tensor indices (-1 for an omitted optional input)
 * @param outputs tensor indices
 * @param options the builtin options table, or null when absent
 * @param custom  a CUSTOM operator's custom_code (e.g. {@code edgetpu-custom-op}), else null
 */
record TfliteOperator(int index, int code, int[] inputs, int[] outputs, FbTable options, String custom) {

    /** The builtin operator's name, or for a custom operator {@code CUSTOM 'its code'}. */
    String name() {
        return code == BuiltinOp.CUSTOM && custom != null ? "CUSTOM '" + custom + "'" : BuiltinOp.name(code);
    }

    /** Input {@code i}, or -1 when the operator has fewer inputs. */
    int input(int i) {
        return i < inputs.length ? inputs[i] : -1;
    }
}
