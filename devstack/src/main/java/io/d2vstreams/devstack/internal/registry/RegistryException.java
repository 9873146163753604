package io.d2vstreams.devstack.internal.registry;

import java.util.List;

/**
 * A request the registry refuses, with the HTTP status and the error code of Confluent's REST API
 * (https://docs.confluent.io/platform/current/schema-registry/develop/api.html#errors), so that
 * Confluent's clients and serdes react to it exactly as to the real registry.
 */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    RegistryException(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, null);
    }

    RegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(String subject, int version) {
        return new RegistryException(404, 40402, "Version " + version + " not found for subject '" + subject + "'.");
    }

    static RegistryException schemaNotFound(String what) {
        return new RegistryException(404, 40403, what + " not found.");
    }

    static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(404, 40404,
            "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
    }

    static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(404, 40405,
            "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    static RegistryException versionSoftDeleted(String subject, int version) {
        return new RegistryException(404, 40406, "Subject '" + subject + "' Version " + version
            + " was soft deleted. Set permanent=true to delete permanently");
    }

    static RegistryException versionNotSoftDeleted(String subject, int version) {
        return new RegistryException(404, 40407, "Subject '" + subject + "' Version " + version
            + " was not deleted first before being permanently deleted");
    }

    static RegistryException subjectLevelNotConfigured(String subject) {
        return new RegistryException(404, 40408,
            "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static RegistryException invalidSchema(String detail) {
        return new RegistryException(422, 42201, "Invalid schema: " + detail);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(422, 42202, "The specified version '" + version
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(422, 42203, "Invalid compatibility level '" + level + "'. Valid values are "
            + List.of(CompatibilityLevel.values()));
    }

    static RegistryException incompatible(String subject, List<String> problems) {
        return new RegistryException(409, 409, "Schema being registered is incompatible with an earlier schema for subject '"
            + subject + "', details: " + problems);
    }

    static RegistryException store(String action, Throwable cause) {
        return new RegistryException(500, 50001, "Error in the backend data store while " + action + ": " + cause, cause);
    }
}
