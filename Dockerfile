# Multi-stage image of the gateway with the C++ prime checker as its worker.
#   build:   compiles and tests everything (the same install script as README and CI)
#   runtime: slim image, gateway as PID 1 spawning the worker (a Racetrack "dockerfile" job)
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/fetch-swagger-ui.sh scripts/
RUN bash scripts/install-deps.sh --no-browser
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRT_BUILD_TESTS=OFF \
 && ninja -C /build gateway prime_job adder_job

FROM ${BASE_IMAGE} AS runtime
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN bash /tmp/install-deps.sh --runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh
COPY --from=build /build/gateway/gateway /usr/local/bin/gateway
COPY --from=build /build/examples/cpp/prime_job /build/examples/cpp/adder_job /usr/local/bin/
# The worker socket lives in a private directory under $TMPDIR; any uid may create it there.
ENV TMPDIR=/tmp
USER 100000:100000
EXPOSE 7000
ENTRYPOINT ["/usr/local/bin/gateway"]
CMD ["--port", "7000", "--worker", "/usr/local/bin/prime_job"]
LABEL racetrack-component="job"

# Python jobs: the runtime above plus Python, the racetrack_job_wrapper package (worker-sdk/python,
# its gRPC stubs generated from proto/ at install) and the gateway on PATH as racetrack-gateway.
# The base of examples/python/dockerfiled/Dockerfile:
#   docker buildx build --target python-runtime -t racetrack-job-runner-python:latest .
FROM runtime AS python-runtime
USER root
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/gateway/gateway /usr/local/bin/racetrack-gateway
COPY proto /opt/racetrack/proto
COPY worker-sdk/python /opt/racetrack/worker-sdk/python
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir setuptools wheel grpcio-tools \
 && /opt/venv/bin/pip install --no-cache-dir --no-build-isolation /opt/racetrack/worker-sdk/python
ENV PATH=/opt/venv/bin:$PATH
USER 100000:100000
ENTRYPOINT []
CMD ["racetrack_job_runner", "--help"]

# The default image (no --target): the gateway with the C++ prime checker as its worker.
FROM runtime AS prime
