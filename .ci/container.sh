#!/usr/bin/env bash
# Builds the container image around a Linux release binary ($1) and starts
# it: its health endpoint must answer. Runs a private Docker daemon (no
# bridge, no iptables: the container shares the host's network) and skips
# with a message where no daemon can run.
set -euo pipefail
bin="$1"
cd "$(dirname "$0")/.."

if ! command -v dockerd >/dev/null; then
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io; } >/dev/null 2>&1; then
		echo "container: Docker cannot be installed here; skipping the image"
		exit 0
	fi
fi

run="$(mktemp -d)"
sock="unix://$run/docker.sock"
dockerd --host "$sock" --data-root "$run/data" --exec-root "$run/exec" --pidfile "$run/dockerd.pid" \
	--iptables=false --ip6tables=false --bridge=none >"$run/dockerd.log" 2>&1 &
daemon=$!
cleanup() {
	kill "$daemon" 2>/dev/null || true
	wait "$daemon" 2>/dev/null || true
	# The daemon leaves its network namespace mounted.
	umount "$run/exec/netns/default" 2>/dev/null || true
	rm -rf "$run" dist/qslocal-container-linux-amd64 2>/dev/null || true
}
trap cleanup EXIT
export DOCKER_HOST="$sock" DOCKER_BUILDKIT=0
for _ in $(seq 50); do
	docker version >/dev/null 2>&1 && break
	sleep 0.2
done
if ! docker version >/dev/null 2>&1; then
	echo "container: no Docker daemon could start here; skipping the image"
	tail -5 "$run/dockerd.log"
	exit 0
fi

mkdir -p dist
cp "$bin" dist/qslocal-container-linux-amd64
if ! docker build -q --build-arg BINARY=dist/qslocal-container-linux-amd64 -t qslocal:ci . >"$run/build.log" 2>&1; then
	cat "$run/build.log"
	exit 1
fi
port=$((20000 + RANDOM % 20000))
id="$(docker run -d --network host qslocal:ci --addr "127.0.0.1:$port")"
for _ in $(seq 100); do
	if body="$(curl -fsS "http://127.0.0.1:$port/_qslocal/health" 2>/dev/null)"; then
		echo "container: the image answers: $body"
		docker rm -f "$id" >/dev/null
		exit 0
	fi
	sleep 0.2
done
echo "container: the image did not answer its health check"
docker logs "$id" || true
exit 1
