package io.outrigger.inputs.file;

import io.outrigger.inputs.file.InputMetrics.Reason;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands the globs: walks each pattern's base directory (as deep as the pattern can reach), keeps the paths a
 * pattern matches and no exclude does, and reads their identity. Symbolic links to files are followed (Kubernetes'
 * {@code /var/log/containers} is made of them); links to directories are not descended.
 */
final class FileScanner {

    /** A readable regular file found by a scan. */
    record Found(Path path, String fileId, long size) {}

    private final List<Glob> includes;
    private final List<Glob> excludes;
    private final PathErrors errors;

    FileScanner(List<Glob> includes, List<Glob> excludes, PathErrors errors) {
        this.includes = includes;
        this.excludes = excludes;
        this.errors = errors;
    }

    /** The matched files by identity; the first path seen wins when one file is matched under two paths. */
    Map<String, Found> scan() {
        Map<String, Found> found = new LinkedHashMap<>();
        Map<Path, Boolean> seen = new LinkedHashMap<>();
        for (Glob glob : includes) {
            Path base = glob.base();
            if (!Files.isDirectory(base)) {
                // a pattern naming one file directly (no wildcard) has its parent as base
                continue;
            }
            try {
                Files.walkFileTree(base, EnumSet.noneOf(java.nio.file.FileVisitOption.class), glob.maxDepth(),
                        new Visitor(glob, seen));
            } catch (IOException e) {
                errors.report(base, e);
            }
        }
        for (Map.Entry<Path, Boolean> e : seen.entrySet()) {
            Found f = stat(e.getKey(), e.getValue());
            if (f != null) found.putIfAbsent(f.fileId(), f);
        }
        return found;
    }

    /** Reads a matched path's identity; reports (once) and returns null when it is not a readable regular file. */
    Found stat(Path p, boolean reportDirectories) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:dev,ino,size,isRegularFile,isDirectory");
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(p)) errors.report(p, Reason.BROKEN_LINK, "the link's target does not exist");
            return null; // else gone since the walk
        } catch (AccessDeniedException e) {
            errors.report(p, Reason.PERMISSION_DENIED, "cannot read its attributes");
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            errors.report(p, Reason.IO_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
        if (!(Boolean) a.get("isRegularFile")) {
            if (!(Boolean) a.get("isDirectory") || reportDirectories) {
                errors.report(p, Reason.NOT_A_FILE, (Boolean) a.get("isDirectory") ? "it is a directory"
                        : "it is a FIFO, socket or device, not a regular file");
            }
            return null;
        }
        return new Found(p, fileId(a), (Long) a.get("size"));
    }

    /** Identity of the file now at {@code p} (links followed), or null when there is none. */
    static String identityOf(Path p) {
        try {
            return fileId(Files.readAttributes(p, "unix:dev,ino"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    static String fileId(Map<String, Object> attrs) {
        return attrs.get("dev") + ":" + attrs.get("ino");
    }

    private boolean excluded(String path) {
        for (Glob g : excludes) if (g.matches(path)) return true;
        return false;
    }

    private final class Visitor implements FileVisitor<Path> {
        private final Glob glob;
        private final Map<Path, Boolean> seen;

        Visitor(Glob glob, Map<Path, Boolean> seen) {
            this.glob = glob;
            this.seen = seen;
        }

        @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            consider(dir);
            return FileVisitResult.CONTINUE;
        }

        @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            consider(file);
            return FileVisitResult.CONTINUE;
        }

        private void consider(Path p) {
            String s = p.toString();
            if (glob.matches(s) && !excluded(s)) {
                boolean reportDirs = !glob.lastSegmentAnyName();
                seen.merge(p, reportDirs, (a, b) -> a && b);
            }
        }

        @Override public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (!(e instanceof NoSuchFileException)) {
                String s = file.toString();
                if (glob.matches(s) && !excluded(s) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    errors.report(file, e);
                }
            }
            return FileVisitResult.CONTINUE;
        }

        @Override public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            return FileVisitResult.CONTINUE;
        }
    }
}
