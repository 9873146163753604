package io.d2vstreams.schemas.internal;

/** Avro binary data that does not follow its writer schema; the message says where and why. */
public final class MalformedAvroException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedAvroException(String message) {
        super(message);
    }
}
