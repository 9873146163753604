package io.d2vstreams.devstack.internal.registry;

/**
 * One version of a subject: the schema (in {@link SchemaRequest#canonical canonical} form), its global id
 * and whether it was deleted.
 */
public record RegisteredSchema(String subject, int version, int id, String schema, State state) {

    /** Confluent's two-step deletion: a soft delete hides a version, a permanent one removes it for good. */
    public enum State { ACTIVE, SOFT_DELETED, HARD_DELETED }

    boolean active() {
        return state == State.ACTIVE;
    }

    /** Active or soft deleted: what the {@code deleted=true} query parameter shows. */
    boolean visibleWithDeleted() {
        return state != State.HARD_DELETED;
    }

    RegisteredSchema withState(State newState) {
        return new RegisteredSchema(subject, version, id, schema, newState);
    }
}
