// Package dockertest runs the project's images in tests with
// testcontainers-go on this kind of machine: a local Docker engine, no image
// registry, no Ryuk. Production code never imports it; the image names,
// builds, labels and reaping it uses are package docker's, shared with the
// toolset's docker runtime.
//
// It prepares the testcontainers environment (Setup), tells whether an engine
// answers (Available), finds the repository whose Dockerfiles it builds
// (RepoRoot), and runs containers whose ports are published on 127.0.0.1 only
// and which are removed when Terminate is called or, should the process die
// first, by the next docker.Reap on this machine (Run labels every container
// with its owner's process id).
package dockertest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/go-tfb/suite/toolset/docker"
)

// Module is the module path of the repository whose images this package builds.
const Module = "github.com/go-tfb/suite"

var setupOnce sync.Once

// Setup makes testcontainers-go usable here. It must run before any other
// testcontainers-go call in the process, since that library reads its
// settings once. Every function of this package calls it; it sets only
// variables that are unset:
//
//   - TESTCONTAINERS_RYUK_DISABLED=true: Ryuk's image cannot be pulled without
//     a registry; Run's labels and Reap do its work instead.
//   - TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 when the engine is local (no
//     DOCKER_HOST, or a unix socket): this machine has /.dockerenv, so
//     testcontainers-go would otherwise take itself to run inside a container
//     and look for a gateway address. Traffic stays on 127.0.0.1.
func Setup() {
	setupOnce.Do(func() {
		if _, ok := os.LookupEnv("TESTCONTAINERS_RYUK_DISABLED"); !ok {
			os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
		}
		if _, ok := os.LookupEnv("TESTCONTAINERS_HOST_OVERRIDE"); !ok && localEngine() {
			os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
		}
		if v, _ := strconv.ParseBool(os.Getenv("TFB_CONTAINERS_VERBOSE")); !v {
			tclog.SetDefault(tclog.NewNoopLogger())
		}
	})
}

func localEngine() bool {
	h := os.Getenv("DOCKER_HOST")
	return h == "" || strings.HasPrefix(h, "unix://")
}

// RepoRoot returns the root of this repository: $TFB_REPO_ROOT, else the
// first directory upwards from the working directory whose go.mod declares
// Module.
func RepoRoot() (string, error) {
	if r := os.Getenv("TFB_REPO_ROOT"); r != "" {
		return filepath.Abs(r)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && declares(b, Module) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s above the working directory (set TFB_REPO_ROOT)", Module)
		}
		dir = parent
	}
}

func declares(gomod []byte, module string) bool {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == module
		}
	}
	return false
}

// Available returns nil when a Docker engine answers within a few seconds,
// else an error that says how to get one.
func Available(ctx context.Context) error {
	Setup()
	return docker.Available(ctx, "")
}

// Request is what Run needs to start a container.
type Request struct {
	Build    *docker.Build     // build the image first (cached layers make a rebuild quick)
	Image    string            // or run this existing image
	Cmd      []string          // the command, when not the image's own
	Env      map[string]string // environment
	Ports    []string          // container ports to publish on 127.0.0.1, e.g. "5432/tcp"
	Network  string            // a Docker network to attach to, with Aliases on it
	Aliases  []string          // the container's names on Network
	ShmSize  int64             // /dev/shm size in bytes, 0 for Docker's default
	Waiting  wait.Strategy     // optional readiness check run by testcontainers-go
	LogLines int               // on failure, how many of the container's last log lines to report
}

