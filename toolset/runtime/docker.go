package runtime

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/jackc/pgx/v5"
	"github.com/moby/go-archive"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/go-tfb/suite/db/fixture"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/wrk"
)

// Image names the docker runtime builds.
const (
	DatabaseImage = "go-tfb/database"
	WrkImage      = "go-tfb/wrk"
	// EntryImagePrefix + entry name is an entry's image.
	EntryImagePrefix = "go-tfb/"
	// containerLabel marks every container the toolset starts; its value
	// is the starting process's id, on ownerLabel's host.
	containerLabel = "io.github.go-tfb.toolset"
	ownerLabel     = "io.github.go-tfb.toolset.host"
)

//go:embed wrk.Dockerfile
var wrkDockerfile []byte

// DockerHosts are the Docker endpoints of TFB's three roles; empty means
// DOCKER_HOST or the local socket.
type DockerHosts struct {
	Server, Database, Client string
}

// DockerReachable pings every engine the hosts name and reports the first
// that does not answer.
func DockerReachable(ctx context.Context, hosts DockerHosts) error {
	for _, h := range []string{hosts.Server, hosts.Database, hosts.Client} {
		cli, err := newDockerClient(h)
		if err != nil {
			return err
		}
		err = pingDocker(ctx, cli)
		cli.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func newDockerClient(host string) (*client.Client, error) {
	opts := []client.Opt{client.FromEnv}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	cli, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker endpoint %q: %w", host, err)
	}
	return cli, nil
}

func pingDocker(ctx context.Context, cli *client.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		return fmt.Errorf("no Docker engine answers at %s (start one, e.g. with .ci/docker-setup, or use --runtime local): %w", cli.DaemonHost(), err)
	}
	return nil
}

// engine is one Docker endpoint in a role.
type engine struct {
	cli *client.Client
	// addr is how the other roles reach containers on this engine, which
	// all use host networking: 127.0.0.1 for a local engine.
	addr  string
	local bool
}

func newEngine(ctx context.Context, host string) (*engine, error) {
	cli, err := newDockerClient(host)
	if err != nil {
		return nil, err
	}
	if err := pingDocker(ctx, cli); err != nil {
		cli.Close()
		return nil, err
	}
	addr, local := engineAddress(cli.DaemonHost())
	return &engine{cli: cli, addr: addr, local: local}, nil
}

// engineAddress is the host part of a Docker endpoint: 127.0.0.1 for a unix
// socket (a local engine), else the TCP host.
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

// Docker runs the database, the entries and wrk as containers with host
// networking, each role on its own engine if asked.
type Docker struct {
	RepoDir    string
	Limits     Limits
	ServerPort int
	// UseExistingImages skips the image builds and uses the images already
	// on the engines (an error names any that is missing).
	UseExistingImages bool

	server, database, client *engine
	clientCores              int

	mu           sync.Mutex
	containers   map[string]*engine // id -> engine, for Close
	vendoredFrom []byte             // go.mod+go.sum when .docker-vendor was last refreshed
}

// NewDocker connects to the engines of the three roles.
func NewDocker(ctx context.Context, repoDir string, limits Limits, serverPort int, hosts DockerHosts) (*Docker, error) {
	d := &Docker{RepoDir: repoDir, Limits: limits, ServerPort: serverPort, containers: map[string]*engine{}}
	var err error
	if d.server, err = newEngine(ctx, hosts.Server); err != nil {
		return nil, err
	}
	if d.database, err = newEngine(ctx, hosts.Database); err != nil {
		return nil, err
	}
	if d.client, err = newEngine(ctx, hosts.Client); err != nil {
		return nil, err
	}
	info, err := d.client.cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return nil, fmt.Errorf("docker info on the client engine: %w", err)
	}
	d.clientCores = max(1, info.Info.NCPU)
	return d, nil
}

// Name implements Runtime.
func (d *Docker) Name() string { return "docker" }

// ClientCores implements Runtime: the client engine's CPU count.
func (d *Docker) ClientCores() int { return d.clientCores }

// Describe implements Runtime.
func (d *Docker) Describe() map[string]string {
	return map[string]string{
		"server-host": d.server.cli.DaemonHost(), "database-host": d.database.cli.DaemonHost(), "client-host": d.client.cli.DaemonHost(),
	}
}

