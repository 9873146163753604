package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.cli.index.SearchHit;
import io.d2vstreams.cli.index.ServingIndexSearch;
import io.d2vstreams.cli.index.VectorIndexes;
import io.d2vstreams.runtime.Modality;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Find the events nearest to a query in the index d2v index keeps: the query (a text, or an image or",
                "audio file) is embedded with the model version of the index that serves, so query and index share one",
                "embedding space, and the nearest event ids are printed with their scores (cosine, 1 = same direction)."})
final class SearchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--modality", required = true, paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio.")
    Modality modality;

    @Option(names = "--index-dir", paramLabel = "DIR", defaultValue = VectorIndexes.DEFAULT_DIR,
            description = "The folder d2v index writes (default: ${DEFAULT-VALUE}).")
    Path indexDir;

    @Mixin
    StoreOption store;

    @Option(names = "--top", defaultValue = "10", paramLabel = "K", description = "How many hits (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "One JSON object: {\"modality\", \"model_version\", \"hits\": [{\"id\", \"score\", ...}]}.")
    boolean json;

    @Parameters(index = "0", paramLabel = "QUERY", description = "A text (text), or an image / audio file path.")
    String query;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        if (top < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
        }
        ServingIndexSearch.Query q = modality == Modality.TEXT ? ServingIndexSearch.Query.ofText(query)
                : ServingIndexSearch.Query.ofContent(EmbedCommand.readFiles(List.of(query)).get(0));
        ServingIndexSearch.Result result = ServingIndexSearch.search(new VectorIndexes(indexDir), store.open(), modality, q, top);
        int version = result.version();
        List<SearchHit> hits = result.hits();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("modality", modality.folderName());
            line.put("model_version", version);
            line.put("hits", hits.stream().map(hit -> Map.<String, Object>of("id", hit.id(), "score", hit.score(),
                    "source_partition", hit.sourcePartition(), "source_offset", hit.sourceOffset())).toList());
            out.println(JSON.writeValueAsString(line));
        } else {
            out.printf(Locale.ROOT, "%s index v%d, %d nearest:%n", modality.folderName(), version, hits.size());
            for (SearchHit hit : hits) {
                out.printf(Locale.ROOT, "  %.4f  %s%n", hit.score(), hit.id());
            }
        }
        out.flush();
        return 0;
    }
}
