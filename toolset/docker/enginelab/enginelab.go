// Package enginelab starts Docker engines that stand in for separate
// machines, on one Linux machine: each engine runs in a network namespace of
// its own, with its own data root, exec root, pid file and socket, and
// serves the Docker API on its namespace's address (tcp://ADDR:2375), as
// TFB's application server, database and load generator machines do.
//
// The namespaces are joined by a bridge that lives in one more namespace of
// the lab's, and this machine reaches that bridge through one veth pair, so
// the lab's addresses exist on the lab's own links only: nothing is routed
// between them and the machine's real interfaces, and the machine's firewall
// is not touched. The engines' image builds reach the Debian mirror through
// a forward proxy the lab runs on this machine's lab address, which admits
// plain HTTP to the mirrors the machine's apt sources name and nothing else;
// DockerConfig holds the docker CLI configuration that points each engine's
// builds at it.
//
// Start needs root, iproute2 (ip), util-linux (nsenter), iptables and
// dockerd. Close removes everything Start made; Start first removes what a
// lab of the same name left when its process was killed.
package enginelab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-tfb/suite/toolset/ready"
)

// DefaultRoles are TFB's three machines.
var DefaultRoles = []string{"server", "database", "client"}

// DefaultSubnet is the lab's network: part of 198.18.0.0/15, the range set
// aside for benchmarking network devices (RFC 2544), so it clashes with no
// real network.
var DefaultSubnet = netip.MustParsePrefix("198.18.0.0/24")

var errNotRoot = errors.New("engine lab needs root: it makes network namespaces and runs dockerd")

// Options configure a lab. The zero value is TFB's three roles.
type Options struct {
	// Name prefixes the namespaces, the link and the directories (default
	// "tfblab"). Two labs at once need two names and two subnets.
	Name string
	// Roles name the engines, one namespace each (default DefaultRoles).
	Roles []string
	// Subnet is the lab's IPv4 network (default DefaultSubnet): this
	// machine gets its first address, the engines the 11th onwards.
	Subnet netip.Prefix
	// MirrorHosts are the hosts the build proxy forwards to (default: those
	// the machine's apt sources name).
	MirrorHosts []string
}

// Engine is one Docker engine of the lab.
type Engine struct {
	// Role is the engine's name in the lab.
	Role string
	// Addr is its namespace's address, where its API and its containers
	// with host networking listen.
	Addr netip.Addr
	// Endpoint is its Docker API over TCP: tcp://Addr:2375.
	Endpoint string
	// Socket is its API's unix socket on this machine.
	Socket string
	// Namespace is the network namespace it runs in (/run/netns/Namespace).
	Namespace string

	cmd     *exec.Cmd
	exited  chan struct{}
	dataDir string
	execDir string
	// bridgeNS and port are the namespace of the lab's bridge and e's port
	// on it: the cable that Cut pulls.
	bridgeNS, port string
}

// Lab is a running set of engines.
type Lab struct {
	// HostAddr is this machine's address on the lab's network.
	HostAddr netip.Addr
	// Engines are the engines, in the order of Options.Roles.
	Engines []*Engine
	// ProxyURL is the build proxy, http://HostAddr:PORT.
	ProxyURL string
	// DockerConfig is a directory for DOCKER_CONFIG whose config.json sends
	// each engine's image builds through the proxy.
	DockerConfig string

	name    string
	dir     string
	proxy   *http.Server
	closeMu sync.Mutex
	closed  bool
}

// Engine returns the engine in role, or nil.
func (l *Lab) Engine(role string) *Engine {
	for _, e := range l.Engines {
		if e.Role == role {
			return e
		}
	}
	return nil
}

