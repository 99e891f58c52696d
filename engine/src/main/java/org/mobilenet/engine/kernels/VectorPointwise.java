package org.mobilenet.engine.kernels;

import org.mobilenet.engine.arch.Activation;

/**
 * Pointwise (1x1) convolution and fully connected layers as a register-blocked matrix product
 * with bias and activation fused: in {@code [pixels, inC]}, weights {@code [inC, outC]} (packed
 * into panels at construction), out {@code [pixels, outC]}.
 *
 * <p>Work is split into (row block, panel) items. When the weights are larger than a typical
 * input the items run panel-major, so each worker streams its own share of the weights once;
 * otherwise row-block-major, so a block of input rows stays in cache while all panels pass.
 * The micro-kernel is {@link WideGemm}'s 6 x 4 vectors where it suits the vector width and the
 * layer has at least four vectors of output channels, {@link NarrowGemm}'s 6 x 1 when they fit
 * one vector, else {@link VectorGemm}'s 6 x 2 ({@link Tile#preferred}); on the 4-vector tile the
 * columns past the last whole panel run on a narrower tile when they fit one.
 * Not thread-safe: one caller at a time.
 */
public final class VectorPointwise implements RangeTask {
    /** Target rows per block. */
    private static final int BLOCK_ROWS = 48;

    private final int inC;
    private final int outC;
    /** Whose panels: {@link WideGemm}'s, {@link VectorGemm}'s or {@link NarrowGemm}'s. */
    private final Tile tile;
    /**
     * The tile of the last panel: {@link #tile}, or a narrower one when the columns past the last
     * whole panel fit it (96 output channels on the 4-vector tile: one panel of 64 and one of 32, not
     * two of 64 with half of the second computed for nothing). Packed at its own width after the
     * others.
     */
    private final Tile lastTile;
    /** Output channels per panel. */
    private final int nr;
    private final int panels;
    private final float[] packed;
    private final float[] bias;
    private final float lo;
    private final float hi;
    private float[][] tmp;

    private float[] in;
    private float[] out;
    private int pixels;
    private int blocks;
    private int blockRows;
    private boolean panelMajor;

    public VectorPointwise(int inC, int outC, float[] weights, float[] bias, Activation act) {
        this(inC, outC, weights, bias, act, Tile.preferred(outC));
    }

    /** The micro-kernels, by the width of their panels. */
    enum Tile {
        /** {@link NarrowGemm}: one vector. */
        ONE(NarrowGemm.NR),
        /** {@link VectorGemm}: two vectors. */
        TWO(VectorGemm.NR),
        /** {@link WideGemm}: four vectors. */
        FOUR(WideGemm.NR);

        final int nr;

        Tile(int nr) {
            this.nr = nr;
        }

        static Tile preferred(int cols) {
            return WideGemm.preferred(cols) ? FOUR : NarrowGemm.preferred(cols) ? ONE : TWO;
        }
    }

    /** With the micro-kernel forced (for tests). */
    VectorPointwise(int inC, int outC, float[] weights, float[] bias, Activation act, Tile tile) {
        if (inC < 1 || outC < 1 || weights.length != inC * outC || (bias != null && bias.length != outC)) {
            throw new IllegalArgumentException("pointwise " + inC + " -> " + outC + " needs " + inC * outC
                    + " weights, got " + weights.length);
        }
        this.inC = inC;
        this.outC = outC;
        this.tile = tile;
        this.nr = tile.nr;
        this.panels = Panels.count(outC, nr);
        int rest = outC % nr;
        this.lastTile = tile != Tile.FOUR || rest == 0 || rest > Tile.TWO.nr ? tile
                : rest > Tile.ONE.nr ? Tile.TWO : Tile.ONE;
        this.packed = lastTile == tile ? Panels.pack(weights, inC, outC, nr)
                : Panels.packLastNarrower(weights, inC, outC, nr, lastTile.nr);
        this.bias = Panels.padBias(bias, outC, nr);
        this.tmp = new float[1][VectorGemm.MR * nr];
        this.lo = VectorGemm.low(act);
        this.hi = VectorGemm.high(act);
    }

    /** in {@code [pixels, inC]} -> out {@code [pixels, outC]}. */
    public void run(float[] in, int pixels, float[] out, Parallel parallel) {
        if (tmp.length < parallel.threads()) {
            float[][] t = new float[parallel.threads()][];
            for (int i = 0; i < t.length; i++) {
                t[i] = new float[VectorGemm.MR * nr];
            }
            tmp = t;
        }
        this.in = in;
        this.out = out;
        this.pixels = pixels;
        this.blocks = (pixels + BLOCK_ROWS - 1) / BLOCK_ROWS;
        int perBlock = (pixels + blocks - 1) / blocks;
        this.blockRows = (perBlock + VectorGemm.MR - 1) / VectorGemm.MR * VectorGemm.MR;
        this.blocks = (pixels + blockRows - 1) / blockRows;
        this.panelMajor = (long) inC * outC > (long) pixels * inC;
        parallel.run(blocks * panels, this);
        this.in = null;
        this.out = null;
    }

    @Override
    public void run(int from, int to, int worker) {
        float[] t = tmp[worker];
        for (int item = from; item < to; item++) {
            int block;
            int panel;
            if (panelMajor) {
                panel = item / blocks;
                block = item % blocks;
            } else {
                block = item / panels;
                panel = item % panels;
            }
            int r0 = block * blockRows;
            int rows = Math.min(blockRows, pixels - r0);
            if (rows <= 0) {
                continue;
            }
            int c0 = panel * nr;
            int cols = Math.min(nr, outC - c0);
            switch (panel == panels - 1 ? lastTile : tile) {
                case FOUR -> WideGemm.panel(in, r0 * inC, inC, rows, packed, Panels.START + panel * inC * nr, inC,
                        bias, c0, lo, hi, out, r0 * outC + c0, outC, cols, t);
                case ONE -> NarrowGemm.panel(in, r0 * inC, inC, rows, packed, Panels.START + panel * inC * nr, inC,
                        bias, c0, lo, hi, out, r0 * outC + c0, outC, cols, t);
                case TWO -> VectorGemm.panel(in, r0 * inC, inC, rows, packed, Panels.START + panel * inC * nr, inC,
                        bias, c0, lo, hi, out, r0 * outC + c0, outC, cols, t);
            }
        }
    }
}
