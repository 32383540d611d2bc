package docker

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/backend"
	dockerlib "github.com/go-tfb/suite/toolset/docker"
)

// Hosts are the Docker endpoints of TFB's three roles; empty means
// DOCKER_HOST or the local socket.
type Hosts struct {
	Server, Database, Client string
}

// Reachable pings every engine the hosts name and reports the first that
// does not answer.
func Reachable(ctx context.Context, hosts Hosts) error {
	for _, h := range []string{hosts.Server, hosts.Database, hosts.Client} {
		if err := dockerlib.Available(ctx, h); err != nil {
			return err
		}
	}
	return nil
}

// engine is one Docker endpoint in a role.
type engine struct {
	cli *client.Client
	// endpoint is the engine's endpoint as given (or DOCKER_HOST, or the
	// local socket): what results record and messages name.
	endpoint string
	// addr is the engine's machine as this process names it: 127.0.0.1
	// for a local engine, else the endpoint's host.
	addr  string
	local bool
	// lost is set once the engine failed a Check, until it passes one:
	// containers are then not removed one by one but left to Close.
	lost atomic.Bool
	// conns are the client's connections, which watch closes when the
	// engine stops answering.
	conns *dockerlib.Conns
	// stopWatch ends watch.
	stopWatch context.CancelFunc
	watching  sync.WaitGroup
}

// pingTimeout bounds a Check's ping of one engine.
const pingTimeout = 5 * time.Second

// While a runtime is open, watch pings each engine every watchInterval;
// watchMisses failed pings in a row (at least 15 s without an answer) mark
// the engine lost.
const (
	watchInterval = 2 * time.Second
	watchMisses   = 3
)

// watch pings e until ctx ends. When e stops answering, it marks e lost and
// closes the client's connections to it, so that the calls waiting on it
// (a container's exit, a stats stream, a request on a link that was cut)
// fail now instead of when the kernel gives up on them, many minutes later;
// the runner then asks Check, which names the engine.
func (e *engine) watch(ctx context.Context) {
	misses := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(watchInterval):
		}
		if e.check(ctx) == nil {
			misses = 0
			continue
		}
		// Once lost, every further miss closes what was opened since.
		if misses++; misses >= watchMisses {
			if n := e.conns.CloseAll(); n > 0 {
				slog.Warn("docker engine stopped answering: the calls waiting on it are cut short", "engine", e.endpoint, "connections", n)
			}
		}
	}
}

// close stops watching e and closes its client.
func (e *engine) close() {
	e.stopWatch()
	e.watching.Wait()
	e.cli.Close()
}

// check pings the engine: nil when it answers, else a *backend.LostError
// naming its endpoint. A ping cut short by ctx says nothing of the engine:
// it returns nil.
func (e *engine) check(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	_, err := e.cli.Ping(pctx, client.PingOptions{})
	switch {
	case err == nil:
		e.lost.Store(false)
		return nil
	case ctx.Err() != nil:
		return nil
	}
	e.lost.Store(true)
	return &backend.LostError{What: "docker engine " + e.endpoint, Err: err}
}

// Check implements backend.Checker: every role's engine answers a ping
// within pingTimeout, else the error names the first that does not.
func (d *Runtime) Check(ctx context.Context) error {
	for _, e := range d.engines() {
		if err := e.check(ctx); err != nil {
			return err
		}
	}
	return nil
}

// here is this process's machine, as a peer of the engines.
var here = &engine{addr: "127.0.0.1", local: true}

// newEngine connects to the engine at host (empty: DOCKER_HOST or the local
// socket) and checks that it answers.
func newEngine(ctx context.Context, host string) (*engine, error) {
	cli, conns, err := dockerlib.NewClientConns(host)
	if err != nil {
		return nil, err
	}
	endpoint := dockerlib.Endpoint(host)
	if err := dockerlib.Ping(ctx, cli, endpoint); err != nil {
		cli.Close()
		return nil, err
	}
	addr, local := engineAddress(endpoint)
	e := &engine{cli: cli, endpoint: endpoint, addr: addr, local: local, conns: conns}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	e.stopWatch = stop
	e.watching.Go(func() { e.watch(wctx) })
	return e, nil
}

// engines returns the roles' engines, one per endpoint.
func (d *Runtime) engines() []*engine {
	var list []*engine
	seen := map[string]bool{}
	for _, e := range []*engine{d.server, d.database, d.client} {
		if !seen[e.endpoint] {
			seen[e.endpoint] = true
			list = append(list, e)
		}
	}
	return list
}

// engineAddress is the host part of a Docker endpoint: 127.0.0.1 for a unix
// socket (a local engine), else the TCP or SSH host.
func engineAddress(endpoint string) (addr string, local bool) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme == "unix" || u.Scheme == "npipe" || u.Hostname() == "" {
		return "127.0.0.1", true
	}
	h := u.Hostname()
	if ip := net.ParseIP(h); (ip != nil && ip.IsLoopback()) || h == "localhost" {
		return "127.0.0.1", true
	}
	return h, false
}

// addressFor is the IP address at which peer reaches e's machine:
// 127.0.0.1 when both are this machine, this machine's address on the route
// to peer when only e is local, else e's host resolved.
func (e *engine) addressFor(peer *engine) (string, error) {
	switch {
	case e.local && peer.local:
		return "127.0.0.1", nil
	case e.local:
		return addressToward(peer.addr)
	default:
		return resolveIP(e.addr)
	}
}

// addressToward returns this machine's IP address on the route to host. No
// packet is sent: a UDP socket is only connected, which picks the route.
func addressToward(host string) (string, error) {
	ip, err := resolveIP(host)
	if err != nil {
		return "", err
	}
	conn, err := net.Dial("udp", net.JoinHostPort(ip, "9"))
	if err != nil {
		return "", fmt.Errorf("find this machine's address toward %s: %w", host, err)
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP.String(), nil
}

// resolveIP returns host's IP address (an IPv4 one when it has one).
func resolveIP(host string) (string, error) {
	if ip := net.ParseIP(host); ip != nil {
		return ip.String(), nil
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return "", fmt.Errorf("resolve host %s: %w", host, err)
	}
	for _, ip := range ips {
		if ip.To4() != nil {
			return ip.String(), nil
		}
	}
	return ips[0].String(), nil
}

// listenHost is ip as an entry's TFB_LISTEN_HOST: IPv6 in brackets.
func listenHost(ip string) string {
	if net.ParseIP(ip).To4() == nil {
		return "[" + ip + "]"
	}
	return ip
}

// moduleFiles returns go.mod and go.sum of repoDir, concatenated.
func moduleFiles(repoDir string) []byte {
	var sums []byte
	for _, name := range []string{"go.mod", "go.sum"} {
		data, _ := os.ReadFile(filepath.Join(repoDir, name))
		sums = append(sums, data...)
	}
	return sums
}
