# One stage, as most of TFB's Go tests: the official Go image, the sources
# copied in, a module download, a generator, a build, and CMD in shell form.
FROM docker.io/golang:1.24.2

ENV GO111MODULE=on
WORKDIR /gotest
COPY ./src /gotest

RUN go mod download
RUN go generate -x ./...
RUN GOAMD64=v1 go build -ldflags="-s -w" -o app .

EXPOSE 28180

CMD ./app
