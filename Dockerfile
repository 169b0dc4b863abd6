# Images of the gateway and its workers. One build stage compiles what every image needs; each
# runtime stage copies only its executables and the shared libraries they load.
#
#   target (default: prime)  image tag                         contents
#   prime                    racetrack-gateway:<version>       gateway spawning the C++ prime job
#   gateway-sidecar          racetrack-gateway-sidecar         gateway only (--worker-address)
#   worker-cpp               racetrack-worker-cpp              C++ example workers (prime, adder)
#   python-runtime           racetrack-job-runner-python       Python 3.11 + racetrack_job_wrapper
#                                                              + the gateway (racetrack-gateway)
#   test                     -                                 builds and runs the test suite
#   worker-cpp-testjobs      - (tests/deploy only)             worker-cpp + sleepy_job (slow calls)
#
#   podman build -t racetrack-gateway:dev .            (or docker build / docker buildx build)
#   podman build --target python-runtime -t racetrack-job-runner-python:dev .
#
# Runtime images run as uid 100000 (Racetrack's job user) or any other uid, with all capabilities
# dropped and a read-only root filesystem: the gateway falls back to an abstract unix socket for
# its worker when TMPDIR is not writable. deploy/README.md documents the images and their use.
ARG BASE_IMAGE=debian:bookworm-slim

# ---- build: compilers and libraries; compiles the gateway and the C++ workers ----
# (Into /src/build, not /build: the Python SDK looks for <ancestor>/build/gateway/gateway, and
# its tests in the test stage expect no gateway outside the source tree.)
FROM ${BASE_IMAGE} AS build
WORKDIR /src
# Only the install script: the Swagger UI assets come with the sources below (fetched by CMake
# when the build context lacks third_party/swagger-ui-dist).
COPY scripts/install-deps.sh scripts/
RUN bash scripts/install-deps.sh --no-browser && rm -rf /var/lib/apt/lists/*
COPY . .
# Only for builds behind a TLS-intercepting proxy (npm, when the context lacks the Swagger UI).
ARG NODE_EXTRA_CA_CERTS
ENV CCACHE_DIR=/ccache
RUN --mount=type=cache,target=/ccache \
    cmake -S . -B /src/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRT_BUILD_TESTS=OFF \
 && ninja -C /src/build gateway prime_job adder_job sleepy_job \
 && bash scripts/image-rootfs.sh /rootfs/gateway /src/build/gateway/gateway \
 && bash scripts/image-rootfs.sh /rootfs/worker /src/build/examples/cpp/prime_job /src/build/examples/cpp/adder_job \
 && bash scripts/image-rootfs.sh /rootfs/prime /src/build/gateway/gateway /src/build/examples/cpp/prime_job \
      /src/build/examples/cpp/adder_job \
 && bash scripts/image-rootfs.sh /rootfs/testjobs /src/build/examples/cpp/sleepy_job

# ---- test: the whole test suite (docker build --target test .); not a runtime image ----
FROM build AS test
# Only for builds behind a TLS-intercepting proxy: the CA bundle pip should trust (Python tests).
ARG PIP_CERT
RUN --mount=type=cache,target=/ccache \
    cmake -S . -B /build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && ninja -C /build-test \
 && cd /build-test && ctest --output-on-failure --no-tests=error -LE browser

# ---- python-build: the runtime venv with pinned dependencies and the racetrack wheel ----
# The wheel builds the worker runtime (the extension module) for this Python, as `pip install`
# does, and carries the gateway built above.
FROM build AS python-build
# Only for builds behind a TLS-intercepting proxy: the CA bundle pip should trust.
ARG PIP_CERT
RUN --mount=type=cache,target=/ccache \
    python3 -m venv /opt/tools \
 && /opt/tools/bin/pip install --no-cache-dir -q -r deploy/images/python-build-requirements.txt \
      -r deploy/images/python-requirements.txt \
 && RACETRACK_GATEWAY_BIN=/src/build/gateway/gateway \
    /opt/tools/bin/pip wheel --no-cache-dir -q --no-deps --no-build-isolation -w /wheels worker-sdk/python \
 && python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir -q -r deploy/images/python-requirements.txt \
 && /opt/venv/bin/pip install --no-cache-dir -q --no-deps /wheels/*.whl \
 && /opt/venv/bin/pip check

# ---- gateway-sidecar: the gateway alone, for a pod whose worker runs in its own container ----
FROM scratch AS gateway-sidecar
COPY --from=build /rootfs/gateway /
USER 100000:100000
EXPOSE 7000
ENTRYPOINT ["/usr/local/bin/gateway"]
CMD ["--port", "7000", "--worker-address", "unix:/run/racetrack/worker.sock"]

# ---- worker-cpp: the C++ example workers; RACETRACK_WORKER_ADDRESS says where they listen ----
FROM scratch AS worker-cpp
COPY --from=build /rootfs/worker /
ENV RACETRACK_WORKER_ADDRESS=unix:/run/racetrack/worker.sock
USER 100000:100000
ENTRYPOINT ["/usr/local/bin/prime_job"]

# ---- worker-cpp-testjobs: worker-cpp plus a job whose calls sleep (tests/deploy: drain checks) ----
FROM worker-cpp AS worker-cpp-testjobs
COPY --from=build /rootfs/testjobs/usr/local/bin/sleepy_job /usr/local/bin/sleepy_job
ENTRYPOINT ["/usr/local/bin/sleepy_job"]

# ---- python-runtime: base of Python jobs (examples/python/dockerfiled, deploy/racetrack) ----
# Python, the venv (pip included, for a job's own requirements.txt) with the racetrack wheel (the
# worker runtime and the gateway inside), the gateway also as racetrack-gateway; no compilers.
FROM ${BASE_IMAGE} AS python-runtime
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 \
 && bash /tmp/install-deps.sh --runtime \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/* /tmp/install-deps.sh
COPY --from=python-build /opt/venv /opt/venv
# The gateway comes inside the racetrack wheel (as for `pip install`); also on PATH.
RUN ln -s /opt/venv/lib/python3*/site-packages/racetrack_job_wrapper/bin/racetrack-gateway \
      /usr/local/bin/racetrack-gateway \
 && test -x /usr/local/bin/racetrack-gateway \
 && mkdir -p -m 1777 /run/racetrack
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 TMPDIR=/tmp
USER 100000:100000
EXPOSE 7000
CMD ["racetrack_job_runner", "--help"]

# ---- prime (default): the gateway spawning the C++ prime job; a Racetrack "dockerfile" job ----
FROM scratch AS prime
COPY --from=build /rootfs/prime /
ENV TMPDIR=/tmp
USER 100000:100000
EXPOSE 7000
ENTRYPOINT ["/usr/local/bin/gateway"]
CMD ["--port", "7000", "--worker", "/usr/local/bin/prime_job"]
LABEL racetrack-component="job"
