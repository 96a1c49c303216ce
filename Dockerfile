# A minimal qslocal image: one static release binary and nothing else.
#
#   scripts/release.sh --targets linux/amd64 --version 1.0.0
#   docker build --build-arg BINARY=dist/qslocal-1.0.0-linux-amd64 -t qslocal:1.0.0 .
#   docker run -p 4718:4718 -v qslocal-data:/data qslocal:1.0.0
#
# Flags after the image name are added to the ones below, and a repeated
# flag wins (--db postgres://... for PostgreSQL).

# scratch has no directories at all. This stage makes an empty /data to copy
# with the owner qslocal runs as, so that it can create its database there
# and a new volume mounted there starts with that owner.
FROM scratch AS data
WORKDIR /data

FROM scratch
# A default that names the mistake when --build-arg BINARY is missing.
ARG BINARY=use-build-arg-BINARY-to-name-a-linux-release-binary
COPY ${BINARY} /qslocal
COPY --from=data --chown=65532:65532 /data /data
USER 65532:65532
# Also where SQLite puts temporary files: the image has no /tmp.
WORKDIR /data
VOLUME /data
EXPOSE 4718
ENTRYPOINT ["/qslocal", "--addr", "0.0.0.0:4718", "--db", "/data/qslocal.db"]
