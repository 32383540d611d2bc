FROM docker.io/golang:1.24.2
WORKDIR /gotest
COPY ./src /gotest
RUN go build -o app .
CMD ./app
