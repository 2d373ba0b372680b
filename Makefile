# make dist: static binaries for windows/amd64, linux/amd64, linux/arm64
# and darwin/arm64 in dist/, version from git describe (scripts/dist.sh).
.PHONY: dist test
dist:
	scripts/dist.sh
test:
	go test ./...
