package io.d2vstreams.runtime.internal;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** {@code manifest.json}: the one file of a model version that is not itself checksummed. */
public final class ManifestCodec {

    public static final String FILE = "manifest.json";
    /** Bumped when the manifest layout changes incompatibly. */
    static final int FORMAT = 1;

    private ManifestCodec() {}

    public static byte[] write(ModelManifest m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("modality", m.modality().name());
        json.put("name", m.name());
        json.put("version", m.version());
        json.put("dim", m.dim());
        json.put("created_at_ms", m.createdAtMs());
        json.put("sha256", new TreeMap<>(m.sha256ByFile()));
        json.put("config", m.config());
        return Json.write(json);
    }

    /** @throws IOException naming the problem when the manifest is unreadable or incomplete */
    public static ModelManifest read(byte[] bytes, Path directory) throws IOException {
        Map<String, Object> json = Json.readObject(bytes);
        try {
            int format = ((Number) required(json, "format")).intValue();
            if (format != FORMAT) {
                throw new IOException("manifest format " + format + " is not supported (expected " + FORMAT + ")");
            }
            Map<String, String> sha = new TreeMap<>();
            ((Map<?, ?>) required(json, "sha256")).forEach((k, v) -> sha.put(k.toString(), v.toString()));
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) required(json, "config");
            return new ModelManifest(
                    Modality.valueOf(required(json, "modality").toString()),
                    required(json, "name").toString(),
                    ((Number) required(json, "version")).intValue(),
                    ((Number) required(json, "dim")).intValue(),
                    sha,
                    config,
                    directory,
                    ((Number) required(json, "created_at_ms")).longValue());
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new IOException("malformed manifest in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Object required(Map<String, Object> json, String key) throws IOException {
        Object v = json.get(key);
        if (v == null) {
            throw new IOException("manifest lacks '" + key + "'");
        }
        return v;
    }
}
