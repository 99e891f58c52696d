package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProfileCommandTest {

    @Test
    void defaultProfileMatchesTheGoldenTables() throws Exception {
        CliRun r = CliRun.of("profile");
        assertEquals(0, r.code(), r.err());
        Path golden = CliRun.root().resolve("testdata/profile/mobilenet_1.0_224.txt");
        assertEquals(Files.readString(golden), r.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void jsonFollowsTheDocumentedSchema() {
        CliRun r = CliRun.of("profile", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(1.0, o.getAsJsonObject("model").get("alpha").getAsDouble());
        assertEquals("separable", o.getAsJsonObject("model").get("variant").getAsString());
        assertEquals(568_740_352L, o.getAsJsonObject("total").get("multAdds").getAsLong());
        assertEquals(4_209_088L, o.getAsJsonObject("total").get("params").getAsLong());
        JsonArray layers = o.getAsJsonArray("layers");
        assertEquals(30, layers.size());
        JsonObject conv1 = layers.get(0).getAsJsonObject();
        assertEquals("conv1", conv1.get("name").getAsString());
        assertEquals("[3,3,3,32]", conv1.get("filter").toString());
        assertEquals("[224,224,3]", conv1.get("input").toString());
        assertEquals("[112,112,32]", conv1.get("output").toString());
        assertEquals(94.86, o.getAsJsonObject("byType").getAsJsonObject("conv1x1").get("multAddsPercent").getAsDouble(), 0.005);
        assertEquals(24.33, o.getAsJsonObject("byType").getAsJsonObject("fc").get("paramsPercent").getAsDouble(), 0.005);
    }

    @Test
    void gridModePrintsEveryCombination() {
        CliRun r = CliRun.of("profile", "--alpha", "1,0.75,0.5,0.25", "--resolution", "224,192,160,128", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonArray all = JsonParser.parseString(r.out()).getAsJsonArray();
        assertEquals(16, all.size());
        JsonObject a75 = all.get(4).getAsJsonObject();
        assertEquals(0.75, a75.getAsJsonObject("model").get("alpha").getAsDouble());
        assertEquals(325.4, a75.getAsJsonObject("total").get("multAdds").getAsLong() / 1e6, 0.05);
        JsonObject r128 = all.get(3).getAsJsonObject();
        assertEquals(186.4, r128.getAsJsonObject("total").get("multAdds").getAsLong() / 1e6, 0.05);
    }

    @Test
    void variantsReproduceTables4And5() {
        CliRun r = CliRun.of("profile", "--variant", "conv,shallow", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("Alpha,Resolution,Variant,Mult-Adds,Params,Mult-Adds (M),Params (M)", lines[0]);
        assertEquals("1.0,224,conv,4867293184,29281120,4867.3,29.28", lines[1]);
        assertTrue(lines[2].startsWith("1.0,224,shallow,307"), lines[2]);
    }

    @Test
    void markdownTablesArePipeTables() {
        CliRun r = CliRun.of("profile", "--alpha", "0.5", "--format", "markdown");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| conv1 "), r.out());
        assertTrue(r.out().contains("|---"), r.out());
    }

    @Test
    void measureAddsATimeColumnForEveryLayer() {
        CliRun r = CliRun.of("profile", "--alpha", "0.25", "--resolution", "64", "--measure", "--runs", "2",
                "--warmup", "0", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonArray layers = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("layers");
        for (var l : layers) {
            assertTrue(l.getAsJsonObject().get("timeMs").getAsDouble() >= 0);
        }
    }

    @Test
    void modelFileIsProfiledByItsOwnArchitecture() {
        String m = CliRun.shared().resolve("models/mobilenet_v1_0.5_160_quant.tflite").toString();
        CliRun r = CliRun.of("profile", "--model", m, "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(0.5, o.getAsJsonObject("model").get("alpha").getAsDouble());
        assertEquals(160, o.getAsJsonObject("model").get("resolution").getAsInt());
        assertEquals(1001, o.getAsJsonObject("model").get("classes").getAsInt());
        CliRun same = CliRun.of("profile", "--alpha", "0.5", "--resolution", "160", "--classes", "1001", "--format", "json");
        assertEquals(JsonParser.parseString(same.out()).getAsJsonObject().get("total"), o.get("total"));
    }

    @Test
    void invalidValuesAreUsageErrorsOnOneLine() {
        CliRun r = CliRun.of("profile", "--resolution", "16");
        assertEquals(ExitCode.USAGE, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("resolution"), r.err());

        CliRun bad = CliRun.of("profile", "--variant", "deep");
        assertEquals(ExitCode.USAGE, bad.code());
        assertTrue(bad.err().contains("unknown variant 'deep'"), bad.err());

        CliRun unknown = CliRun.of("profile", "--bogus");
        assertEquals(ExitCode.USAGE, unknown.code());
        assertTrue(unknown.err().contains("Unknown option"), unknown.err());
    }
}