// Prepare implements Runtime: it builds the database image, and the wrk
// image when load will be generated.
func (d *Docker) Prepare(ctx context.Context, needLoad bool) error {
	d.reapOrphans(ctx)
	if d.UseExistingImages {
		if err := d.requireImage(ctx, d.database, DatabaseImage); err != nil {
			return err
		}
		if needLoad {
			return d.requireImage(ctx, d.client, WrkImage)
		}
		return nil
	}
	var log bytes.Buffer
	if err := d.refreshVendor(ctx); err != nil {
		return err
	}
	dbDir := filepath.Join(d.RepoDir, "db")
	if err := d.buildImage(ctx, d.database, dbDir, "Dockerfile", DatabaseImage, nil, &log); err != nil {
		return fmt.Errorf("build the database image from db/Dockerfile: %w\n%s", err, tail(log.String(), 20))
	}
	if needLoad {
		log.Reset()
		ctxTar, err := tarFiles(map[string][]byte{"Dockerfile": wrkDockerfile, wrk.PipelineScriptName: []byte(wrk.PipelineScript)})
		if err != nil {
			return err
		}
		if err := d.buildFromContext(ctx, d.client, ctxTar, "Dockerfile", WrkImage, nil, &log); err != nil {
			return fmt.Errorf("build the wrk image (Debian's wrk package): %w\n%s", err, tail(log.String(), 20))
		}
	}
	return nil
}

// Build implements Runtime by building frameworks/Dockerfile with ENTRY set.
func (d *Docker) Build(ctx context.Context, test config.Test, log io.Writer) error {
	if d.UseExistingImages {
		return d.requireImage(ctx, d.server, EntryImagePrefix+test.Name)
	}
	if err := d.refreshVendor(ctx); err != nil {
		return err
	}
	entry := test.Name
	err := d.buildImage(ctx, d.server, d.RepoDir, "frameworks/Dockerfile", EntryImagePrefix+test.Name, map[string]*string{"ENTRY": &entry}, log)
	if err != nil {
		return fmt.Errorf("docker build -f frameworks/Dockerfile --build-arg ENTRY=%s: %w", test.Name, err)
	}
	return nil
}

// reapOrphans removes containers that an earlier tfb on this host started
// and could not remove because it was killed (its process is gone).
func (d *Docker) reapOrphans(ctx context.Context) {
	seen := map[*client.Client]bool{}
	for _, e := range []*engine{d.server, d.database, d.client} {
		if seen[e.cli] {
			continue
		}
		seen[e.cli] = true
		list, err := e.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: make(client.Filters).Add("label", containerLabel)})
		if err != nil {
			slog.Debug("list toolset containers", "err", err)
			continue
		}
		for _, c := range list.Items {
			pid, err := strconv.Atoi(c.Labels[containerLabel])
			if err != nil || c.Labels[ownerLabel] != hostname() || processAlive(pid) {
				continue
			}
			slog.Info("removing a container left by an earlier run", "container", strings.TrimPrefix(firstOr(c.Names, c.ID), "/"), "pid", pid)
			_, _ = e.cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		}
	}
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// requireImage fails when the engine lacks the image.
func (d *Docker) requireImage(ctx context.Context, e *engine, image string) error {
	if _, err := e.cli.ImageInspect(ctx, image); err != nil {
		if cerrdefs.IsNotFound(err) {
			return fmt.Errorf("image %s not found on %s: run once without --no-build to build it", image, e.cli.DaemonHost())
		}
		return fmt.Errorf("inspect image %s: %w", image, err)
	}
	return nil
}

func (d *Docker) buildImage(ctx context.Context, e *engine, dir, dockerfile, tag string, args map[string]*string, log io.Writer) error {
	var excludes []string
	if f, err := os.Open(filepath.Join(dir, ".dockerignore")); err == nil {
		excludes, err = ignorefile.ReadAll(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("read .dockerignore: %w", err)
		}
		// As the docker CLI does: the Dockerfile and .dockerignore are always sent.
		excludes = append(excludes, "!"+dockerfile, "!.dockerignore")
	}
	ctxTar, err := archive.TarWithOptions(dir, &archive.TarOptions{ExcludePatterns: excludes})
	if err != nil {
		return fmt.Errorf("pack build context %s: %w", dir, err)
	}
	defer ctxTar.Close()
	return d.buildFromContext(ctx, e, ctxTar, dockerfile, tag, args, log)
}

