/**
 * The pure-Java MobileNet v1 engine.
 *
 * <h2>Shape legend</h2>
 * Activations are <b>NHWC</b> (channels-last) float arrays: batch N, height H, width W, channels C,
 * with C varying fastest: element {@code (n, y, x, c)} lives at {@code ((n * H + y) * W + x) * C + c}.
 * <ul>
 *   <li>Model tensors (in {@link org.mobilenet.engine.model.Model}) use PyTorch's layouts and names:
 *       conv weights {@code [Cout, Cin/groups, KH, KW]} (OIHW), FC weights {@code [classes, C]}.</li>
 *   <li>Kernel weights (in {@link org.mobilenet.engine.kernels}) use channels-last layouts:
 *       standard conv {@code [KH, KW, Cin, Cout]} (HWIO), depthwise {@code [KH, KW, C]},
 *       pointwise and FC {@code [Cin, Cout]}.</li>
 * </ul>
 * Packages: {@code arch} (the architecture and its layer shapes), {@code cost} (Mult-Adds and params),
 * {@code model} (architecture plus named tensors), {@code kernels} (the compute), {@code run}
 * (a compiled forward pass).
 */
package org.mobilenet.engine;
