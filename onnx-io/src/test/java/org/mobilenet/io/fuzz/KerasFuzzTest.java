package org.mobilenet.io.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.keras.KerasFixtures;

/**
 * Seeded mutation fuzzing of the Keras readers ({@link FuzzCampaign}): mutated .h5 weights files
 * (as {@code convert} writes them) and .keras archives (a tutorial model) load or are refused with a
 * one-line BadInputException, never anything else, and allocate no more than their input justifies.
 */
class KerasFuzzTest {
    private static final long MB = 1 << 20;

    @TempDir
    Path tmp;

    @Test
    void mutatedKerasH5WeightsLoadOrAreRefused() throws Exception {
        Model tiny = SeededInit.create(new ModelSpec(0.25, 32, 10, Variant.SEPARABLE, Padding.TF_SAME, true), 2);
        Path f = tmp.resolve("seed.h5");
        ModelFiles.save(tiny, f, ModelFiles.SaveOptions.defaults());
        // And a MobileNet v2, read back as keras.applications.MobileNetV2 from its layer names.
        Model v2 = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(32), 10, true), 3);
        Path g = tmp.resolve("seed-v2.h5");
        ModelFiles.save(v2, g, ModelFiles.SaveOptions.defaults());
        FuzzCampaign c = new FuzzCampaign("keras-h5", tmp, "h5", ModelFiles::load, 64, 32 * MB);
        report("keras-h5", c.run(List.of(Files.readAllBytes(f), Files.readAllBytes(g)), FuzzCampaign.iterations(500),
                FuzzCampaign.seed()));
    }

    @Test
    void mutatedKerasArchivesAndWholeModelsLoadOrAreRefused() throws Exception {
        List<byte[]> h5 = new ArrayList<>();
        List<byte[]> archives = new ArrayList<>();
        Path whole = tmp.resolve("whole.h5");
        Path archive = tmp.resolve("model.keras");
        KerasFixtures.tutorialWholeModel(whole, 32);
        KerasFixtures.tutorialArchive(archive, 32);
        h5.add(Files.readAllBytes(whole));
        archives.add(Files.readAllBytes(archive));
        // And as the exporters write them: a .keras archive, a Keras 3 .weights.h5 (H5Writer's HDF5).
        Model tiny = SeededInit.create(new ModelSpec(0.25, 32, 10, Variant.SEPARABLE, Padding.TF_SAME, true), 5);
        Path exported = tmp.resolve("exported.keras");
        ModelFiles.save(tiny, exported, ModelFiles.SaveOptions.defaults());
        archives.add(Files.readAllBytes(exported));
        Path weights = tmp.resolve("exported.weights.h5");
        ModelFiles.save(tiny, weights, ModelFiles.SaveOptions.defaults());
        h5.add(Files.readAllBytes(weights));
        report("keras-whole-h5", new FuzzCampaign("keras-whole-h5", tmp, "h5", ModelFiles::load, 64, 32 * MB)
                .run(h5, FuzzCampaign.iterations(300), FuzzCampaign.seed()));
        report("keras-archive", new FuzzCampaign("keras-archive", tmp, "keras", ModelFiles::load, 64, 32 * MB)
                .run(archives, FuzzCampaign.iterations(300), FuzzCampaign.seed()));
    }

    private static void report(String reader, FuzzCampaign.Result r) {
        System.out.println("fuzz " + reader + ": " + r);
        if (r.iterations() >= 100) {
            assertTrue(r.refused() > 0, reader + ": no mutation was refused, the harness is not reaching the reader");
        }
    }
}
