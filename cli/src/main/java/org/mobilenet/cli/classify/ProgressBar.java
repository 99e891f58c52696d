package org.mobilenet.cli.classify;

import java.io.PrintWriter;

/**
 * A one-line progress bar redrawn with carriage returns; for terminals only. With an unknown total
 * (images streamed from a directory walk or standard input) it shows the count alone.
 */
final class ProgressBar implements ProgressReporter {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    /** The number of images, or -1 when unknown. */
    private final int total;
    private int lastDrawn = -1;
    private int lastDone = -1;
    private boolean shown;

    ProgressBar(PrintWriter err, int total) {
        this.err = err;
        this.total = total;
    }

    @Override
    public synchronized void update(int done) {
        if (total < 0) {
            if (done == lastDone && shown) {
                return;
            }
            lastDone = done;
            shown = true;
            err.print("\r" + done + " images");
            err.flush();
            return;
        }
        int filled = total == 0 ? WIDTH : (int) ((long) Math.min(done, total) * WIDTH / total);
        if (filled == lastDrawn && done != total && shown) {
            return;
        }
        lastDrawn = filled;
        shown = true;
        err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total);
        err.flush();
    }

    @Override
    public synchronized void hide() {
        if (shown) {
            clear();
            shown = false;
        }
    }

    @Override
    public synchronized void finish() {
        clear();
        shown = false;
    }

    private void clear() {
        err.print("\r" + " ".repeat(WIDTH + 24) + "\r");
        err.flush();
    }
}
