// Package docker is the project's one layer over the Docker engine API (the
// moby client): the names of the images it builds, the labels that mark the
// containers it starts with their owner, image builds from the repository's
// Dockerfiles with modules vendored on the host, database readiness, log
// tails, and the reaping of what a killed process left behind.
//
// The toolset's docker runtime and the container tests (package dockertest)
// both build on it, so that both name, label and remove containers the same
// way.
package docker

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/docker/cli/cli/connhelper"
	"github.com/docker/go-connections/sockets"
	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/owner"
)

// Image names, as docker-compose.yml gives them.
const (
	DatabaseImage = "go-tfb/database"
	WrkImage      = "go-tfb/wrk"
	// OpenLoopImage runs toolset/cmd/openloop, the fixed-rate load.
	OpenLoopImage = "go-tfb/openloop"
	// EntryImagePrefix + entry name is an entry's image.
	EntryImagePrefix = "go-tfb/"
)

// EntryImage is the image of the named entry.
func EntryImage(entry string) string { return EntryImagePrefix + entry }

// Labels on every container and network the project starts: the starting
// process's id and its machine's name. Reap removes what carries them when
// that process no longer runs on this machine.
const (
	LabelOwnerPID  = "org.go-tfb.owner-pid"
	LabelOwnerHost = "org.go-tfb.owner-host"
)

// OwnerLabels returns the owner labels of this process, merged into extra
// (which may be nil) and returned.
func OwnerLabels(extra map[string]string) map[string]string {
	if extra == nil {
		extra = map[string]string{}
	}
	extra[LabelOwnerPID] = strconv.Itoa(os.Getpid())
	extra[LabelOwnerHost] = owner.Hostname()
	return extra
}

// DefaultEndpoint is the endpoint of this machine's engine when neither a
// flag nor DOCKER_HOST names one.
const DefaultEndpoint = "unix:///var/run/docker.sock"

// Endpoint is the engine endpoint that host means: host itself, else
// DOCKER_HOST, else the local socket.
func Endpoint(host string) string {
	if host != "" {
		return host
	}
	if env := os.Getenv("DOCKER_HOST"); env != "" {
		return env
	}
	return DefaultEndpoint
}

// NewClient returns a client of the engine at host ("" means DOCKER_HOST or
// the local socket). An ssh://[user@]host[:port] endpoint is reached as the
// docker CLI reaches it: through the ssh command, which runs
// `docker system dial-stdio` on that machine.
func NewClient(host string) (*client.Client, error) {
	return newClient(host, nil)
}

// NewClientConns is NewClient, with the set of the connections the client
// opens: closing them cuts short every call in progress (see Conns).
func NewClientConns(host string) (*client.Client, *Conns, error) {
	conns := &Conns{open: map[net.Conn]struct{}{}}
	cli, err := newClient(host, conns)
	return cli, conns, err
}

func newClient(host string, conns *Conns) (*client.Client, error) {
	endpoint := Endpoint(host)
	opts := []client.Opt{client.FromEnv}
	var dial func(ctx context.Context, network, addr string) (net.Conn, error)
	if strings.HasPrefix(endpoint, "ssh://") {
		helper, err := connhelper.GetConnectionHelper(endpoint)
		if err != nil {
			return nil, fmt.Errorf("docker endpoint %q: %w", endpoint, err)
		}
		opts = append(opts, client.WithHost(helper.Host))
		dial = helper.Dialer
	} else {
		opts = append(opts, client.WithHost(endpoint))
		if conns != nil {
			// The dialer the client would use for the endpoint (a unix
			// socket, TCP), wrapped below.
			u, err := client.ParseHostURL(endpoint)
			if err != nil {
				return nil, fmt.Errorf("docker endpoint %q: %w", endpoint, err)
			}
			tr := &http.Transport{}
			if err := sockets.ConfigureTransport(tr, u.Scheme, u.Host); err != nil {
				return nil, fmt.Errorf("docker endpoint %q: %w", endpoint, err)
			}
			dial = tr.DialContext
		}
	}
	if dial != nil {
		opts = append(opts, client.WithDialContext(conns.track(dial)))
	}
	cli, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker endpoint %q: %w", endpoint, err)
	}
	return cli, nil
}

// Ping returns nil when the client's engine answers within a few seconds,
// else an error that names its endpoint and says how to get one.
func Ping(ctx context.Context, cli *client.Client, endpoint string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return fmt.Errorf("no Docker engine answers at %s (start one, e.g. with .ci/docker-setup, or use --runtime local): %w", Endpoint(endpoint), err)
	}
	return nil
}

// Available returns nil when the engine at host ("" for the default) answers.
func Available(ctx context.Context, host string) error {
	cli, err := NewClient(host)
	if err != nil {
		return err
	}
	defer cli.Close()
	return Ping(ctx, cli, host)
}
