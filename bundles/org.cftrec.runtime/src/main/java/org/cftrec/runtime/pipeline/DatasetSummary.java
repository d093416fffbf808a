package org.cftrec.runtime.pipeline;

import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a run records about its data: statistics, reference scores and a fingerprint (SHA-256 over the
 * catalogue and every example) that tells whether two runs saw the same data.
 */
record DatasetSummary(String name, DatasetStatistics statistics, List<ReferenceScores> references,
                      String fingerprint) {

    static DatasetSummary of(RecDataset dataset) {
        return new DatasetSummary(dataset.name(), dataset.statistics(), dataset.references(), fingerprint(dataset));
    }

    static String fingerprint(RecDataset dataset) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Item item : dataset.catalogue()) {
                update(digest, "item", item.id(), item.title());
            }
            for (List<Example> split : List.of(dataset.train(), dataset.valid(), dataset.test())) {
                update(digest, "split");
                for (Example e : split) {
                    update(digest, "example", e.user(), String.join(",", e.history()), e.target());
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void update(MessageDigest digest, String... fields) {
        for (String field : fields) {
            digest.update(field.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
    }
}
