package org.mobilenet.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TroffTest {

    @Test
    void escapesBackslashesHyphensAndLeadingControlCharacters() {
        assertEquals("a\\ec \\-\\-x", Troff.text("a\\c --x"));
        assertEquals("\\&.TH no\n\\&'quote", Troff.text(".TH no\n'quote"));
        assertEquals("\\fBload\\fR \\fIFILE\\fR", Troff.bold("load") + " " + Troff.italic("FILE"));
    }
}
