# Two stages, as TFB's fiber tests: an Alpine Go image with a package
# manager line, then an Alpine image that gets the binary.
FROM golang:1.25.6-alpine as builder

WORKDIR /build

COPY ./src /build

RUN apk add --no-cache git && \
    go mod download && go generate ./... && \
    CGO_ENABLED=0 go build -ldflags="-s -w" -o /build/out/server .

FROM alpine:latest

WORKDIR /srv
COPY --from=builder /build/out/server /srv/server

ENTRYPOINT ["/srv/server", "-greeting", "Hello, World!"]
