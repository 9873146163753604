package io.d2vstreams.schemas;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The Schema Registry could not be reached or answered 5xx/429 after every retry. A condition of the
 * infrastructure, not of the record: callers retry or fail the task, and never dead-letter the record.
 */
public class RegistryUnavailableException extends RetriableException {

    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
