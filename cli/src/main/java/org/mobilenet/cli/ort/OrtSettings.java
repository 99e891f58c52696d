package org.mobilenet.cli.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;

/**
 * How every ONNX Runtime session of the CLI is set up ({@code bench}, {@code classify --engine ort},
 * {@code verify}), in one place: CPU execution provider, intra-op threads = {@code threads} (the
 * calling thread among them; the CLI's {@code --threads}), inter-op threads = 1, sequential
 * execution, graph optimization level ALL_OPT, intra-op spinning as chosen
 * ({@code session.intra_op.allow_spinning}; ORT's default is on), optionally spinning stopped when a
 * run returns ({@code session.force_spinning_stop}), and only errors logged.
 *
 * @param threads      intra-op threads, at least 1
 * @param spinning     idle pool threads spin waiting for work (faster hand-over, but they hold cores)
 * @param stopSpinning pool threads stop spinning when a run returns, leaving the cores to what runs next
 */
public record OrtSettings(int threads, boolean spinning, boolean stopSpinning) {
    /** The optimization level every session gets; {@link #describe} reports it. */
    public static final OrtSession.SessionOptions.OptLevel OPTIMIZATION = OrtSession.SessionOptions.OptLevel.ALL_OPT;

    public OrtSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("ONNX Runtime needs at least 1 intra-op thread, got " + threads);
        }
    }

    /** One intra-op thread with ORT's default spinning: a reference run ({@code verify}). */
    public static OrtSettings singleThread() {
        return new OrtSettings(1, true, false);
    }

    /** The session options these settings describe; the caller closes them. */
    public OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OPTIMIZATION);
            o.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            o.addConfigEntry("session.force_spinning_stop", stopSpinning ? "1" : "0");
            o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** A session over a model's bytes (external data inlined). */
    public OrtSession open(OrtEnvironment env, byte[] model) throws OrtException {
        try (OrtSession.SessionOptions o = options()) {
            return env.createSession(model, o);
        }
    }

    /** A session of an ONNX file as ONNX Runtime loads it from disk (external data beside it). */
    public OrtSession open(OrtEnvironment env, Path file) throws OrtException {
        try (OrtSession.SessionOptions o = options()) {
            return env.createSession(file.toString(), o);
        }
    }

    /** The settings as {@code bench}'s JSON reports them (steady and cold), added to {@code into}. */
    public void describe(Map<String, Object> into) {
        into.put("intraOpThreads", threads);
        into.put("interOpThreads", 1);
        into.put("optimization", OPTIMIZATION.name());
        into.put("spinning", spinning);
        into.put("stopSpinningAfterRun", stopSpinning);
    }
}
