/**
 * What a modality describes about its model so that generic code can handle it:
 * {@link io.d2vstreams.runtime.spi.ModalitySpec} (config, seeding, graph writer, preprocessing
 * file, encoder, probe batch: what {@code ModelStore.add} and {@code ModelStore.load} need), the
 * parameters ({@link io.d2vstreams.runtime.spi.ParamSpec}: Hugging Face name, PyTorch shape,
 * initialisation) and the seeding and checking that work on any list of them
 * ({@link io.d2vstreams.runtime.spi.ParamSpecs}). Each modality's own spec and list live in its
 * package ({@code runtime.text}, {@code runtime.image}, {@code runtime.audio}); the specs are
 * registered in {@code ModalitySpecs}.
 */
package io.d2vstreams.runtime.spi;
