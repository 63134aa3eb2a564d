# crucible: the two commands a new machine needs are `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
CRUCIBLE := $(CARGO) run --quiet --locked --
STORE ?= results/crucible.db
# Image builds trust the CAs this host trusts locally (Debian's place for added CAs), so builds
# behind an intercepting proxy work; set CRUCIBLE_EXTRA_CA yourself to choose others.
CRUCIBLE_EXTRA_CA ?= $(if $(wildcard /usr/local/share/ca-certificates/*.crt),/usr/local/share/ca-certificates)
export CRUCIBLE_EXTRA_CA

.PHONY: demo test schemathesis images docker chromium postgres release lint suites bench bench-serve bench-quick bench-python clean-results bench-runtimes podman nginx bench-queue

## Run the sample benchmark (tasks/ with tasks/_candidates) and print what each model earned.
demo: docker images
	$(CRUCIBLE) tasks validate tasks
	$(CRUCIBLE) run --tasks tasks --candidates tasks/_candidates --store $(STORE)

## Format, lint, then every test against the real daemon.
test: docker images lint chromium postgres nginx bench-python
	@command -v cargo-nextest >/dev/null || $(CARGO) install cargo-nextest --locked
	$(CARGO) nextest run --workspace --no-fail-fast
	scripts/schemathesis

## Fuzz `crucible serve` from its OpenAPI document (no 5xx, no container left; ~1 min).
schemathesis: docker images
	scripts/schemathesis

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

## Headless Chromium for the HTML report's browser test (installs Debian's chromium as root).
chromium:
	@scripts/ensure-chromium

## A PostgreSQL on loopback for the PostgreSQL store's tests (installs Debian's as root).
postgres:
	@scripts/ensure-postgres >/dev/null

## nginx for tests/nginx.rs (Debian's, installed as root when missing; the service is never started).
nginx:
	@scripts/ensure-nginx

## Make `docker info` work (installs and starts Docker on Debian as root when missing).
docker:
	@scripts/ensure-docker

release:
	$(CARGO) build --release --locked

## Build the language runtime images that are missing or stale (a no-op when up to date).
## Behind an intercepting proxy: CRUCIBLE_EXTRA_CA=/path/to/ca.crt make images
images: docker
	$(CRUCIBLE) images build

## HumanEval, HumanEval-X (6 languages) and MBPP reference solutions through crucible.
suites: docker images release
	scripts/run-suites

## Throughput against the engine's ceiling, a naive docker loop and bare processes, and a
## 50-case C++ I/O task against a container per case (~9 min); table on stdout, JSON in
## target/bench/. `make bench-quick` is a ~1.5-minute smoke run. The I/O floor uses the host's
## g++ when there is one (not installed by make: too big a download), else `docker exec`.
## Then `bench-serve`.
bench: docker images bench-python postgres
	$(CARGO) build --release --locked --bins
	./target/release/crucible-bench
	scripts/bench-serve
	CRUCIBLE_BENCH_POSTGRES=$$(scripts/ensure-postgres) ./target/release/crucible-queue-bench

## The PostgreSQL work queue's own ceiling: 20,000 executions through 50 worker loops with an
## executor that does nothing (claims + results per second; docs/scale-out.md).
bench-queue: postgres
	$(CARGO) build --release --locked --bin crucible-queue-bench
	CRUCIBLE_BENCH_POSTGRES=$$(scripts/ensure-postgres) ./target/release/crucible-queue-bench

## `crucible serve` under loopback load: wrk (installed from Debian when missing) against
## /run_code, compared with `crucible run --reuse-containers`, and RSS with 1,000 requests
## queued (~1 min; docs/bench.md, "Serving").
bench-serve: docker images
	scripts/bench-serve

## runc, crun and runsc (gVisor) in one run: the engine's ceiling and `crucible run` under each,
## in a private dockerd the script starts (the machine's dockerd is not touched; ~4 min;
## docs/bench.md, "Runtimes").
bench-runtimes: docker images
	$(CARGO) build --release --locked --bins
	scripts/bench-runtimes

## crucible against Podman's Docker-compatible API: installs podman, starts a rootful service,
## loads the images, runs the sandbox tests and the sample benchmark (docs/portability.md).
podman: docker images
	scripts/podman-check

bench-quick: docker images bench-python
	$(CARGO) build --release --locked --bins
	./target/release/crucible-bench --quick

# The floor (and the call-boundary harness's host tests) run with the host's python3 and pytest:
# Debian's, like the images', when we can install it (otherwise whatever python3 with pytest is
# on PATH).
bench-python:
	@if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import pytest' 2>/dev/null \
	    && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "bench: installing Debian's python3-pytest for the floor"; \
	  apt-get install -y -qq python3-pytest >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq python3-pytest >/dev/null; }; \
	fi
	@# The peers' virtual environment (scripts/bench-peers-venv) needs venv with ensurepip.
	@if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import ensurepip' 2>/dev/null \
	    && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "bench: installing Debian's python3-venv for the peers' environment"; \
	  apt-get install -y -qq python3-venv >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }; \
	fi

clean-results:
	rm -rf results

## The cgroup figures (peak memory, CPU time, OOM kills) and the sandbox's memory/timeout tests,
## both modes, on a cgroup v2 host: a Debian bookworm VM under QEMU's TCG emulation, its image
## built once into ~/.cache/crucible/cgroup2-vm (docs/portability.md, "cgroup v2").
.PHONY: cgroup2-vm
cgroup2-vm: docker images
	scripts/cgroup2-vm

## The same VM: all of tests/{cgroup_figures,sandbox,reuse,hostile}.rs, their wall-clock limits
## stretched (CRUCIBLE_TEST_TIME_SCALE=10); and runc against crun, alternating, in its dockerd.
.PHONY: cgroup2-vm-full cgroup2-vm-runtimes
cgroup2-vm-full: docker images
	scripts/cgroup2-vm --full

cgroup2-vm-runtimes: docker images
	scripts/cgroup2-vm --runtimes

## deploy/slurm's array job of workers on a real single-node Slurm (installs Debian's slurm-wlm
## and munge as root; starts and stops its own slurmctld/slurmd/munged; ~35 s; docs/scale-out.md,
## "Launchers").
.PHONY: slurm-check compose-check k8s-check
slurm-check: docker images postgres
	scripts/slurm-check

## deploy/compose: PostgreSQL, two workers and serve from locally built images (installs Debian's
## docker-compose as root); a small run through them, then `down -v` (docs/scale-out.md).
compose-check: docker images
	scripts/compose-check

## Schema check of deploy/k8s's manifests (kubernetes-validate from PyPI in a venv).
k8s-check:
	scripts/k8s-check
