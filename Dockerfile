# syntax=docker/dockerfile:1
# Build a static binary, then ship it alone on a distroless base as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/cdtbot ./cmd/cdtbot && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cdtbot /usr/local/bin/cdtbot
# The volume's folder belongs to the non-root user so bbolt can create its file there.
COPY --from=build --chown=65532:65532 /out/data /data
ENV CDTBOT_DB=/data/cdtbot.db \
    CDTBOT_ADDR=:8080
VOLUME ["/data"]
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["/usr/local/bin/cdtbot", "health"]
ENTRYPOINT ["/usr/local/bin/cdtbot"]
CMD ["serve"]
