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
    void measureWithABatchReportsTimesPerImageOfThatBatch() {
        CliRun r = CliRun.of("profile", "--alpha", "0.25", "--resolution", "64", "--measure", "--runs", "2",
                "--warmup", "0", "--batch", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("median of 2 runs of 3 images"), r.out());
        assertTrue(r.out().contains("conv1"), r.out());
    }

    @Test
    void measureRefusesANegativeWarmUp() {
        CliRun r = CliRun.of("profile", "--alpha", "0.25", "--resolution", "64", "--measure", "--warmup", "-1");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("--warmup must be >= 0"), r.err());
    }

    @Test
    void measureRefusesAnEmptyBatch() {
        CliRun r = CliRun.of("profile", "--alpha", "0.25", "--resolution", "64", "--measure", "--batch", "0");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("--batch"), r.err());
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

    @Test
    void v2ReproducesThePapersAndTfSlimsTotals() {
        CliRun r = CliRun.of("profile", "--arch", "v2", "--alpha", "1,1.4,0.35", "--resolution", "224,128,96",
                "--format", "csv");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("Alpha,Resolution,Mult-Adds,Params,Mult-Adds (M),Params (M)", lines[0]);
        assertEquals("1.0,224,300774272,3469760,300.8,3.47", lines[1]);
        assertEquals("1.0,128,99074048,3469760,99.1,3.47", lines[2]);
        assertEquals("1.0,96,56289152,3469760,56.3,3.47", lines[3]);
        assertEquals("1.4,224,582195824,6059840,582.2,6.06", lines[4]);
        assertEquals("0.35,224,59285808,1662048,59.3,1.66", lines[7]);
    }

    @Test
    void v2JsonShowsTheResidualAddsAndLinearProjections() {
        CliRun r = CliRun.of("profile", "--arch", "v2", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject model = o.getAsJsonObject("model");
        assertEquals("v2", model.get("arch").getAsString());
        assertEquals(224, model.get("resolution").getAsInt());
        assertEquals(1000, model.get("classes").getAsInt());
        assertEquals(false, model.has("variant"));
        assertEquals(300_774_272L, o.getAsJsonObject("total").get("multAdds").getAsLong());
        assertEquals(3_469_760L, o.getAsJsonObject("total").get("params").getAsLong());
        JsonObject add = null;
        int adds = 0;
        for (var l : o.getAsJsonArray("layers")) {
            JsonObject layer = l.getAsJsonObject();
            if (layer.get("type").getAsString().equals("add")) {
                adds++;
                add = add == null ? layer : add;
            }
            if (layer.get("name").getAsString().endsWith(".project")) {
                assertEquals("none", layer.get("activation").getAsString());
            }
        }
        assertEquals(10, adds);
        assertEquals("blocks.2.add", add.get("name").getAsString());
        assertEquals("blocks.1.project", add.get("addend").getAsString());
        assertEquals(0, add.get("multAdds").getAsLong());
        assertEquals("[]", add.get("filter").toString());
        assertEquals(0, o.getAsJsonObject("byType").getAsJsonObject("add").get("multAdds").getAsLong());
    }

    @Test
    void v2TablesHaveARowPerAddAndAResidualAddType() {
        CliRun r = CliRun.of("profile", "--arch", "v2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Layers: MobileNet v2 (alpha 1.0, 224x224, 1000 classes)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("blocks.2.add ") && l.contains("Add / s1")
                && l.contains("+ blocks.1.project")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Residual Add ")), r.out());
        assertTrue(r.out().contains("Total: 300,774,272 Mult-Adds (300.8M), 3,469,760 params (3.47M)"), r.out());
    }

    @Test
    void v1JsonGainsTheArchitectureAndEachLayersActivation() {
        JsonObject o = JsonParser.parseString(CliRun.of("profile", "--format", "json").out()).getAsJsonObject();
        assertEquals("v1", o.getAsJsonObject("model").get("arch").getAsString());
        assertEquals(224, o.getAsJsonObject("model").get("height").getAsInt());
        JsonArray layers = o.getAsJsonArray("layers");
        assertEquals("relu6", layers.get(0).getAsJsonObject().get("activation").getAsString());
        assertEquals("none", layers.get(28).getAsJsonObject().get("activation").getAsString()); // fc
        assertEquals(false, layers.get(0).getAsJsonObject().has("addend"));
        assertEquals(false, o.getAsJsonObject("byType").has("add"));
    }

    @Test
    void aNonSquareV1CostsItsHeightTimesWidth() {
        CliRun r = CliRun.of("profile", "--resolution", "160x224", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject model = o.getAsJsonObject("model");
        assertEquals(160, model.get("height").getAsInt());
        assertEquals(224, model.get("width").getAsInt());
        assertEquals(false, model.has("resolution"));
        assertEquals(406_535_680L, o.getAsJsonObject("total").get("multAdds").getAsLong());
        JsonObject conv1 = o.getAsJsonArray("layers").get(0).getAsJsonObject();
        assertEquals("[160,224,3]", conv1.get("input").toString());
        assertEquals("[80,112,32]", conv1.get("output").toString());
    }

    @Test
    void squareAndNonSquareResolutionsMixInAGrid() {
        CliRun r = CliRun.of("profile", "--resolution", "128,160x224", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[1].startsWith("1.0,128,separable,"), lines[1]);
        assertTrue(lines[2].startsWith("1.0,160x224,separable,406535680,"), lines[2]);
    }

    @Test
    void architectureMistakesAreUsageErrors() {
        CliRun variant = CliRun.of("profile", "--arch", "v2", "--variant", "shallow");
        assertEquals(ExitCode.USAGE, variant.code());
        assertTrue(variant.err().contains("--variant is for MobileNet v1"), variant.err());
        CliRun unknown = CliRun.of("profile", "--arch", "v3");
        assertEquals(ExitCode.USAGE, unknown.code());
        assertTrue(unknown.err().contains("unknown architecture 'v3': expected v1 or v2"), unknown.err());
        CliRun size = CliRun.of("profile", "--resolution", "160x");
        assertEquals(ExitCode.USAGE, size.code());
        assertTrue(size.err().contains("invalid resolution '160x'"), size.err());
    }
}
