package org.mobilenet.engine.run;

import org.mobilenet.engine.arch.LayerSpec;

/** Sees every layer's output during a forward pass (for per-layer verification and timing). */
@FunctionalInterface
public interface LayerObserver {
    /**
     * Called after {@code layer} ran. out {@code [batch, out.h, out.w, out.c]} (NHWC); only valid
     * during the call: copy what you keep.
     */
    void onLayer(LayerSpec layer, float[] out, int batch);
}
