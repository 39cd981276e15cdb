# The p2pchat directory service as a container image.
#
#   docker build -t p2pchat-directory .
#   docker run -d -p 8080:8080 -p 8082:8082 -v p2pchat-data:/data p2pchat-directory
#
# 8080 is the API and the signalling channel (WebSocket), 8082 the relay (plain TCP, publish it
# directly so that it sees the peers' addresses). The relay alone, from this same image:
#   docker run -d -p 8082:8082 -e DIRECTORY_RELAY_SECRET=... --entrypoint java p2pchat-directory \
#       -Dloader.main=dev.p2pchat.directory.relay.RelayMain org.springframework.boot.loader.launch.PropertiesLauncher
#
# Configuration is by environment variables only (see README "Configuration"), e.g.
# SERVER_PORT, DIRECTORY_TOKEN_TTL, or SPRING_PROFILES_ACTIVE=postgres with SPRING_DATASOURCE_*.
# Metrics and the API browser are on the management port, 8081, bound to the container's own
# loopback: unreachable from outside unless MANAGEMENT_SERVER_ADDRESS=0.0.0.0 (then publish it on
# a private interface only, e.g. -p 127.0.0.1:8081:8081). The HEALTHCHECK uses /readyz on 8080.
# Extra JVM options: JAVA_TOOL_OPTIONS. CI builds this same file from local base images
# (.ci/container-test.sh) by overriding the two arguments below.
ARG BUILD_IMAGE=eclipse-temurin:17-jdk
ARG BASE_IMAGE=eclipse-temurin:17-jre

# ---------------------------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build
# Extra Maven arguments, read by Maven itself (e.g. --build-arg MAVEN_ARGS=--offline in CI).
ARG MAVEN_ARGS=""
WORKDIR /build

# The health probe changes least, so it comes first.
COPY docker/HealthCheck.java probe/
RUN javac --release 17 -d /out/healthcheck probe/HealthCheck.java

# Poms and the wrapper only: this layer (the downloaded dependencies, when ~/.m2 is not mounted)
# is rebuilt only when a pom changes, not for every source change.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY directory-service/pom.xml directory-service/
COPY peer-cli/pom.xml peer-cli/
RUN sh ./mvnw -q -B -pl directory-service -am \
        org.apache.maven.plugins:maven-dependency-plugin:3.9.0:go-offline

# The sources (.dockerignore keeps tests, target/ and the rest out), then the Boot jar, split
# into its layers: dependencies/, spring-boot-loader/, snapshot-dependencies/, application/.
COPY src/main/resources/openapi.yaml src/main/resources/
COPY directory-service/src/main/ directory-service/src/main/
RUN sh ./mvnw -q -B -pl directory-service -am package -DskipTests \
 && java -Djarmode=tools -jar directory-service/target/directory-service.jar \
        extract --layers --launcher --destination /out/app

# ---------------------------------------------------------------------------------------------
FROM ${BASE_IMAGE}

# A fixed non-root user, so a mounted /data can be prepared with `chown 10001:10001`.
ARG APP_UID=10001
ARG APP_GID=10001
RUN groupadd --system --gid "${APP_GID}" p2pchat \
 && useradd --system --uid "${APP_UID}" --gid p2pchat --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin p2pchat \
 && mkdir -p /data \
 && chown p2pchat:p2pchat /data \
 && chmod 0750 /data

ENV DIRECTORY_DATA_DIR=/data \
    SERVER_PORT=8080 \
    MANAGEMENT_SERVER_PORT=8081 \
    MANAGEMENT_SERVER_ADDRESS=127.0.0.1
VOLUME /data
EXPOSE 8080 8082

COPY --from=build /out/healthcheck/ /opt/healthcheck/

# One COPY per layer, least changing first: a code change rebuilds only the last one.
WORKDIR /app
COPY --from=build /out/app/dependencies/ ./
COPY --from=build /out/app/spring-boot-loader/ ./
COPY --from=build /out/app/snapshot-dependencies/ ./
COPY --from=build /out/app/application/ ./

USER p2pchat:p2pchat

# The probe runs in its own small JVM; JAVA_TOOL_OPTIONS meant for the service (agents,
# big heaps) are kept away from it.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["env", "-u", "JAVA_TOOL_OPTIONS", "-u", "JDK_JAVA_OPTIONS", \
         "java", "-Xmx16m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", \
         "-cp", "/opt/healthcheck", "HealthCheck"]

# exec form: java is PID 1 and gets SIGTERM, so server.shutdown=graceful applies on `docker stop`.
# G1 aiming at 10-ms pauses: with many listening channels the old generation is large and G1's
# own default (200 ms) let young pauses reach 40-110 ms, the lookups' p99 (docs/BENCHMARKS.md).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxGCPauseMillis=10", \
            "org.springframework.boot.loader.launch.JarLauncher"]
