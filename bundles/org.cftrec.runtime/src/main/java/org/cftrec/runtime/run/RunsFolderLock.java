package org.cftrec.runtime.run;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Which runtime owns a runs folder: the one holding the lock on its {@code .runtime.lock} file (an OS file lock,
 * released when that JVM ends, however it ends). Only the owner starts, resumes and cancels runs and marks the
 * runs of an earlier session interrupted; another runtime on the same folder (a second install with the same
 * {@code CFTREC_RUNS}) reads it, so that it can never mark a live run of the owner as interrupted.
 */
final class RunsFolderLock implements AutoCloseable {
    static final String FILE = ".runtime.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunsFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the folder's lock if no other runtime holds it; never waits. */
    static RunsFolderLock acquire(Path runsRoot) throws IOException {
        Files.createDirectories(runsRoot);
        FileChannel channel = FileChannel.open(runsRoot.resolve(FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another owner inside this JVM
        }
        if (lock == null) {
            channel.close();
            return new RunsFolderLock(null, null);
        }
        return new RunsFolderLock(channel, lock);
    }

    boolean owned() {
        return lock != null;
    }

    @Override
    public void close() throws IOException {
        if (lock != null) {
            lock.release();
            channel.close();
        }
    }
}
