/**
 * The {@code type: file} input: tails files matched by globs.
 *
 * <ul>
 *   <li>{@link io.outrigger.inputs.file.FileInputFactory} / {@link io.outrigger.inputs.file.FileInputConfig}: the
 *       public face (ServiceLoader, YAML binding, validation).</li>
 *   <li>{@code FileInput}: the reader thread and file events (directory-watcher); {@code FileTailer}: the work of
 *       one pass (scan, one block per file round-robin, timed duties), driven by tests with a fake clock.</li>
 *   <li>{@code FileScanner} + {@code Glob}: glob expansion with {@code **} and excludes; {@code PathErrors}:
 *       unreadable paths reported once and counted by reason.</li>
 *   <li>{@code TailedFile}: one file by identity ({@code dev:ino} plus a CRC32 fingerprint of its first 256 bytes),
 *       its offset tracker per incarnation and its checkpoint; {@code LineSplitter}: bytes to lines (CRLF, partial
 *       lines, {@code max_line_bytes} cut, UTF-8 replacement).</li>
 * </ul>
 *
 * <p>Checkpoints move only on acknowledgements ({@link io.outrigger.core.checkpoint.OffsetTracker}); a rotated or
 * deleted file is read to its end before it is let go; a truncated one is read again from 0.
 */
package io.outrigger.inputs.file;
