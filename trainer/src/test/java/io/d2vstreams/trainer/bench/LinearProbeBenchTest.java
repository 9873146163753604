package io.d2vstreams.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.trainer.TrainerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("LinearProbeBench end to end, with a few steps")
class LinearProbeBenchTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("probes v1, trains, exports v2, probes it, and reports figures that agree with each other")
    void fieldsAreConsistent() {
        TrainerConfig config = TrainerConfig.builder().batchSize(4).maxTokens(64).warmupSteps(0).seed(3).build();
        List<long[]> told = new ArrayList<>();
        LinearProbeBench.Result r = LinearProbeBench.run(new LinearProbeBench.Options(3, 40, 20, 8, List.of(1e-3, 1e-2), 50, config), dir,
                (done, total) -> told.add(new long[] {done, total}));

        assertThat(r.steps()).as("steps applied").isEqualTo(3);
        assertThat(r.batch()).as("batch").isEqualTo(4);
        assertThat(told).as("progress after every step").hasSize(3);
        assertThat(told.get(2)).as("last progress").containsExactly(3, 3);
        assertThat(r.trainExamples()).as("probe train sentences, twin pairs").isEqualTo(40);
        assertThat(r.testExamples()).as("probe test sentences").isEqualTo(20);
        assertThat(r.initialVersion()).as("seeded version").isEqualTo(1);
        assertThat(r.trainedVersion()).as("exported version").isEqualTo(2);
        // Accuracies are multiples of 1/20 on a 20-sentence test split.
        assertThat(r.probeAccuracyInitial() * 20).as("initial accuracy × test size")
                .isBetween(0.0, 20.0).isCloseTo(Math.rint(r.probeAccuracyInitial() * 20), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.probeAccuracyTrained() * 20).as("trained accuracy × test size")
                .isBetween(0.0, 20.0).isCloseTo(Math.rint(r.probeAccuracyTrained() * 20), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.pointsGained()).as("points gained = 100 × (trained − initial)")
                .isCloseTo(100 * (r.probeAccuracyTrained() - r.probeAccuracyInitial()), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.heldOutLossInitial()).as("held-out loss before").isFinite().isPositive();
        assertThat(r.heldOutLossTrained()).as("held-out loss after").isFinite().isPositive();
        assertThat(r.classes()).as("two anagram families").isEqualTo(2);
        assertThat(r.wallSeconds()).as("wall time").isPositive();
    }

    @Test
    @DisplayName("for images: probes v1 on shapes, trains on unlabelled shapes, exports v2, probes it, with consistent figures")
    void imageFieldsAreConsistent() {
        TrainerConfig config = TrainerConfig.imageBuilder().batchSize(4).warmupSteps(0).seed(3).build();
        List<long[]> told = new ArrayList<>();
        LinearProbeBench.Result r = LinearProbeBench.runImages(
                new LinearProbeBench.Options(2, 24, 12, 4, List.of(1e-3, 1e-2), 50, config), dir,
                (done, total) -> told.add(new long[] {done, total}));

        assertThat(r.steps()).as("steps applied").isEqualTo(2);
        assertThat(r.batch()).as("batch").isEqualTo(4);
        assertThat(told).as("progress after every step").hasSize(2);
        assertThat(r.trainExamples()).as("probe train images").isEqualTo(24);
        assertThat(r.testExamples()).as("probe test images").isEqualTo(12);
        assertThat(r.classes()).as("circle, square, triangle").isEqualTo(3);
        assertThat(r.initialVersion()).as("seeded version").isEqualTo(1);
        assertThat(r.trainedVersion()).as("exported version").isEqualTo(2);
        assertThat(r.probeAccuracyInitial() * 12).as("initial accuracy × test size").isBetween(0.0, 12.0)
                .isCloseTo(Math.rint(r.probeAccuracyInitial() * 12), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.probeAccuracyTrained() * 12).as("trained accuracy × test size").isBetween(0.0, 12.0)
                .isCloseTo(Math.rint(r.probeAccuracyTrained() * 12), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.heldOutLossInitial()).as("held-out loss before").isFinite().isPositive();
        assertThat(r.heldOutLossTrained()).as("held-out loss after, another encoder").isFinite().isPositive()
                .isNotEqualTo(r.heldOutLossInitial());
    }

    @Test
    @DisplayName("for audio: probes v1 on tone pairs, trains on unlabelled pairs, exports v2, probes it, with consistent figures")
    void audioFieldsAreConsistent() {
        TrainerConfig config = TrainerConfig.audioBuilder().batchSize(4).warmupSteps(0).seed(3).build();
        List<long[]> told = new ArrayList<>();
        LinearProbeBench.Result r = LinearProbeBench.runAudio(
                new LinearProbeBench.Options(2, 16, 8, 4, List.of(1e-3, 1e-2), 50, config), dir,
                (done, total) -> told.add(new long[] {done, total}));

        assertThat(r.steps()).as("steps applied").isEqualTo(2);
        assertThat(r.batch()).as("batch").isEqualTo(4);
        assertThat(told).as("progress after every step").hasSize(2);
        assertThat(r.trainExamples()).as("probe train clips, two per twin pair").isEqualTo(16);
        assertThat(r.testExamples()).as("probe test clips").isEqualTo(8);
        assertThat(r.classes()).as("rising, falling").isEqualTo(2);
        assertThat(r.initialVersion()).as("seeded version").isEqualTo(1);
        assertThat(r.trainedVersion()).as("exported version").isEqualTo(2);
        assertThat(r.probeAccuracyInitial() * 8).as("initial accuracy × test size").isBetween(0.0, 8.0)
                .isCloseTo(Math.rint(r.probeAccuracyInitial() * 8), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.probeAccuracyTrained() * 8).as("trained accuracy × test size").isBetween(0.0, 8.0)
                .isCloseTo(Math.rint(r.probeAccuracyTrained() * 8), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.heldOutLossInitial()).as("held-out loss before").isFinite().isPositive();
        assertThat(r.heldOutLossTrained()).as("held-out loss after, another encoder").isFinite().isPositive()
                .isNotEqualTo(r.heldOutLossInitial());
    }
}
