package org.mobilenet.cli.classify;

import java.io.PrintWriter;

/** A one-line progress bar redrawn with carriage returns; for terminals only. */
final class ProgressBar implements ProgressReporter {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final int total;
    private int lastDrawn = -1;

    ProgressBar(PrintWriter err, int total) {
        this.err = err;
        this.total = total;
    }

    @Override
    public synchronized void update(int done) {
        int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
        if (filled == lastDrawn && done != total) {
            return;
        }
        lastDrawn = filled;
        err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total);
        err.flush();
    }

    @Override
    public synchronized void finish() {
        err.print("\r" + " ".repeat(WIDTH + 24) + "\r");
        err.flush();
    }
}