func (d *Docker) buildFromContext(ctx context.Context, e *engine, buildContext io.Reader, dockerfile, tag string, args map[string]*string, log io.Writer) error {
	fmt.Fprintf(log, "$ docker build -t %s -f %s\n", tag, dockerfile)
	res, err := e.cli.ImageBuild(ctx, buildContext, client.ImageBuildOptions{
		Tags: []string{tag}, Dockerfile: dockerfile, BuildArgs: args, Remove: true, ForceRemove: true,
	})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	dec := json.NewDecoder(res.Body)
	var lastLines []string
	for {
		var msg struct {
			Stream string `json:"stream"`
			Status string `json:"status"`
			Error  string `json:"error"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read build output: %w", err)
		}
		if msg.Error != "" {
			fmt.Fprintln(log, msg.Error)
			// The daemon's error repeats the whole RUN line; the output
			// before it says what went wrong.
			if len(lastLines) > 0 {
				return fmt.Errorf("a build step failed: %s", strings.Join(lastLines, " | "))
			}
			return errors.New(strings.TrimSpace(msg.Error))
		}
		io.WriteString(log, msg.Stream)
		for line := range strings.SplitSeq(msg.Stream, "\n") {
			if line = strings.TrimSpace(stripANSI(line)); line != "" && !strings.HasPrefix(line, "Removing intermediate") {
				lastLines = append(lastLines, line)
			}
		}
		if len(lastLines) > 3 {
			lastLines = lastLines[len(lastLines)-3:]
		}
	}
}

func (d *Docker) track(id string, e *engine) {
	d.mu.Lock()
	d.containers[id] = e
	d.mu.Unlock()
}

// remove force-removes a container and forgets it.
func (d *Docker) remove(ctx context.Context, id string) error {
	d.mu.Lock()
	e := d.containers[id]
	delete(d.containers, id)
	d.mu.Unlock()
	if e == nil {
		return nil
	}
	_, err := e.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove container %.12s: %w", id, err)
	}
	return nil
}

// run creates and starts a container with host networking and the toolset's label.
func (d *Docker) run(ctx context.Context, e *engine, cfg *container.Config, host *container.HostConfig, name string) (string, error) {
	host.NetworkMode = "host"
	if cfg.Labels == nil {
		cfg.Labels = map[string]string{}
	}
	cfg.Labels[containerLabel] = strconv.Itoa(os.Getpid())
	cfg.Labels[ownerLabel] = hostname()
	created, err := e.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: host, Name: name})
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return "", fmt.Errorf("image %s not found on %s: it is built by the toolset; is the build base present (.ci/docker-setup)? %w", cfg.Image, e.cli.DaemonHost(), err)
		}
		return "", fmt.Errorf("create container from %s: %w", cfg.Image, err)
	}
	d.track(created.ID, e)
	if _, err := e.cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		_ = d.remove(context.WithoutCancel(ctx), created.ID)
		return "", fmt.Errorf("start container from %s: %w", cfg.Image, err)
	}
	return created.ID, nil
}

type dockerDatabase struct {
	d   *Docker
	id  string
	url string
}

func (db *dockerDatabase) URL() string { return db.url }

func (db *dockerDatabase) Close(ctx context.Context) error { return db.d.remove(ctx, db.id) }

// StartDatabase implements Runtime: a container of the database image on the
// database engine, on a free port when that engine is local.
func (d *Docker) StartDatabase(ctx context.Context) (Database, error) {
	port := 5432
	if d.database.local {
		p, err := fixture.FreePort()
		if err != nil {
			return nil, err
		}
		port = p
	}
	id, err := d.run(ctx, d.database, &container.Config{
		Image: DatabaseImage,
		Cmd:   []string{"postgres", "-D", "/var/lib/postgresql/data", "-p", strconv.Itoa(port)},
	}, &container.HostConfig{}, "tfb-database-"+strconv.Itoa(port))
	if err != nil {
		return nil, fmt.Errorf("start database: %w", err)
	}
	db := &dockerDatabase{d: d, id: id, url: fmt.Sprintf("postgres://benchmarkdbuser:benchmarkdbpass@%s/hello_world?sslmode=disable", net.JoinHostPort(d.database.addr, strconv.Itoa(port)))}
	if err := waitDatabase(ctx, db.url, ReadyTimeout); err != nil {
		_ = db.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("database container: %w", err)
	}
	return db, nil
}

func waitDatabase(ctx context.Context, dbURL string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, dbURL)
		if err == nil {
			err = conn.Ping(cctx)
			conn.Close(cctx)
		}
		cancel()
		if err == nil {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("not accepting connections within %s: %w", timeout, last)
}

type dockerServer struct {
	d       *Docker
	e       *engine
	id      string
	baseURL string
	exited  chan struct{}
	stop    sync.Once
	stopErr error
}

// StartServer implements Runtime: the entry's image on the server engine with
// the CPU set and memory limit, PORT and DATABASE_URL set, its output copied
// to log, and readiness polled.
func (d *Docker) StartServer(ctx context.Context, test config.Test, db Database, log io.Writer) (Server, error) {
	port := test.Port
	if d.ServerPort != 0 {
		port = d.ServerPort
	}
	if d.server.local {
		if err := CheckPortFree(port, "entry "+test.Name); err != nil {
			return nil, err
		}
	}
	env := []string{"PORT=" + strconv.Itoa(port)}
	if db != nil {
		env = append(env, "DATABASE_URL="+db.URL())
	}
	host := &container.HostConfig{}
	host.CpusetCpus = d.Limits.CPUSet
	if d.Limits.MemoryBytes > 0 {
		host.Memory = d.Limits.MemoryBytes
		host.MemorySwap = d.Limits.MemoryBytes // no swap beyond the limit
	}
	id, err := d.run(ctx, d.server, &container.Config{Image: EntryImagePrefix + test.Name, Env: env}, host, "tfb-server-"+test.Name)
	if err != nil {
		return nil, fmt.Errorf("entry %s: %w", test.Name, err)
	}
	s := &dockerServer{d: d, e: d.server, id: id, baseURL: "http://" + net.JoinHostPort(d.server.addr, strconv.Itoa(port)), exited: make(chan struct{})}
	go s.follow(context.WithoutCancel(ctx), log)
	if err := WaitReady(ctx, s.baseURL, ReadyURL(test), ReadyTimeout, s.exited); err != nil {
		_ = s.Stop(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("entry %s: %w", test.Name, err)
	}
	return s, nil
}

// follow copies the container's output to log until it exits, then closes exited.
func (s *dockerServer) follow(ctx context.Context, log io.Writer) {
	defer close(s.exited)
	logs, err := s.e.cli.ContainerLogs(ctx, s.id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		slog.Debug("container logs", "err", err)
		wait := s.e.cli.ContainerWait(ctx, s.id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
		select {
		case <-wait.Result:
		case <-wait.Error:
		}
		return
	}
	defer logs.Close()
	_, _ = stdcopy.StdCopy(log, log, logs)
}

func (s *dockerServer) BaseURL() string { return s.baseURL }

// Stop removes the container (stopping it first, with a grace period).
func (s *dockerServer) Stop(ctx context.Context) error {
	s.stop.Do(func() {
		grace := int(stopGrace / time.Second)
		_, _ = s.e.cli.ContainerStop(ctx, s.id, client.ContainerStopOptions{Timeout: &grace})
		s.stopErr = s.d.remove(ctx, s.id)
	})
	return s.stopErr
}

// StartUsage implements Server from the container's stats: CPU time from two
// one-shot samples, peak memory as the highest usage (less inactive file
// cache, as `docker stats` shows) seen in the stats stream meanwhile.
func (s *dockerServer) StartUsage(ctx context.Context) (UsageProbe, error) {
	first, err := s.stats(ctx)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p := &dockerUsage{s: s, startCPU: first.CPUStats.CPUUsage.TotalUsage, cancel: cancel, done: make(chan struct{}), peak: memoryInUse(first)}
	stream, err := s.e.cli.ContainerStats(sctx, s.id, client.ContainerStatsOptions{Stream: true})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("container stats: %w", err)
	}
	go func() {
		defer close(p.done)
		defer stream.Body.Close()
		dec := json.NewDecoder(bufio.NewReader(stream.Body))
		for {
			var st container.StatsResponse
			if err := dec.Decode(&st); err != nil {
				return
			}
			p.mu.Lock()
			p.peak = max(p.peak, memoryInUse(st))
			p.mu.Unlock()
		}
	}()
	return p, nil
}

func (s *dockerServer) stats(ctx context.Context) (container.StatsResponse, error) {
	var st container.StatsResponse
	res, err := s.e.cli.ContainerStats(ctx, s.id, client.ContainerStatsOptions{Stream: false})
	if err != nil {
		return st, fmt.Errorf("container stats: %w", err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("decode container stats: %w", err)
	}
	return st, nil
}

// memoryInUse is what `docker stats` shows as usage: the cgroup's usage less
// inactive file pages.
func memoryInUse(st container.StatsResponse) int64 {
	m := st.MemoryStats
	inactive := m.Stats["inactive_file"]
	if v, ok := m.Stats["total_inactive_file"]; ok {
		inactive = v
	}
	if inactive > m.Usage {
		return int64(m.Usage)
	}
	return int64(m.Usage - inactive)
}

type dockerUsage struct {
	s        *dockerServer
	startCPU uint64
	cancel   context.CancelFunc
	done     chan struct{}
	mu       sync.Mutex
	peak     int64
}

func (p *dockerUsage) Finish(ctx context.Context) (Usage, error) {
	last, err := p.s.stats(ctx)
	p.cancel()
	<-p.done
	if err != nil {
		return Usage{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	peak := max(p.peak, memoryInUse(last))
	return Usage{CPU: time.Duration(last.CPUStats.CPUUsage.TotalUsage - p.startCPU), PeakMemory: peak}, nil
}

// RunLoad implements Runtime: wrk in a container of the wrk image on the
// client engine, with host networking; its output is read from the
// container's log.
func (d *Docker) RunLoad(ctx context.Context, run wrk.Run) (string, string, error) {
	if run.Pipeline > 0 {
		run.ScriptPath = "/" + wrk.PipelineScriptName
	}
	// The open-file limit is the engine's default: wrk needs one descriptor
	// per connection (16384 at the largest plaintext level), so the engine's
	// default must allow that (dockerd's --default-ulimit nofile).
	id, err := d.run(ctx, d.client, &container.Config{
		Image: WrkImage, Cmd: append([]string{"wrk"}, run.Args()...), Tty: true,
	}, &container.HostConfig{}, "")
	if err != nil {
		return run.CommandLine(), "", err
	}
	defer func() { _ = d.remove(context.WithoutCancel(ctx), id) }()
	wait := d.client.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	var exitCode int64
	select {
	case res := <-wait.Result:
		exitCode = res.StatusCode
	case err := <-wait.Error:
		if ctx.Err() != nil {
			return run.CommandLine(), "", ctx.Err()
		}
		return run.CommandLine(), "", fmt.Errorf("wait for wrk: %w", err)
	}
	logs, err := d.client.cli.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return run.CommandLine(), "", fmt.Errorf("wrk output: %w", err)
	}
	defer logs.Close()
	out, err := io.ReadAll(logs)
	if err != nil {
		return run.CommandLine(), string(out), fmt.Errorf("wrk output: %w", err)
	}
	text := strings.ReplaceAll(string(out), "\r\n", "\n")
	if exitCode != 0 {
		return run.CommandLine(), text, fmt.Errorf("wrk exited with status %d", exitCode)
	}
	return run.CommandLine(), text, nil
}

// Close implements Runtime: it force-removes every container still tracked.
func (d *Docker) Close(ctx context.Context) error {
	d.mu.Lock()
	ids := make([]string, 0, len(d.containers))
	for id := range d.containers {
		ids = append(ids, id)
	}
	d.mu.Unlock()
	var errs []error
	for _, id := range ids {
		errs = append(errs, d.remove(ctx, id))
	}
	for _, e := range []*engine{d.server, d.database, d.client} {
		e.cli.Close()
	}
	return errors.Join(errs...)
}

func tarFiles(files map[string][]byte) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0)}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return &buf, nil
}

// refreshVendor re-vendors when go.mod or go.sum changed since the last
// time (or on first use), so a long run survives module changes.
func (d *Docker) refreshVendor(ctx context.Context) error {
	var sums []byte
	for _, name := range []string{"go.mod", "go.sum"} {
		data, _ := os.ReadFile(filepath.Join(d.RepoDir, name))
		sums = append(sums, data...)
	}
	d.mu.Lock()
	same := d.vendoredFrom != nil && bytes.Equal(d.vendoredFrom, sums)
	d.mu.Unlock()
	if same {
		return nil
	}
	if err := refreshDockerVendor(ctx, d.RepoDir); err != nil {
		return err
	}
	d.mu.Lock()
	d.vendoredFrom = sums
	d.mu.Unlock()
	return nil
}

// refreshDockerVendor runs .ci/docker-vendor, the repository's step that
// vendors modules on the host into .docker-vendor/, which entry image builds
// compile from (see frameworks/Dockerfile), so images build from the code as
// it is now.
func refreshDockerVendor(ctx context.Context, repoDir string) error {
	script := filepath.Join(repoDir, ".ci", "docker-vendor")
	if !fileExists(script) {
		return nil // not this repository's layout
	}
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Dir = repoDir
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("vendor modules for the image builds (.ci/docker-vendor): %w: %s", err, tail(string(msg), 5))
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// stripANSI drops the colour escapes the legacy builder wraps stderr in.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
