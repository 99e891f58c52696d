package org.mobilenet.cli;

/** The exit codes of every subcommand (documented in the README). */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** A check failed: a verification outside tolerance, a benchmark over its threshold. */
    public static final int CHECK_FAILED = 1;
    /** Usage error: unknown option, missing argument, invalid option value. */
    public static final int USAGE = 2;
    /** Bad input: an unreadable, malformed or unsupported model, image or labels file. */
    public static final int BAD_INPUT = 3;
    /** An output could not be written (or exists and --force was not given). */
    public static final int OUTPUT = 4;
    /** An internal error: a bug. The message asks for a report; --debug shows the stack trace. */
    public static final int INTERNAL = 70;

    private ExitCode() {
    }
}
