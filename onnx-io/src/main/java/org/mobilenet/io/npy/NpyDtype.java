package org.mobilenet.io.npy;

/** The element types the .npy reader and writer handle: little-endian (or byte-sized) numbers. */
public enum NpyDtype {
    UINT8("|u1", 1), INT8("|i1", 1), INT32("<i4", 4), FLOAT32("<f4", 4), FLOAT64("<f8", 8);

    private final String descr;
    private final int bytes;

    NpyDtype(String descr, int bytes) {
        this.descr = descr;
        this.bytes = bytes;
    }

    /** NumPy's descr string, as written: {@code |u1}, {@code <f4}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** NumPy's name: {@code uint8}, {@code float32}. */
    public String numpyName() {
        return switch (this) {
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case INT32 -> "int32";
            case FLOAT32 -> "float32";
            case FLOAT64 -> "float64";
        };
    }

    /** True for the float types. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /**
     * The type of a descr as NumPy writes it ({@code |u1}, also {@code <u1} and {@code =u1} for bytes,
     * which mean the same), or null when this reader does not handle it.
     */
    static NpyDtype of(String descr) {
        for (NpyDtype d : values()) {
            String kind = d.descr.substring(1);
            if (descr.equals(d.descr) || (d.bytes == 1 && (descr.equals("<" + kind) || descr.equals("=" + kind)))) {
                return d;
            }
        }
        return null;
    }
}
