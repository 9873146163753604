package io.d2vstreams.runtime;

/** What a text encoder does with an input longer than the model's position table allows. */
public enum TruncationPolicy {
    /** Keep the first tokens (the special tokens stay), drop the rest. */
    TRUNCATE,
    /** Refuse the input with an {@link InputRejectedException} naming the token count and limit. */
    REJECT
}
