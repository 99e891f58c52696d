package org.mobilenet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mobilenet.cli.run.Precision;
import org.mobilenet.cli.run.TensorRunner;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mobilenet run -m MODEL --input IN.npy --output OUT.npy}: a model on a tensor. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Run a model on a tensor given as a NumPy .npy file and write its output tensor as .npy.",
            "The input is a batch [N, ...] in the model's own layout and dtype: uint8 (or int8) NHWC for a quantized"
                    + " TFLite model, float32 NHWC for a float TFLite or Keras model (.h5, .weights.h5, .keras), float32"
                    + " in the graph's own layout for an ONNX model (NCHW for PyTorch's, NHWC for tf2onnx's; a quantized"
                    + " QDQ file takes floats too), float32 NCHW for a safetensors model. The output is [N, C].",
            "--precision int8 (the default for quantized models) runs the integer path, which computes as TFLite"
                    + " with XNNPACK does, and writes the model's output dtype (uint8 for Coral's models);"
                    + " --precision float (the default for float models) runs the float engine on the dequantized"
                    + " weights and writes float32.",
        })
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "The model (.tflite, .onnx, .safetensors, .h5, .weights.h5, .keras; in the shell, the loaded one"
                    + " by default).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "IN.npy", description = "The input tensor (.npy, C order).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.npy", description = "Where to write the output tensor.")
    Path output;

    @Option(names = "--precision", paramLabel = "P",
            description = "int8 or float. Default: int8 for quantized models, float for the others.")
    Precision precision;

    @Option(names = "--force", description = "Overwrite OUT.npy if it exists.")
    boolean force;

    @picocli.CommandLine.Mixin
    InputSizeOption inputSize;

    @Override
    public Integer call() throws Exception {
        if (!force && Files.exists(output)) {
            throw new OutputException(output, "already exists (use --force to overwrite)");
        }
        Model m = inputSize.model(Session.of(spec), model);
        Path file = model != null ? model : Session.of(spec).modelFile().orElse(Path.of("model"));
        TensorRunner runner = new TensorRunner(m, file, precision);
        NpyArray in = NpyFile.read(input);
        NpyArray out = runner.run(in, input);
        try {
            NpyFile.write(output, out, force);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new OutputException(output, "already exists (use --force to overwrite)", e);
        } catch (IOException e) {
            throw new OutputException(output, "cannot write: " + e.getMessage(), e);
        }
        return ExitCode.OK;
    }
}
