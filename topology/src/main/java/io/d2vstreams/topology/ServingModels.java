package io.d2vstreams.topology;

import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelManifest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** The encoder slot of each modality the pipeline serves; closed together. */
public final class ServingModels implements AutoCloseable {

    private final Map<Modality, ModelHolder<?>> holders;

    private ServingModels(Map<Modality, ModelHolder<?>> holders) {
        this.holders = holders;
    }

    static Builder builder() {
        return new Builder();
    }

    /** Every modality's slot holding {@code versions.apply(modality)}; what opened is closed again if one fails. */
    static ServingModels open(EncoderLoader loader, Function<Modality, ModelManifest> versions, EncoderOptions options) {
        return open(loader, versions, modality -> options);
    }

    /**
     * Every modality's slot holding {@code versions.apply(modality)}, opened with that modality's
     * options; what opened is closed again if one fails.
     */
    static ServingModels open(EncoderLoader loader, Function<Modality, ModelManifest> versions,
            Function<Modality, EncoderOptions> options) {
        Builder slots = builder();
        try {
            for (Modality modality : Modality.values()) {
                slots.open(ServingSpec.of(modality), loader, versions.apply(modality), options.apply(modality));
            }
            return slots.build();
        } catch (RuntimeException e) {
            slots.holders.values().forEach(ModelHolder::close);
            throw e;
        }
    }

    public ModelHolder<?> holder(Modality modality) {
        return holders.get(modality);
    }

    /** What each slot serves now, as {@code TEXT=name:v3 IMAGE=... AUDIO=...}. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        holders.forEach((modality, holder) -> out.append(out.isEmpty() ? "" : " ").append(modality).append('=')
                .append(holder.current()));
        return out.toString();
    }

    /** The modality's slot with its input type: {@link Builder#put} took it with the same spec. */
    @SuppressWarnings("unchecked")
    <I> ModelHolder<I> holder(ServingSpec<I> spec) {
        return (ModelHolder<I>) holders.get(spec.modality());
    }

    public ModelId current(Modality modality) {
        return holder(modality).current();
    }

    @Override
    public void close() {
        holders.values().forEach(ModelHolder::close);
    }

    /** Collects a slot for every modality; {@link #build} refuses a set with one missing. */
    static final class Builder {
        private final Map<Modality, ModelHolder<?>> holders = new EnumMap<>(Modality.class);

        private <I> Builder put(ServingSpec<I> spec, ModelHolder<I> holder) {
            holders.put(spec.modality(), Objects.requireNonNull(holder, spec.modality() + " holder"));
            return this;
        }

        private <I> void open(ServingSpec<I> spec, EncoderLoader loader, ModelManifest version, EncoderOptions options) {
            put(spec, spec.open(loader, version, options));
        }

        ServingModels build() {
            List<Modality> missing = Arrays.stream(Modality.values()).filter(m -> !holders.containsKey(m)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("no serving slot for " + missing);
            }
            return new ServingModels(new EnumMap<>(holders));
        }
    }
}
