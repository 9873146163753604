package io.d2vstreams.cli.demo;

import io.d2vstreams.cli.index.ServingIndexSearch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The query of the demo's closing search of one modality: one of the demo's own events, so that
 * a reader can check that the event itself comes back first.
 *
 * @param eventId the id of the event the query was taken from
 * @param text    the sentence, for a text query; null for an image or a clip
 * @param query   what is embedded and searched
 */
record DemoQuery(String eventId, String text, ServingIndexSearch.Query query) {
    static DemoQuery ofText(String eventId, String text) {
        return new DemoQuery(eventId, text, ServingIndexSearch.Query.ofText(text));
    }

    static DemoQuery ofContent(String eventId, byte[] content) {
        return new DemoQuery(eventId, null, ServingIndexSearch.Query.ofContent(content));
    }

    /**
     * The first of {@code samples} (event ids {@code idPrefix + i}) whose sentence no other produced
     * event has: the generator repeats sentences now and then, and two events of one sentence have one
     * vector, so only a unique one can be expected to come back as its own nearest event.
     *
     * @param others the sentences of the demo's other text events
     */
    static DemoQuery uniqueText(List<SampleTexts.Sample> samples, String idPrefix, List<SampleTexts.Sample> others) {
        Map<String, Integer> count = new HashMap<>();
        samples.forEach(s -> count.merge(s.text(), 1, Integer::sum));
        others.forEach(s -> count.merge(s.text(), 1, Integer::sum));
        for (int i = 0; i < samples.size(); i++) {
            if (count.get(samples.get(i).text()) == 1) {
                return ofText(idPrefix + i, samples.get(i).text());
            }
        }
        // Every sentence repeats (a handful of records): the first one still finds one of its copies.
        return ofText(idPrefix + 0, samples.get(0).text());
    }
}
