package org.mobilenet.cli.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void aKnownTotalDrawsABarAndAnUnknownOneACount() {
        StringWriter s = new StringWriter();
        ProgressReporter bar = ProgressReporter.bar(new PrintWriter(s), 40);
        bar.update(20);
        assertTrue(s.toString().endsWith("[###############               ] 20/40"), s.toString());
        StringWriter c = new StringWriter();
        ProgressReporter count = ProgressReporter.bar(new PrintWriter(c), -1);
        count.update(24);
        count.update(32);
        assertTrue(c.toString().endsWith("\r32 images"), c.toString());
    }

    @Test
    void hidingErasesTheLineUntilTheNextUpdate() {
        StringWriter s = new StringWriter();
        ProgressReporter bar = ProgressReporter.bar(new PrintWriter(s), -1);
        bar.hide(); // nothing shown yet: nothing to erase
        assertEquals("", s.toString());
        bar.update(8);
        bar.hide();
        String erased = s.toString();
        assertTrue(erased.endsWith("\r" + " ".repeat(54) + "\r"), erased);
        bar.update(8); // the same count is drawn again after hiding
        assertTrue(s.toString().endsWith("\r8 images"), s.toString());
    }
}
