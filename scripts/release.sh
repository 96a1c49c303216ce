#!/usr/bin/env bash
# Cross-compiles static qslocal binaries, stamped with the version and
# commit, and writes their SHA256SUMS.
#
#   scripts/release.sh [--version V] [--targets OS/ARCH,...] [--out DIR]
#
# --version defaults to `git describe --tags --always --dirty`, --targets to
# linux, darwin and windows on amd64 and arm64, --out to dist/. Binaries are
# named qslocal-VERSION-OS-ARCH (.exe on Windows).
set -euo pipefail
cd "$(dirname "$0")/.."

version=""
targets="linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64"
out="dist"
while [ $# -gt 0 ]; do
	case "$1" in
	--version) version="$2"; shift 2 ;;
	--targets) targets="$2"; shift 2 ;;
	--out) out="$2"; shift 2 ;;
	-h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "release: unknown argument $1" >&2; exit 2 ;;
	esac
done

# Outside a git checkout (a source archive) the stamps say so.
commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
if [ -z "$version" ]; then
	version="$(git describe --tags --always --dirty 2>/dev/null || echo dev)"
fi
# The version goes into file names and an -ldflags word: no spaces or slashes.
if ! [[ "$version" =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]]; then
	echo "release: version $version: use letters, digits and . _ + -" >&2
	exit 2
fi

mkdir -p "$out"
# -X on a variable main does not declare is ignored by the linker, so this
# works whether or not cmd/qslocal has version and commit yet.
ldflags="-s -w -X main.version=$version -X main.commit=$commit"
built=()
IFS=, read -ra list <<<"$targets"
for t in "${list[@]}"; do
	goos="${t%/*}" goarch="${t#*/}"
	if [ -z "$goos" ] || [ -z "$goarch" ] || [ "$goos" = "$t" ]; then
		echo "release: target $t is not OS/ARCH" >&2
		exit 2
	fi
	name="qslocal-$version-$goos-$goarch"
	[ "$goos" = windows ] && name="$name.exe"
	echo "release: $name"
	# No cgo: the binaries are static and run on any libc (SQLite is pure Go).
	CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" \
		go build -trimpath -ldflags "$ldflags" -o "$out/$name" ./cmd/qslocal
	built+=("$name")
done

# Sums of this run's binaries only, so stale files in $out are not vouched for.
cd "$out"
if command -v sha256sum >/dev/null; then
	sha256sum "${built[@]}" >SHA256SUMS
else
	shasum -a 256 "${built[@]}" >SHA256SUMS # macOS
fi
echo "release: $out/SHA256SUMS"
