package org.mobilenet.io.onnx;

/**
 * One matched residual Add: the chain value plus the output of an earlier layer.
 *
 * @param node   the Add node, described for messages
 * @param addend the index (among the matched layers) of the layer whose output is added
 * @param output the Add's output value
 */
record AddUnit(String node, int addend, String output) {
}
