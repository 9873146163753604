package io.d2vstreams.cli.client;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.bench.SentenceGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns what a user names on the command line into events: texts given as arguments or one per
 * line of a file; image and audio files by path or every file of a directory; or generated ones.
 * Ids are {@code <prefix><n>} for texts and {@code <prefix><file name>} for files.
 */
public final class EventInputs {
    private static final Map<String, String> MIME_BY_EXTENSION = Map.of(
            "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif", "bmp", "image/bmp",
            "webp", "image/webp", "wav", "audio/wav", "flac", "audio/flac");

    private EventInputs() {
    }

    /** Texts as given ({@code TEXT}), or the files they name ({@code IMAGE}, {@code AUDIO}). */
    public static List<EventInput> fromArguments(Modality modality, List<String> arguments, String idPrefix) throws IOException {
        if (modality == Modality.TEXT) {
            return texts(arguments, idPrefix);
        }
        List<EventInput> out = new ArrayList<>();
        for (String argument : arguments) {
            out.add(mediaFile(Path.of(argument), idPrefix));
        }
        return out;
    }

    /** One event per non-blank line ({@code TEXT}), or the file itself. */
    public static List<EventInput> fromFile(Modality modality, Path file, String idPrefix) throws IOException {
        requireFile(file);
        if (modality == Modality.TEXT) {
            return texts(Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList(), idPrefix);
        }
        return List.of(mediaFile(file, idPrefix));
    }

    /** Every regular file of the directory, by name: its lines ({@code TEXT}) or itself. */
    public static List<EventInput> fromDirectory(Modality modality, Path dir, String idPrefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("not a directory: " + dir.toAbsolutePath());
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile).sorted().toList();
        }
        List<EventInput> out = new ArrayList<>();
        if (modality == Modality.TEXT) {
            List<String> lines = new ArrayList<>();
            for (Path file : files) {
                Files.readAllLines(file).stream().filter(line -> !line.isBlank()).forEach(lines::add);
            }
            return texts(lines, idPrefix);
        }
        for (Path file : files) {
            out.add(mediaFile(file, idPrefix));
        }
        return out;
    }

    /** {@code count} generated events: texts of mixed lengths, images or clips of mixed sizes; seeded. */
    public static List<EventInput> generated(Modality modality, int count, long seed, String idPrefix) {
        return switch (modality) {
            case TEXT -> texts(new SentenceGenerator(seed).sentences(count), idPrefix);
            case IMAGE -> media(GeneratedMedia.images(count, seed), idPrefix, null);
            case AUDIO -> media(GeneratedMedia.clips(count, seed), idPrefix, "audio/wav");
        };
    }

    private static List<EventInput> media(List<byte[]> files, String idPrefix, String mime) {
        List<EventInput> out = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            out.add(EventInput.media(idPrefix + i, files.get(i), mime));
        }
        return out;
    }

    static String mimeOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : MIME_BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<EventInput> texts(List<String> texts, String idPrefix) {
        List<EventInput> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(EventInput.text(idPrefix + i, texts.get(i)));
        }
        return out;
    }

    private static EventInput mediaFile(Path file, String idPrefix) throws IOException {
        requireFile(file);
        return EventInput.media(idPrefix + file.getFileName(), Files.readAllBytes(file), mimeOf(file));
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file.toAbsolutePath());
        }
    }
}
