# d2v-streams images: one runnable jar, two runtimes.
#   docker build -t d2v-streams .                      # CPU (default target)
#   docker build --target cuda -t d2v-streams:cuda .   # ONNX Runtime's CUDA execution provider
# The pipeline and the trainer are the same image with a different command.

# ---- build: the CPU jar ------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY pom.xml .
COPY schemas/pom.xml schemas/
COPY model-runtime/pom.xml model-runtime/
COPY devstack/pom.xml devstack/
COPY topology/pom.xml topology/
COPY trainer/pom.xml trainer/
COPY cli/pom.xml cli/
RUN mvn -B -q -pl cli -am dependency:go-offline -DskipTests || true
COPY . .
RUN mvn -B -q -pl cli -am package -DskipTests

# ---- build-cuda: the same jar with onnxruntime_gpu (profile cuda) --------------------------
FROM build AS build-cuda
RUN mvn -B -q -Pcuda -pl cli -am package -DskipTests

# ---- runtime: CPU ---------------------------------------------------------------------------
FROM eclipse-temurin:17-jre AS runtime
RUN useradd --system --home /var/lib/d2v d2v && mkdir -p /var/lib/d2v && chown d2v /var/lib/d2v
COPY --from=build /src/cli/target/d2v.jar /opt/d2v/d2v.jar
USER d2v
WORKDIR /var/lib/d2v
# 9400: /metrics and /health.
EXPOSE 9400
ENV D2V_JAVA_OPTS="-Xmx2g" D2V_METRICS_HOST=0.0.0.0
ENTRYPOINT ["sh", "-c", "exec java $D2V_JAVA_OPTS -jar /opt/d2v/d2v.jar \"$@\"", "d2v"]
CMD ["--help"]

# ---- cuda: CUDA 12 + cuDNN 9 runtime, as ONNX Runtime 1.24's CUDA provider expects ---------
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS cuda
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/d2v d2v && mkdir -p /var/lib/d2v && chown d2v /var/lib/d2v
COPY --from=build-cuda /src/cli/target/d2v.jar /opt/d2v/d2v.jar
USER d2v
WORKDIR /var/lib/d2v
EXPOSE 9400
ENV D2V_JAVA_OPTS="-Xmx4g" D2V_METRICS_HOST=0.0.0.0 D2V_ENCODER_DEVICE=cuda
ENTRYPOINT ["sh", "-c", "exec java $D2V_JAVA_OPTS -jar /opt/d2v/d2v.jar \"$@\"", "d2v"]
CMD ["--help"]

# The default target is the CPU runtime.
FROM runtime
