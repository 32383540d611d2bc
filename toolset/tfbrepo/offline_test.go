package tfbrepo

import (
	"strings"
	"testing"
)

func TestStandIn(t *testing.T) {
	for _, tc := range []struct {
		image, want string
		ok          bool
	}{
		{"golang:1.15", "go:local", true},
		{"docker.io/golang:1.24.2-alpine", "go:local", true},
		{"docker.io/library/golang", "go:local", true},
		{"alpine:latest", "debian:local", true},
		{"ubuntu:22.04", "debian:local", true},
		{"gcr.io/distroless/base:debug", "debian:local", true},
		{"debian:bullseye-slim", "debian:local", true},
		{"node:20-slim", "", false},
		{"mcr.microsoft.com/dotnet/sdk:8.0", "", false},
	} {
		got, ok := StandIn(tc.image, "go:local", "debian:local")
		if got != tc.want || ok != tc.ok {
			t.Errorf("StandIn(%s) = %q, %v; want %q, %v", tc.image, got, ok, tc.want, tc.ok)
		}
	}
}

func TestOfflineDockerfile(t *testing.T) {
	src := `# a comment stays
ARG GO=golang:1.15
FROM ${GO} AS builder
WORKDIR /app
RUN apk add git && \
    go get github.com/valyala/quicktemplate/qtc
RUN go build -o app .

FROM alpine:3.12
COPY --from=builder /app/app /app
RUN apk --no-cache add ca-certificates
CMD ["/app"]
`
	d, err := parseDockerfile("x.dockerfile", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	out, notes, err := d.offline(map[string]string{"golang:1.15": "golang:1.26-bookworm", "alpine:3.12": "debian:bookworm-slim"}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := `# a comment stays
ARG GO=golang:1.15
FROM golang:1.26-bookworm AS builder
COPY .tfb-goproxy /tfb-goproxy
ENV GOPROXY=file:///tfb-goproxy GOSUMDB=off GOTOOLCHAIN=local
ENV GOFLAGS=-mod=mod
WORKDIR /app
RUN apk add git && go get github.com/valyala/quicktemplate/qtc && go install github.com/valyala/quicktemplate/qtc
RUN go build -o app .

FROM debian:bookworm-slim
COPY --from=builder /app/app /app
RUN true
CMD ["/app"]
`
	if string(out) != want {
		t.Errorf("offline dockerfile:\n%s\nwant:\n%s", out, want)
	}
	for _, n := range []string{"FROM golang:1.15: no registry answers", "-mod=mod", "go install github.com/valyala/quicktemplate/qtc follows it", "skipped apk --no-cache add ca-certificates"} {
		if !strings.Contains(strings.Join(notes, "\n"), n) {
			t.Errorf("notes lack %q:\n%s", n, strings.Join(notes, "\n"))
		}
	}
}
