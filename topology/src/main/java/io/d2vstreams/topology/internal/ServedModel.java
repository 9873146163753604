package io.d2vstreams.topology.internal;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.Modality;

import java.util.function.Function;

/** One modality's serving slot: its hot-swap holder and how to load a version for it. */
public record ServedModel<I>(Modality modality, ModelHolder<I> holder, Function<ModelManifest, Encoder<I>> loader) {

    /** Loads, verifies and probes {@code manifest}, then swaps it in between batches. */
    public void swapTo(ModelManifest manifest) {
        holder.swap(loader.apply(manifest));
    }

    public int currentVersion() {
        return holder.current().version();
    }
}
