#!/usr/bin/env bash
# Ready-to-run builds of xlsxeval: static binaries (CGO_ENABLED=0) with the
# version stamped in, one per target, into dist/.
#   scripts/dist.sh                     all targets
#   TARGETS="linux/amd64" scripts/dist.sh
#   VERSION=v1.0.0 DIST=out scripts/dist.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=${TARGETS:-"windows/amd64 linux/amd64 linux/arm64 darwin/arm64"}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
DIST=${DIST:-dist}
mkdir -p "$DIST"
for t in $TARGETS; do
  os=${t%/*} arch=${t#*/}
  out="$DIST/xlsxeval-$VERSION-$os-$arch"
  [ "$os" = windows ] && out="$out.exe"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X main.version=$VERSION" -o "$out" ./cmd/xlsxeval
  echo "$out"
done
