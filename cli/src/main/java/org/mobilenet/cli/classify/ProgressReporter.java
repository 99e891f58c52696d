package org.mobilenet.cli.classify;

import java.io.PrintWriter;

/** Told how many images are done; draws progress or nothing. */
public interface ProgressReporter {
    /** Reports nothing. */
    ProgressReporter NONE = new ProgressReporter() {
        @Override
        public void update(int done) {
        }

        @Override
        public void finish() {
        }
    };

    void update(int done);

    void finish();

    /** A progress bar on {@code err} (meant for a terminal). */
    static ProgressReporter bar(PrintWriter err, int total) {
        return new ProgressBar(err, total);
    }
}
