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
        public void hide() {
        }

        @Override
        public void finish() {
        }
    };

    void update(int done);

    /** Erases the progress line until the next update (before other output goes to the same terminal). */
    void hide();

    void finish();

    /** A progress bar on {@code err} (meant for a terminal); {@code total} -1 when unknown (a count is shown). */
    static ProgressReporter bar(PrintWriter err, int total) {
        return new ProgressBar(err, total);
    }
}
