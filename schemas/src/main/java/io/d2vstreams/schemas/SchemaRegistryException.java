package io.d2vstreams.schemas;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The registry answered, and refused: a 4xx other than 429, or a response this client cannot use.
 * Carries the HTTP status, Confluent's {@code error_code} and the subject and schema id where relevant.
 *
 * <p>Error codes are those of the Confluent API reference, section "Errors"
 * (https://docs.confluent.io/platform/current/schema-registry/develop/api.html#errors).
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@link #errorCode()} when the response carried none (not JSON, or no {@code error_code}). */
    public static final int NO_ERROR_CODE = -1;
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;

    private final int status;
    private final int errorCode;
    private final String registryMessage;
    private final String subject;
    private final Integer schemaId;

    /**
     * @param operation what was asked, e.g. {@code POST /subjects/t-value/versions}
     * @param status the HTTP status, or 0 where there was no HTTP error
     * @param subject the subject, or null
     * @param schemaId the schema id, or null
     */
    public SchemaRegistryException(String operation, int status, int errorCode, String registryMessage,
                                   String subject, Integer schemaId) {
        super(message(operation, status, errorCode, registryMessage, subject, schemaId));
        this.status = status;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
        this.subject = subject;
        this.schemaId = schemaId;
    }

    private static String message(String operation, int status, int errorCode, String registryMessage,
                                  String subject, Integer schemaId) {
        StringBuilder message = new StringBuilder("schema registry: ").append(operation);
        if (status != 0) {
            message.append(" answered HTTP ").append(status);
        }
        if (errorCode != NO_ERROR_CODE) {
            message.append(" error_code ").append(errorCode);
        }
        message.append(": ").append(registryMessage);
        if (subject != null) {
            message.append(" [subject=").append(subject).append(']');
        }
        if (schemaId != null) {
            message.append(" [schema id=").append(schemaId).append(']');
        }
        return message.toString();
    }

    public int status() {
        return status;
    }

    /** Confluent's {@code error_code}, e.g. {@link #SUBJECT_NOT_FOUND}, or {@link #NO_ERROR_CODE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry's own {@code message}, or a description of the response where it had none. */
    public String registryMessage() {
        return registryMessage;
    }

    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    public OptionalInt schemaId() {
        return schemaId == null ? OptionalInt.empty() : OptionalInt.of(schemaId);
    }
}
