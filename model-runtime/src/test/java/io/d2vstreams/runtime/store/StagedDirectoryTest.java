package io.d2vstreams.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedDirectoryTest {

    @TempDir
    Path parent;

    @Test
    @DisplayName("files written into a staged folder appear under the target name only once it is published, all together")
    void targetAppearsOnlyWhenPublished() throws IOException {
        Path target = parent.resolve("v1");
        try (StagedDirectory staged = StagedDirectory.create(parent)) {
            Files.writeString(staged.path().resolve("model.onnx"), "weights");
            staged.writeSynced("manifest.json", "{}".getBytes(UTF_8));

            assertThat(target).as("target before publishing").doesNotExist();
            assertThat(StagedDirectory.isStaging(staged.path())).as("the staging folder is marked hidden").isTrue();
            assertThat(staged.syncFiles()).extracting(p -> p.getFileName().toString()).as("flushed files, by name")
                    .containsExactly("manifest.json", "model.onnx");

            assertThat(staged.publishAs(target)).as("published").isTrue();
        }
        assertThat(target.resolve("model.onnx")).as("model after publishing").hasContent("weights");
        assertThat(target.resolve("manifest.json")).as("manifest after publishing").hasContent("{}");
        assertThat(parent).as("nothing staged is left").isDirectoryNotContaining(StagedDirectory::isStaging);
    }

    @Test
    @DisplayName("publishing onto a name another writer took leaves that folder alone and keeps the staged files")
    void takenTargetIsRefused() throws IOException {
        Path target = Files.createDirectory(parent.resolve("v1"));
        Files.writeString(target.resolve("model.onnx"), "theirs");
        try (StagedDirectory staged = StagedDirectory.create(parent)) {
            Files.writeString(staged.path().resolve("model.onnx"), "ours");

            assertThat(staged.publishAs(target)).as("published onto a taken name").isFalse();
            assertThat(target.resolve("model.onnx")).as("the other writer's file").hasContent("theirs");
            assertThat(staged.publishAs(parent.resolve("v2"))).as("published under the next name").isTrue();
        }
        assertThat(parent.resolve("v2").resolve("model.onnx")).as("ours, under v2").hasContent("ours");
    }

    @Test
    @DisplayName("a staged folder that is never published is deleted on close, however deep")
    void unpublishedIsDeleted() throws IOException {
        Path staging;
        try (StagedDirectory staged = StagedDirectory.create(parent.resolve("text"))) {
            staging = staged.path();
            Files.createDirectories(staging.resolve("a").resolve("b"));
            Files.writeString(staging.resolve("a").resolve("b").resolve("f"), "x");
        }
        assertThat(staging).as("the staging folder after close").doesNotExist();
        assertThat(parent.resolve("text")).as("the parent, created on demand").isEmptyDirectory();
    }

    @Test
    @DisplayName("a staged folder holds only plain files: a subfolder is refused before anything is published")
    void subfolderIsRefused() throws IOException {
        try (StagedDirectory staged = StagedDirectory.create(parent)) {
            Files.createDirectory(staged.path().resolve("nested"));

            assertThatThrownBy(staged::syncFiles).as("flushing a folder with a subfolder").isInstanceOf(IOException.class)
                    .hasMessageContaining("only plain files").hasMessageContaining("nested");
        }
    }

    @Test
    @DisplayName("removeLeftovers deletes every staging folder and nothing else")
    void leftoversAreRemoved() throws IOException {
        Path crashed = Files.createDirectory(parent.resolve(StagedDirectory.PREFIX + "crashed"));
        Files.writeString(crashed.resolve("half"), "x");
        Path complete = Files.createDirectory(parent.resolve("step-000000000001"));

        StagedDirectory.removeLeftovers(parent);

        assertThat(crashed).as("an interrupted write").doesNotExist();
        assertThat(complete).as("a complete folder").isDirectory();
    }
}
