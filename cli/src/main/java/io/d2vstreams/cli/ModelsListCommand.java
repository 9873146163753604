package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the model versions of every modality with their dim, digest and creation time.")
final class ModelsListCommand implements Callable<Integer> {
    /** Enough of a SHA-256 to tell versions apart at a glance; --json has all of it. */
    private static final int SHORT_DIGEST = 12;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--json", description = "Print one JSON object: {\"text\": [{\"version\", \"name\", \"dim\", \"digest\", \"created\"}], \"image\": [...], \"audio\": [...]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        ModelStore opened = store.open();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            for (Modality m : Modality.values()) {
                List<Map<String, Object>> versions = new ArrayList<>();
                for (ModelManifest v : opened.versions(m)) {
                    versions.add(fields(v));
                }
                all.put(m.folderName(), versions);
            }
            out.println(new ObjectMapper().writeValueAsString(all));
        } else {
            table(opened, out);
        }
        out.flush();
        return 0;
    }

    private void table(ModelStore opened, PrintWriter out) {
        String row = "%-9s %-8s %-28s %5s  %-12s  %s%n";
        int count = 0;
        for (Modality m : Modality.values()) {
            for (ModelManifest v : opened.versions(m)) {
                if (count++ == 0) {
                    out.printf(row, "MODALITY", "VERSION", "NAME", "DIM", "DIGEST", "CREATED");
                }
                out.printf(row, m.folderName(), "v" + v.version(), v.name(), v.dim(),
                        v.digest().substring(0, SHORT_DIGEST), Instant.ofEpochMilli(v.createdAtMs()));
            }
        }
        if (count == 0) {
            out.println("no model versions in " + store.directory + " (d2v models init --modality text makes one)");
        }
    }

    private static Map<String, Object> fields(ModelManifest v) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("version", v.version());
        f.put("name", v.name());
        f.put("dim", v.dim());
        f.put("digest", v.digest());
        f.put("created", Instant.ofEpochMilli(v.createdAtMs()).toString());
        return f;
    }
}
