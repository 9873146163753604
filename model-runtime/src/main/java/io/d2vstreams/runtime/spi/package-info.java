/**
 * What a modality describes about its model so that generic code can handle it: today the
 * parameters ({@link io.d2vstreams.runtime.spi.ParamSpec}: Hugging Face name, PyTorch shape,
 * initialisation) and the seeding and checking that work on any list of them
 * ({@link io.d2vstreams.runtime.spi.ParamSpecs}). Each modality's own list lives in its package
 * ({@code runtime.text}, {@code runtime.image}, {@code runtime.audio}).
 */
package io.d2vstreams.runtime.spi;
