/**
 * {@code d2v demo}: the whole loop on one machine ({@code DemoRun}): sample texts, images and
 * clips, an embedded stack, the pipeline and the trainer, a refresh per modality, and the report
 * and search results it prints ({@code DemoReport}, {@code DemoIndex}).
 */
package io.d2vstreams.cli.demo;
