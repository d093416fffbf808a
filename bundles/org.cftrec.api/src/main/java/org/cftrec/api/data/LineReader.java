package org.cftrec.api.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a data file line by line in a strict charset; every error (missing file, bad encoding, a line the
 * caller rejects, no data line at all) names the file and the line number.
 */
public final class LineReader {
    private LineReader() {
    }

    /** Receives one line; throws {@link IllegalArgumentException} with the problem if the line is malformed. */
    @FunctionalInterface
    public interface LineHandler {
        void accept(String line, int number) throws IOException;
    }

    /** The stream with the last byte read from it remembered (at the end: the file's last byte). */
    private static final class LastByte extends java.io.FilterInputStream {
        int last = -1;

        LastByte(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                last = b;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                last = buffer[offset + n - 1] & 0xff;
            }
            return n;
        }
    }

    public static void read(Path file, Charset charset, int skipHeaderLines, LineHandler handler) throws IOException {
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": file not found", e);
        }
        read(in, file, charset, skipHeaderLines, handler);
    }

    /**
     * Reads {@code in} (closed afterwards), e.g. a decompressing stream; errors name {@code file}, the file the
     * stream comes from.
     */
    public static void read(InputStream in, Path file, Charset charset, int skipHeaderLines, LineHandler handler)
            throws IOException {
        var decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int number = 0;
        int handled = 0;
        LastByte tracked = new LastByte(in);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(tracked, decoder))) {
            String line;
            while ((line = reader.readLine()) != null) {
                number++;
                if (number <= skipHeaderLines || line.isEmpty()) {
                    continue;
                }
                try {
                    handled++;
                    handler.accept(line, number);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ":" + number + ": " + e.getMessage(), e);
                }
            }
            if (tracked.last >= 0 && tracked.last != '\n' && tracked.last != '\r') {
                throw cutShort(file + ":" + number);
            }
            if (handled == 0) {
                // An empty data file is a failed copy or a wrong name, never a dataset: say which file.
                throw new IOException(file + ": holds no data lines (" + (number == 0 ? "the file is empty"
                        : "only " + number + " header or blank line(s)") + ")");
            }
        } catch (CharacterCodingException e) {
            throw new IOException(file + ":" + (number + 1) + ": not valid " + charset.name() + " text", e);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ":" + (number + 1) + ": corrupt compressed data: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a file whose last line lacks its newline (for formats read by other means, e.g. a CSV library).
     *
     * @throws IOException naming the file, when the file is not empty and does not end with a line break
     */
    public static void requireFinalNewline(Path file) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            if (channel.size() == 0) {
                return;
            }
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            if (last.get(0) != '\n' && last.get(0) != '\r') {
                throw cutShort(file.toString());
            }
        }
    }

    /**
     * Every writer of these formats ends lines with a newline; a last line without one is most likely a cut copy (an
     * id 1291 cut to 12 would otherwise load as another valid id).
     */
    private static IOException cutShort(String where) {
        return new IOException(where + ": the last line does not end with a newline, so the file may be cut short (an"
                + " interrupted copy or download); if the line is complete, end it with a newline");
    }
}
