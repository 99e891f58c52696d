package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelLinesTest {
    private static List<String> read(String text) throws IOException {
        return LabelLines.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unixAndWindowsLineEndsGiveTheSameLabels() throws IOException {
        assertEquals(List.of("background", "tench", "goldfish"), read("background\ntench\ngoldfish\n"));
        assertEquals(List.of("background", "tench", "goldfish"), read("background\r\ntench\r\ngoldfish\r\n"));
        assertEquals(List.of("a", "b"), read("a\r\nb"));
    }

    @Test
    void labelsAreStrippedAndTrailingBlankLinesDropped() throws IOException {
        assertEquals(List.of("great white shark", "tiger shark"), read("  great white shark \t\n\ttiger shark\n\n \r\n\n"));
    }

    @Test
    void aBlankLineInsideTheListStaysAnEmptyLabel() throws IOException {
        // Its position is a class index: dropping it would shift every label after it.
        assertEquals(List.of("a", "", "c"), read("a\n\nc\n"));
    }

    @Test
    void labelsNumberedByTheirIndexAsTeachableMachineAndCoralWriteThemAreTheirNames() throws IOException {
        assertEquals(List.of("Flask", "Mug"), read("0 Flask\n1 Mug\n"));
        assertEquals(List.of("5 Galoon", "500ML"), read("0 5 Galoon\r\n1 500ML\r\n"));
        assertEquals(List.of("background", "tench, Tinca tinca"), read("0  background\n1  tench, Tinca tinca\n"));
        assertEquals(List.of("cat", "dog"), read("1 cat\n2 dog\n"));
    }

    @Test
    void anImagenetSynsetListGivesTheNamesWithoutTheWordNetIds() throws IOException {
        assertEquals(List.of("tench, Tinca tinca", "goldfish, Carassius auratus"),
                read("n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\n"));
        assertEquals(List.of("n01440764 tench", "goldfish"), read("n01440764 tench\ngoldfish\n"), "not every line");
        assertEquals(List.of("n0144076x tench", "n01443537 goldfish"), read("n0144076x tench\nn01443537 goldfish\n"));
    }

    @Test
    void labelsThatMerelyStartWithNumbersKeepThem() throws IOException {
        assertEquals(List.of("0 Flask", "2 Mug"), read("0 Flask\n2 Mug\n"), "not the line's index");
        assertEquals(List.of("0", "1"), read("0\n1\n"), "numbers alone are the names");
        assertEquals(List.of("1 cat"), read("1 cat\n"), "one line");
        assertEquals(List.of("10 km", "1 m"), read("10 km\n1 m\n"));
        assertEquals(List.of("0 a", "1b"), read("0 a\n1b\n"));
    }

    @Test
    void keepsNonAsciiLabels() throws IOException {
        assertEquals(List.of("Schäferhund", "猫"), read("Schäferhund\n猫\n"));
    }

    @Test
    void anEmptyFileHasNoLabels() throws IOException {
        assertEquals(List.of(), read(""));
        assertEquals(List.of(), read("\n\r\n  \n"));
    }

    @Test
    void refusesAListLargerThanTheLimit() {
        byte[] big = new byte[(int) LabelLines.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'x');
        assertThrows(IOException.class, () -> LabelLines.read(new ByteArrayInputStream(big)));
    }

    @Test
    void fitTakesOneLabelPerClassOrTheImageNetListsEitherSideOfTheBackgroundClass() {
        List<String> three = List.of("a", "b", "c");
        org.junit.jupiter.api.Assertions.assertEquals(three, LabelLines.fit(three, 3));
        org.junit.jupiter.api.Assertions.assertNull(LabelLines.fit(three, 4));
        org.junit.jupiter.api.Assertions.assertNull(LabelLines.fit(List.of(), 0));
        org.junit.jupiter.api.Assertions.assertNull(LabelLines.fit(null, 3));
        List<String> thousand = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add("class " + i);
        }
        List<String> withBackground = LabelLines.fit(thousand, 1001);
        org.junit.jupiter.api.Assertions.assertEquals(1001, withBackground.size());
        org.junit.jupiter.api.Assertions.assertEquals("background", withBackground.get(0));
        org.junit.jupiter.api.Assertions.assertEquals("class 999", withBackground.get(1000));
        // A 1001-line list (TF-slim's, "background" first) for a 1000-class model loses its first line;
        // so does any list one longer than the classes that starts with background; another first line
        // does not fit (the labels would be shifted by one).
        org.junit.jupiter.api.Assertions.assertEquals(thousand, LabelLines.fit(withBackground, 1000));
        org.junit.jupiter.api.Assertions.assertEquals(List.of("no_person", "person"),
                LabelLines.fit(List.of("Background", "no_person", "person"), 2));
        List<String> shifted = new java.util.ArrayList<>(thousand);
        shifted.add(0, "unused");
        org.junit.jupiter.api.Assertions.assertNull(LabelLines.fit(shifted, 1000));
    }
}
