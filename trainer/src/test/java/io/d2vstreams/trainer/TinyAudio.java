package io.d2vstreams.trainer;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.audio.AudioPreprocessor;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.trainer.audio.AudioBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The seeded tiny audio encoder (16 kHz, 7 convolutions, 64 wide, 2 layers) and small generated WAVs. */
final class TinyAudio {

    static final long MODEL_SEED = 7;
    static final int RATE = AudioPreprocessorConfig.DEFAULT_SAMPLING_RATE;

    private TinyAudio() {}

    /** data2vec audio's recipe at a test's size: 4 clips a step, no warm-up, lr 3e-3 (see AudioData2VecStepTest). */
    static TrainerConfig.Builder testConfig() {
        return TrainerConfig.audioBuilder().batchSize(4).warmupSteps(0).learningRate(3e-3).seed(11);
    }

    /** A store under {@code dir} holding the seeded default as v1. */
    static ModelManifest seededStore(Path dir) {
        return new ModelStore(dir).initDefault(Modality.AUDIO, MODEL_SEED);
    }

    /**
     * {@code n} mono 16-bit WAVs at 16 kHz of 0.5 to 1 s, deterministic per {@code seed}: two
     * tones whose pitch glides, an amplitude envelope and a little noise, so frames differ from
     * each other and clips from clip.
     */
    static List<byte[]> wavs(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(wav(random.nextDouble(0.5, 1.0), random));
        }
        return out;
    }

    /** One such WAV of {@code seconds}. */
    static byte[] wav(double seconds, SplittableRandom random) {
        int samples = (int) Math.round(seconds * RATE);
        double f1 = random.nextDouble(110, 440);
        double f2 = random.nextDouble(600, 3000);
        double glide = random.nextDouble(-0.5, 0.5);
        double tremolo = random.nextDouble(1, 6);
        short[] pcm = new short[samples];
        double phase1 = 0;
        double phase2 = 0;
        for (int i = 0; i < samples; i++) {
            double t = (double) i / RATE;
            phase1 += 2 * Math.PI * f1 * (1 + glide * t) / RATE;
            phase2 += 2 * Math.PI * f2 / RATE;
            double envelope = 0.6 + 0.4 * Math.sin(2 * Math.PI * tremolo * t);
            double v = envelope * (0.4 * Math.sin(phase1) + 0.2 * Math.sin(phase2)) + 0.05 * (random.nextDouble() * 2 - 1);
            pcm[i] = (short) Math.round(Math.max(-1, Math.min(1, v)) * 32767);
        }
        return pcm16(pcm);
    }

    /** The clips' {@code input_values} as the serving side makes them (default preprocessing), padded into one batch. */
    static AudioBatch batch(List<byte[]> wavs) {
        AudioPreprocessor preprocessor = new AudioPreprocessor(AudioPreprocessorConfig.defaults());
        List<float[]> clips = new ArrayList<>(wavs.size());
        for (byte[] wav : wavs) {
            try {
                clips.add(preprocessor.preprocess(wav));
            } catch (PreprocessException e) {
                throw new IllegalArgumentException("a generated WAV was refused: " + e.getMessage(), e);
            }
        }
        return AudioBatch.of(clips);
    }

    private static byte[] pcm16(short[] pcm) {
        int dataBytes = pcm.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(RATE).putInt(RATE * 2)
                .putShort((short) 2).putShort((short) 16);
        b.put(ascii("data")).putInt(dataBytes);
        for (short s : pcm) {
            b.putShort(s);
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