// Start makes the lab's network and starts an engine in each role's
// namespace, and returns when all of them answer. On failure it removes what
// it made.
func Start(ctx context.Context, opts Options) (*Lab, error) {
	opts = withDefaults(opts)
	for _, tool := range []struct{ name, pkg string }{{"ip", "iproute2"}, {"nsenter", "util-linux"}, {"dockerd", "docker.io"}, {"iptables", "iptables"}} {
		if _, err := exec.LookPath(tool.name); err != nil {
			return nil, fmt.Errorf("engine lab needs %s (apt-get install %s): %w", tool.name, tool.pkg, err)
		}
	}
	if os.Geteuid() != 0 {
		return nil, errNotRoot
	}
	if len(opts.Roles) > 200 || opts.Subnet.Bits() > 24 || !opts.Subnet.Addr().Is4() {
		return nil, fmt.Errorf("engine lab: subnet %s must be IPv4 and /24 or larger for %d roles", opts.Subnet, len(opts.Roles))
	}
	mirrors := opts.MirrorHosts
	if len(mirrors) == 0 {
		mirrors = aptMirrorHosts()
	}
	if err := removeLeftovers(opts.Name, opts.Roles); err != nil {
		return nil, fmt.Errorf("remove what an earlier lab %q left: %w", opts.Name, err)
	}

	base := opts.Subnet.Masked().Addr()
	l := &Lab{
		name:     opts.Name,
		dir:      filepath.Join("/var/lib", opts.Name),
		HostAddr: nth(base, 1),
	}
	ok := false
	defer func() {
		if !ok {
			l.Close()
		}
	}()
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return nil, fmt.Errorf("engine lab: %w", err)
	}
	if err := l.makeNetwork(ctx, opts); err != nil {
		return nil, err
	}
	if err := l.startProxy(mirrors); err != nil {
		return nil, err
	}
	for i, role := range opts.Roles {
		e := &Engine{
			Role:      role,
			Addr:      nth(base, 11+i),
			Namespace: opts.Name + "-" + role,
			dataDir:   filepath.Join(l.dir, role),
			execDir:   filepath.Join("/run", opts.Name+"-"+role),
		}
		e.Endpoint = "tcp://" + net.JoinHostPort(e.Addr.String(), "2375")
		e.Socket = filepath.Join(e.execDir, "docker.sock")
		l.Engines = append(l.Engines, e)
		if err := l.addNamespace(ctx, e, opts.Subnet.Bits(), i); err != nil {
			return nil, err
		}
		if err := e.start(); err != nil {
			return nil, err
		}
	}
	if err := l.writeDockerConfig(); err != nil {
		return nil, err
	}
	for _, e := range l.Engines {
		if err := e.waitReady(ctx, 60*time.Second); err != nil {
			return nil, err
		}
	}
	ok = true
	return l, nil
}

func withDefaults(opts Options) Options {
	if opts.Name == "" {
		opts.Name = "tfblab"
	}
	if len(opts.Roles) == 0 {
		opts.Roles = DefaultRoles
	}
	if !opts.Subnet.IsValid() {
		opts.Subnet = DefaultSubnet
	}
	return opts
}

// nth is the n-th address after base.
func nth(base netip.Addr, n int) netip.Addr {
	a := base.As4()
	a[3] += byte(n)
	return netip.AddrFrom4(a)
}

