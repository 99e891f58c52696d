package org.mobilenet.cli.format;

/** How a command prints its results: a table for people, JSON or CSV for scripts, Markdown for docs. */
public enum OutputFormat {
    TABLE, JSON, CSV, MARKDOWN
}