// Run builds (when asked) and starts a container, publishing its ports on
// 127.0.0.1 only. When it fails after the container was created, the
// container is removed before Run returns. The caller must Terminate the
// container it gets.
func Run(ctx context.Context, req Request) (testcontainers.Container, error) {
	Setup()
	cli, err := docker.NewClient("")
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	if err := docker.Ping(ctx, cli, ""); err != nil {
		return nil, err
	}
	docker.Reap(ctx, cli)
	if b := req.Build; b != nil {
		root, err := RepoRoot()
		if err != nil {
			return nil, err
		}
		var buildLog bytes.Buffer
		if err := docker.BuildImage(ctx, cli, root, *b, &buildLog); err != nil {
			return nil, fmt.Errorf("%w\nbuild log (end):\n%s", err, docker.Tail(buildLog.String(), 30))
		}
		req.Image = b.Image
	}
	cr := testcontainers.ContainerRequest{
		Image:        req.Image,
		Cmd:          req.Cmd,
		Env:          req.Env,
		ExposedPorts: req.Ports,
		Labels:       docker.OwnerLabels(nil),
		WaitingFor:   req.Waiting,
		Networks:     nonEmpty(req.Network),
		HostConfigModifier: func(hc *container.HostConfig) {
			if req.ShmSize > 0 {
				hc.ShmSize = req.ShmSize
			}
			hc.PortBindings = network.PortMap{}
			for _, p := range req.Ports {
				port, err := network.ParsePort(p)
				if err != nil {
					continue // testcontainers-go reports the bad spec
				}
				hc.PortBindings[port] = []network.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1")}}
			}
		},
	}
	if req.Network != "" && len(req.Aliases) > 0 {
		cr.NetworkAliases = map[string][]string{req.Network: req.Aliases}
	}
	c, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{
		ContainerRequest: cr,
		Started:          true,
	})
	if err != nil {
		err = fmt.Errorf("start container: %w", err)
		if c != nil {
			n := req.LogLines
			if n == 0 {
				n = 30
			}
			if logs := Logs(context.WithoutCancel(ctx), c, n); logs != "" {
				err = fmt.Errorf("%w\ncontainer log (end):\n%s", err, logs)
			}
			err = errors.Join(err, Terminate(context.WithoutCancel(ctx), c))
		}
		return nil, err
	}
	return c, nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Terminate stops and removes a container (keeping its image). A nil
// container is fine.
func Terminate(ctx context.Context, c testcontainers.Container) error {
	if c == nil {
		return nil
	}
	if err := testcontainers.TerminateContainer(c, testcontainers.StopTimeout(5*time.Second)); err != nil {
		return fmt.Errorf("remove container %s: %w", c.GetContainerID(), err)
	}
	return nil
}

// Logs returns the last n lines of a container's output.
func Logs(ctx context.Context, c testcontainers.Container, n int) string {
	cli, err := docker.NewClient("")
	if err != nil {
		return ""
	}
	defer cli.Close()
	return docker.LogTail(ctx, cli, c.GetContainerID(), n)
}

// NewNetwork creates a bridge network for containers to reach each other by
// name, labelled like Run's containers. The caller must call remove, after
// the containers on it are gone.
func NewNetwork(ctx context.Context) (name string, remove func(context.Context) error, err error) {
	Setup()
	cli, err := docker.NewClient("")
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return "", nil, err
	}
	name = "go-tfb-" + hex.EncodeToString(b)
	res, err := cli.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: "bridge", Labels: docker.OwnerLabels(nil)})
	if err != nil {
		cli.Close()
		return "", nil, fmt.Errorf("create network: %w", err)
	}
	return name, func(ctx context.Context) error {
		defer cli.Close()
		if _, err := cli.NetworkRemove(ctx, res.ID, client.NetworkRemoveOptions{}); err != nil {
			return fmt.Errorf("remove network %s: %w", name, err)
		}
		return nil
	}, nil
}

// Host returns the address for reaching a container's published ports.
func Host() string { return "127.0.0.1" }

// MappedPort returns the host port (on 127.0.0.1) published for a container
// port such as "5432/tcp".
func MappedPort(ctx context.Context, c testcontainers.Container, port string) (int, error) {
	p, err := c.MappedPort(ctx, port)
	if err != nil {
		return 0, err
	}
	return int(p.Num()), nil
}
