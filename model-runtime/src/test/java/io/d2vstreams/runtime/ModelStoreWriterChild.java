package io.d2vstreams.runtime;

import java.nio.file.Path;

/**
 * A separate JVM that adds model versions to a store one after another until it is killed, for
 * {@link ModelStoreKillIT}. Prints {@code WRITING} once it has begun and {@code WROTE <version>}
 * after each version.
 */
public final class ModelStoreWriterChild {
    private ModelStoreWriterChild() {
    }

    public static void main(String[] args) {
        ModelStore store = new ModelStore(Path.of(args[0]));
        Modality modality = Modality.valueOf(args[1]);
        System.out.println("WRITING");
        System.out.flush();
        for (long seed = 1; ; seed++) {
            System.out.println("WROTE " + store.initDefault(modality, seed).version());
            System.out.flush();
        }
    }
}
