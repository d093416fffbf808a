package org.cftrec.api.spec;

/**
 * A spec that cannot run: the message names the file, the field (as a JSON path such as
 * {@code trainer.params.lr}) or the plugin, and the valid choices.
 */
public class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