// makeNetwork makes the bridge's namespace and the bridge, and joins this
// machine to it with a veth pair.
func (l *Lab) makeNetwork(ctx context.Context, opts Options) error {
	netns := l.name + "-net"
	host := hostLink(l.name)
	steps := [][]string{
		{"netns", "add", netns},
		{"-n", netns, "link", "set", "lo", "up"},
		{"-n", netns, "link", "add", "br0", "type", "bridge"},
		{"-n", netns, "link", "set", "br0", "up"},
		{"link", "add", host, "type", "veth", "peer", "name", "uplink", "netns", netns},
		{"-n", netns, "link", "set", "uplink", "master", "br0", "up"},
		{"addr", "add", l.HostAddr.String() + "/" + fmt.Sprint(opts.Subnet.Bits()), "dev", host},
		{"link", "set", host, "up"},
	}
	for _, args := range steps {
		if err := ip(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// addNamespace makes e's namespace, linked to the bridge, with e's address.
func (l *Lab) addNamespace(ctx context.Context, e *Engine, bits, i int) error {
	netns := l.name + "-net"
	port := fmt.Sprintf("port%d", i)
	e.bridgeNS, e.port = netns, port
	steps := [][]string{
		{"netns", "add", e.Namespace},
		{"-n", e.Namespace, "link", "set", "lo", "up"},
		{"-n", netns, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", e.Namespace},
		{"-n", netns, "link", "set", port, "master", "br0", "up"},
		{"-n", e.Namespace, "addr", "add", e.Addr.String() + "/" + fmt.Sprint(bits), "dev", "eth0"},
		{"-n", e.Namespace, "link", "set", "eth0", "up"},
	}
	for _, args := range steps {
		if err := ip(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// hostLink is the name of this machine's end of the veth pair (at most 15
// bytes, as interface names must be).
func hostLink(name string) string {
	if len(name) > 14 {
		name = name[:14]
	}
	return name + "0"
}

func ip(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// start runs dockerd in e's namespace (entered with nsenter, which changes
// only the network namespace: the engine sees the machine's cgroups and
// files), its log in its data directory.
func (e *Engine) start() error {
	for _, dir := range []string{e.dataDir, e.execDir} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("engine %s: %w", e.Role, err)
		}
	}
	logFile, err := os.OpenFile(filepath.Join(e.dataDir, "dockerd.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("engine %s: %w", e.Role, err)
	}
	defer logFile.Close()
	e.cmd = exec.Command("nsenter", "--net=/run/netns/"+e.Namespace, "--",
		"dockerd",
		"--data-root", filepath.Join(e.dataDir, "docker"),
		"--exec-root", e.execDir,
		"--pidfile", filepath.Join(e.execDir, "docker.pid"),
		"--host", "unix://"+e.Socket,
		"--host", e.Endpoint,
		// Plain TCP on purpose: the address exists on the lab's links only.
		"--tls=false",
	)
	e.cmd.Stdout, e.cmd.Stderr = logFile, logFile
	if err := e.cmd.Start(); err != nil {
		return fmt.Errorf("engine %s: start dockerd: %w", e.Role, err)
	}
	e.exited = make(chan struct{})
	go func() { _ = e.cmd.Wait(); close(e.exited) }()
	return nil
}

// Kill kills the engine's dockerd (SIGKILL) as a crash does, and returns
// once it has exited: its API stops answering at once, while its
// containers' processes outlive it; dockerd stops those when Start runs it
// again (it has no live restore). Close stops the lab either way.
func (e *Engine) Kill() {
	if e.cmd == nil || e.cmd.Process == nil {
		return
	}
	containerd := e.containerdPID()
	_ = e.cmd.Process.Kill()
	<-e.exited
	// Its containerd dies with it (a parent-death signal), but may stay a
	// zombie that no one reaps: the new dockerd would take it for a live
	// one, named by its pid file, and wait on it in vain.
	if containerd > 0 {
		_ = syscall.Kill(containerd, syscall.SIGKILL)
		for deadline := time.Now().Add(10 * time.Second); running(containerd) && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		_ = os.Remove(filepath.Join(e.execDir, "containerd", "containerd.pid"))
	}
}

// containerdPID is the pid of the containerd that e's dockerd started, 0
// when there is none.
func (e *Engine) containerdPID() int {
	data, err := os.ReadFile(filepath.Join(e.execDir, "containerd", "containerd.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

// running reports whether process pid runs: it exists and is not a zombie.
func running(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(data), ") ")
	return !strings.HasPrefix(rest, "Z")
}

// Start runs the engine's dockerd again after Kill, on the same data root,
// and returns when it answers (60 s at most).
func (e *Engine) Start(ctx context.Context) error {
	select {
	case <-e.exited:
	default:
		return fmt.Errorf("engine %s: dockerd still runs", e.Role)
	}
	if err := e.start(); err != nil {
		return err
	}
	return e.waitReady(ctx, 60*time.Second)
}

// Cut takes e's port on the lab's bridge down, as a pulled cable does: from
// then on nothing reaches e or leaves it (this machine, the other engines),
// and what was sent waits for an answer that does not come; no connection
// is reset. e's dockerd and containers keep running. Reconnect undoes it.
func (e *Engine) Cut(ctx context.Context) error {
	if err := ip(ctx, "-n", e.bridgeNS, "link", "set", e.port, "down"); err != nil {
		return fmt.Errorf("engine %s: cut its link: %w", e.Role, err)
	}
	return nil
}

// Reconnect brings e's port on the bridge up again after Cut, and returns
// when e's engine answers again (30 s at most).
func (e *Engine) Reconnect(ctx context.Context) error {
	if err := ip(ctx, "-n", e.bridgeNS, "link", "set", e.port, "up"); err != nil {
		return fmt.Errorf("engine %s: reconnect its link: %w", e.Role, err)
	}
	return e.waitReady(ctx, 30*time.Second)
}

// LogTail is the end of the engine's dockerd log.
func (e *Engine) LogTail(lines int) string {
	data, _ := os.ReadFile(filepath.Join(e.dataDir, "dockerd.log"))
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// waitReady waits until the engine answers on its TCP endpoint.
func (e *Engine) waitReady(ctx context.Context, timeout time.Duration) error {
	base := "http://" + net.JoinHostPort(e.Addr.String(), "2375")
	if err := ready.Wait(ctx, base, "/_ping", timeout, e.exited); err != nil {
		return fmt.Errorf("engine %s at %s: %w\n%s\n%s", e.Role, e.Endpoint, err, e.network(), e.LogTail(15))
	}
	return nil
}

// network describes the way to e: this machine's route to its address and
// the addresses and links in its namespace, which say why an engine that
// listens does not answer.
func (e *Engine) network() string {
	var b strings.Builder
	for _, args := range [][]string{{"route", "get", e.Addr.String()}, {"-n", e.Namespace, "-br", "addr"}, {"-n", e.Namespace, "route"}} {
		out, err := exec.Command("ip", args...).CombinedOutput()
		fmt.Fprintf(&b, "ip %s: %s", strings.Join(args, " "), out)
		if err != nil {
			fmt.Fprintf(&b, " (%v)", err)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// writeDockerConfig writes config.json naming the proxy for each engine.
func (l *Lab) writeDockerConfig() error {
	l.DockerConfig = filepath.Join(l.dir, "docker-config")
	if err := os.MkdirAll(l.DockerConfig, 0o700); err != nil {
		return err
	}
	type proxy struct {
		HTTPProxy string `json:"httpProxy"`
		NoProxy   string `json:"noProxy"`
	}
	proxies := map[string]proxy{}
	for _, e := range l.Engines {
		proxies[e.Endpoint] = proxy{HTTPProxy: l.ProxyURL, NoProxy: "localhost,127.0.0.1"}
	}
	data, err := json.MarshalIndent(map[string]any{"proxies": proxies}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(l.DockerConfig, "config.json"), data, 0o600)
}

// Close stops the engines (their containers with them) and removes the
// namespaces, the link, the proxy and the engines' directories. It is safe
// to call more than once.
func (l *Lab) Close() error {
	l.closeMu.Lock()
	defer l.closeMu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.proxy != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = l.proxy.Shutdown(ctx)
		cancel()
	}
	var errs []error
	var wg sync.WaitGroup
	for _, e := range l.Engines {
		wg.Add(1)
		go func() { defer wg.Done(); e.stop() }()
	}
	wg.Wait()
	roles := make([]string, len(l.Engines))
	for i, e := range l.Engines {
		roles[i] = e.Role
	}
	errs = append(errs, removeLeftovers(l.name, roles))
	return errors.Join(errs...)
}

// stop asks dockerd to stop (it stops its containers) and kills it if it
// has not within 20 s.
func (e *Engine) stop() {
	if e.cmd == nil || e.cmd.Process == nil {
		return
	}
	_ = e.cmd.Process.Signal(os.Interrupt)
	select {
	case <-e.exited:
	case <-time.After(20 * time.Second):
		slog.Warn("engine lab: dockerd did not stop; killing it", "role", e.Role)
		_ = e.cmd.Process.Kill()
		<-e.exited
	}
}
