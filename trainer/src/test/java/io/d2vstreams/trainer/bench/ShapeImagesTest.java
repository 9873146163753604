package io.d2vstreams.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ShapeImages, the image probe's generator")
class ShapeImagesTest {

    @Test
    @DisplayName("the same seed gives the same images and labels, another seed others")
    void deterministic() {
        List<ShapeImages.Labelled> a = new ShapeImages(7).labelled(12);
        List<ShapeImages.Labelled> b = new ShapeImages(7).labelled(12);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).image()).as("labelled image %d, same seed", i).isEqualTo(a.get(i).image());
            assertThat(b.get(i).label()).as("label %d, same seed", i).isEqualTo(a.get(i).label());
        }
        assertThat(new ShapeImages(7).next(5)).as("unlabelled, same seed")
                .zipSatisfy(new ShapeImages(7).next(5), (x, y) -> assertThat(x).isEqualTo(y));
        assertThat(new ShapeImages(8).next(1).get(0)).as("unlabelled, other seed")
                .isNotEqualTo(new ShapeImages(7).next(1).get(0));
    }

    @Test
    @DisplayName("labelled images are balanced over the three shapes, and every image is a 64x64 PNG")
    void balancedPngs() throws IOException {
        List<ShapeImages.Labelled> images = new ShapeImages(1).labelled(30);
        int[] counts = new int[ShapeImages.CLASSES];
        for (ShapeImages.Labelled l : images) {
            counts[l.label()]++;
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(l.image()));
            assertThat(decoded).as("decodes").isNotNull();
            assertThat(decoded.getWidth()).as("width").isEqualTo(64);
            assertThat(decoded.getHeight()).as("height").isEqualTo(64);
        }
        assertThat(counts).as("images per shape").containsExactly(10, 10, 10);
        assertThat(new ShapeImages(2).next(3)).as("unlabelled images").hasSize(3);
    }

    @Test
    @DisplayName("the shapes differ in outline, not in area: the same area and centre cover different pixels, as many of them")
    void classesDifferInShapeOnly() {
        double area = 0.1 * 64 * 64;
        int[][] masks = new int[ShapeImages.CLASSES][];
        for (ShapeImages.Shape s : ShapeImages.Shape.values()) {
            masks[s.ordinal()] = ShapeImages.coverage(s, area, 32, 32);
            double covered = Arrays.stream(masks[s.ordinal()]).sum() / 4.0;
            assertThat(covered).as("pixels covered by the %s", s).isCloseTo(area, org.assertj.core.data.Percentage.withPercentage(3));
        }
        for (int i = 0; i < masks.length; i++) {
            for (int j = i + 1; j < masks.length; j++) {
                int differing = 0;
                for (int p = 0; p < masks[i].length; p++) {
                    differing += Math.abs(masks[i][p] - masks[j][p]);
                }
                assertThat(differing / 4.0).as("pixels where %s and %s differ", ShapeImages.Shape.values()[i],
                        ShapeImages.Shape.values()[j]).isGreaterThan(0.08 * area);
            }
        }
    }
}
