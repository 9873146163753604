package io.d2vstreams.cli;

import io.d2vstreams.runtime.ModelSize;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** {@code --size tiny|base}, any case, refused with the accepted values otherwise. */
final class ModelSizeConverter implements CommandLine.ITypeConverter<ModelSize> {

    private static final String CHOICES = Arrays.stream(ModelSize.values())
            .map(ModelSize::label).collect(Collectors.joining(", "));

    @Override
    public ModelSize convert(String value) {
        for (ModelSize size : ModelSize.values()) {
            if (size.label().equalsIgnoreCase(value.trim())) {
                return size;
            }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a model size; expected one of " + CHOICES);
    }
}
