package io.d2vstreams.cli;

import io.d2vstreams.runtime.Modality;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** {@code --modality text|image|audio}, any case, refused with the accepted values otherwise. */
final class ModalityConverter implements CommandLine.ITypeConverter<Modality> {

    static final String CHOICES = Arrays.stream(Modality.values())
            .map(Modality::folderName).collect(Collectors.joining(", "));

    @Override
    public Modality convert(String value) {
        for (Modality m : Modality.values()) {
            if (m.name().equalsIgnoreCase(value.trim())) {
                return m;
            }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a modality; expected one of " + CHOICES);
    }
}
