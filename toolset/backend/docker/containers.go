package docker

import (
	"archive/tar"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/db"
	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	dockerlib "github.com/go-tfb/suite/toolset/docker"
	"github.com/go-tfb/suite/toolset/openloop"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/procstat"
	"github.com/go-tfb/suite/toolset/ready"
	"github.com/go-tfb/suite/toolset/wrk"
)

// track records a container the runtime created, for Close.
func (d *Runtime) track(id string, e *engine) {
	d.mu.Lock()
	d.containers[id] = e
	d.mu.Unlock()
}

// remove force-removes a container and forgets it. A container that could
// not be removed stays tracked, for Close to try again; one on an engine
// that stopped answering (engine.lost) is left to Close at once.
func (d *Runtime) remove(ctx context.Context, id string) error {
	d.mu.Lock()
	e := d.containers[id]
	d.mu.Unlock()
	if e == nil || e.lost.Load() {
		return nil
	}
	_, err := e.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove container %.12s: %w", id, err)
	}
	d.mu.Lock()
	delete(d.containers, id)
	d.mu.Unlock()
	return nil
}

// run creates a container with host networking and the owner labels, copies
// files (path in the container -> content) into it, and starts it.
func (d *Runtime) run(ctx context.Context, e *engine, cfg *container.Config, host *container.HostConfig, name string, files map[string]string) (string, error) {
	host.NetworkMode = "host"
	cfg.Labels = dockerlib.OwnerLabels(cfg.Labels)
	created, err := e.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: host, Name: name})
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return "", fmt.Errorf("image %s not found on %s: it is built by the toolset; is the build base present (.ci/docker-setup)? %w", cfg.Image, e.endpoint, err)
		}
		return "", fmt.Errorf("create container from %s: %w", cfg.Image, err)
	}
	d.track(created.ID, e)
	for path, content := range files {
		if err := copyFile(ctx, e.cli, created.ID, path, content); err != nil {
			_ = d.remove(context.WithoutCancel(ctx), created.ID)
			return "", err
		}
	}
	if _, err := e.cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		_ = d.remove(context.WithoutCancel(ctx), created.ID)
		return "", fmt.Errorf("start container from %s: %w", cfg.Image, err)
	}
	return created.ID, nil
}

// copyFile writes a readable file into a created container.
func copyFile(ctx context.Context, cli *client.Client, id, path, content string) error {
	dir, name := path[:strings.LastIndexByte(path, '/')+1], path[strings.LastIndexByte(path, '/')+1:]
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), ModTime: time.Unix(0, 0)}); err != nil {
		return err
	}
	io.WriteString(tw, content)
	if err := tw.Close(); err != nil {
		return err
	}
	if _, err := cli.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: dir, Content: &buf}); err != nil {
		return fmt.Errorf("copy %s into container %.12s: %w", path, id, err)
	}
	return nil
}

// databaseContainer is a database the runtime started; it implements
// backend.Database.
type databaseContainer struct {
	d   *Runtime
	id  string
	url string
}

// URL implements backend.Database.
func (db *databaseContainer) URL() string { return db.url }

// Close implements backend.Database: it removes the container.
func (db *databaseContainer) Close(ctx context.Context) error { return db.d.remove(ctx, db.id) }

// hbaPath is where the database container gets the access rules tfb writes.
const hbaPath = "/var/lib/postgresql/tfb_hba.conf"

// StartDatabase implements backend.Runtime: a container of the database image
// on the database engine, on a free port when that engine is local. It
// listens on 127.0.0.1 when the server and this process share its machine,
// else on the address they reach it at, and admits password logins from
// loopback and from those machines only.
func (d *Runtime) StartDatabase(ctx context.Context) (backend.Database, error) {
	return d.startDatabase(ctx, "")
}

// startDatabase starts a database container: at the address tfbAddress on
// port 5432 when it is set (a local engine's database for a test of a
// FrameworkBenchmarks tree), else as StartDatabase says.
func (d *Runtime) startDatabase(ctx context.Context, tfbAddress string) (backend.Database, error) {
	port := db.Port
	if d.database.local && tfbAddress == "" {
		p, err := pgcluster.FreePort()
		if err != nil {
			return nil, err
		}
		port = p
	}
	listen, hba, err := d.databaseAccess()
	if err != nil {
		return nil, fmt.Errorf("start database: %w", err)
	}
	// Loopback always, for the image's health check.
	listenAddresses := "127.0.0.1"
	if listen != listenAddresses {
		listenAddresses += "," + listen
	}
	if tfbAddress != "" {
		// 127.0.0.1:5432 may be another's; the health check goes unused.
		listen, listenAddresses = tfbAddress, tfbAddress
	}
	id, err := d.run(ctx, d.database, &container.Config{
		Image: dockerlib.DatabaseImage,
		// PGPORT is the port the image's health check probes.
		Env: []string{"PGPORT=" + strconv.Itoa(port)},
		Cmd: []string{"postgres", "-D", "/var/lib/postgresql/data", "-p", strconv.Itoa(port),
			"-c", "listen_addresses=" + listenAddresses, "-c", "hba_file=" + hbaPath},
	}, &container.HostConfig{Resources: container.Resources{CpusetCpus: d.partition().Database}}, "tfb-database-"+strconv.Itoa(port), map[string]string{hbaPath: hba})
	if err != nil {
		return nil, fmt.Errorf("start database: %w", err)
	}
	dbase := &databaseContainer{d: d, id: id, url: db.URL(listen, port)}
	if err := dockerlib.WaitDatabase(ctx, dbase.url, backend.ReadyTimeout); err != nil {
		logs := dockerlib.LogTail(context.WithoutCancel(ctx), d.database.cli, id, 20)
		_ = dbase.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("database container: %w\ncontainer log (end):\n%s", err, logs)
	}
	return dbase, nil
}

// databaseAccess returns the database's listen address and its pg_hba.conf:
// the local socket trusted (for the image's own tools), password logins from
// loopback, and from the server's and this process's machines when the
// database lives elsewhere.
func (d *Runtime) databaseAccess() (listen, hba string, err error) {
	listen, err = d.database.addressFor(d.server)
	if err != nil {
		return "", "", err
	}
	rules := []string{"local all all trust", "host all all 127.0.0.1/32 scram-sha-256", "host all all ::1/128 scram-sha-256"}
	if listen != "127.0.0.1" {
		// A local database is reached at its own address from this machine.
		seen := map[string]bool{"127.0.0.1": true}
		if d.database.local {
			seen[listen] = true
			rules = append(rules, "host all all "+hostCIDR(listen)+" scram-sha-256")
		}
		for _, peer := range []*engine{d.server, here} {
			ip, err := peer.addressFor(d.database)
			if err != nil {
				return "", "", err
			}
			if !seen[ip] {
				seen[ip] = true
				rules = append(rules, "host all all "+hostCIDR(ip)+" scram-sha-256")
			}
		}
	}
	return listen, strings.Join(rules, "\n") + "\n", nil
}

// hostCIDR is the one-address network of ip.
func hostCIDR(ip string) string {
	if strings.Contains(ip, ":") {
		return ip + "/128"
	}
	return ip + "/32"
}

// serverContainer is an entry the runtime started; it implements
// backend.Server.
type serverContainer struct {
	d       *Runtime
	e       *engine
	id      string
	baseURL string
	// pprofPort is the profile server's port on the server's loopback; 0
	// when off.
	pprofPort int
	// entry is the entry's name, name its container's.
	entry, name string
	// exited is closed once the container has stopped running (or its
	// engine stopped answering), exitErr then says how it ended.
	exited  chan struct{}
	exitErr error
	stop    sync.Once
	stopErr error
}

// StartServer implements backend.Runtime: the entry's image on the server
// engine with the CPU set and memory limit, PORT, TFB_LISTEN_HOST and
// DATABASE_URL set, its output copied to log, and readiness polled. The entry
// listens on 127.0.0.1 when the client and this process share its machine,
// else on the address the client reaches it at.
func (d *Runtime) StartServer(ctx context.Context, test config.Test, database backend.Database, log io.Writer) (backend.Server, error) {
	port := test.Port
	if d.opts.ServerPort != 0 && !test.FromTFB() {
		port = d.opts.ServerPort
	}
	if d.server.local {
		if err := backend.CheckPortFree(ctx, port, "entry "+test.Name); err != nil {
			return nil, err
		}
	}
	listen, err := d.server.addressFor(d.client)
	if err != nil {
		return nil, fmt.Errorf("entry %s: %w", test.Name, err)
	}
	env := []string{"PORT=" + strconv.Itoa(port), "TFB_LISTEN_HOST=" + listenHost(listen)}
	if database != nil {
		env = append(env, "DATABASE_URL="+database.URL())
	}
	host := &container.HostConfig{Resources: container.Resources{CpusetCpus: cmp.Or(d.opts.Limits.CPUSet, d.partition().Server)}}
	if d.opts.Limits.MemoryBytes > 0 {
		host.Memory = d.opts.Limits.MemoryBytes
		host.MemorySwap = d.opts.Limits.MemoryBytes // no swap beyond the limit
	}
	pprofPort := 0
	if p := d.opts.Profiling; p != nil && !test.FromTFB() && !test.Reference {
		if pprofPort, err = d.profilePort(port); err != nil {
			return nil, fmt.Errorf("entry %s: %w", test.Name, err)
		}
		env = append(env, p.Env("127.0.0.1:"+strconv.Itoa(pprofPort))...)
	}
	image := dockerlib.EntryImage(test.Name)
	if test.FromTFB() {
		// As TFB runs its tests: the image's own command and no settings of
		// ours, tfb-database and tfb-server as extra hosts, an init process
		// and its open-file limit. The test listens where its code says.
		env, image = nil, tfbImage(test)
		if d.opts.ServerPort != 0 && d.opts.ServerPort != port {
			fmt.Fprintf(log, "tfb: --server-port %d does not apply to %s, which listens on port %d as its code says\n", d.opts.ServerPort, test.Name, port)
		}
		if err := d.tfbHosts(host, database); err != nil {
			return nil, fmt.Errorf("entry %s: %w", test.Name, err)
		}
	}
	name := "tfb-server-" + test.Name
	id, err := d.run(ctx, d.server, &container.Config{Image: image, Env: env}, host, name, nil)
	if err != nil {
		return nil, fmt.Errorf("entry %s: %w", test.Name, err)
	}
	s := &serverContainer{d: d, e: d.server, id: id, baseURL: "http://" + listenHost(listen) + ":" + strconv.Itoa(port), pprofPort: pprofPort,
		entry: test.Name, name: name, exited: make(chan struct{})}
	go s.follow(context.WithoutCancel(ctx), log)
	if err := ready.Wait(ctx, s.baseURL, backend.ReadyURL(test), backend.ReadyTimeout, s.exited); err != nil {
		_ = s.Stop(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("entry %s: %w", test.Name, err)
	}
	return s, nil
}

// profileOffset places a remote entry's profile server this far above its
// port: this process cannot ask another machine for a free port.
const profileOffset = 10000

// profilePort picks the profile server's port: a free one of this machine
// when the server engine is local, else the entry's port plus
// profileOffset (wrapped below 65536).
func (d *Runtime) profilePort(port int) (int, error) {
	if d.server.local {
		return pgcluster.FreePort()
	}
	return 1024 + (port+profileOffset-1024)%(65536-1024), nil
}

// Profile implements backend.Server: from the entry's profile server, on
// the server's loopback: directly when its engine is this machine's, else
// with curl in a container of the wrk image on that engine.
func (s *serverContainer) Profile(ctx context.Context, path string) ([]byte, error) {
	if s.pprofPort == 0 {
		return nil, backend.ErrNoProfiles
	}
	base := "http://127.0.0.1:" + strconv.Itoa(s.pprofPort)
	if s.e.local {
		return backend.FetchProfile(ctx, base, path)
	}
	out, err := s.d.output(ctx, s.e, []string{"curl", "-sSf", "--max-time", "600", base + "/debug/pprof/" + path})
	if err != nil {
		return nil, fmt.Errorf("profile %s on %s: %w", path, s.e.endpoint, err)
	}
	return out, nil
}

// output runs cmd in a container of the wrk image with host networking on
// engine e and returns its standard output (binary safe), or an error with
// its standard error when it exits other than 0.
func (d *Runtime) output(ctx context.Context, e *engine, cmd []string) ([]byte, error) {
	return d.outputOf(ctx, e, &container.Config{Image: dockerlib.WrkImage, Cmd: cmd}, &container.HostConfig{})
}

// outputOf runs a container of cfg with host networking on engine e, waits
// for it, removes it and returns its standard output, or an error with its
// standard error when it exits other than 0.
func (d *Runtime) outputOf(ctx context.Context, e *engine, cfg *container.Config, host *container.HostConfig) ([]byte, error) {
	id, err := d.run(ctx, e, cfg, host, "", nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = d.remove(context.WithoutCancel(ctx), id) }()
	what := cfg.Image
	wait := e.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	var code int64
	select {
	case res := <-wait.Result:
		code = res.StatusCode
	case err := <-wait.Error:
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("wait for %s: %w", what, err)
	}
	logs, err := e.cli.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return nil, fmt.Errorf("%s's output: %w", what, err)
	}
	defer logs.Close()
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, logs); err != nil {
		return nil, fmt.Errorf("%s's output: %w", what, err)
	}
	if code != 0 {
		return stdout.Bytes(), fmt.Errorf("%s exited with status %d: %s", what, code, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// follow copies the container's output to log until it exits, then reads
// how it ended into exitErr and closes exited. The log stream ends when the
// container stops running, is removed, or its engine stops answering.
func (s *serverContainer) follow(ctx context.Context, log io.Writer) {
	defer close(s.exited)
	logs, err := s.e.cli.ContainerLogs(ctx, s.id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		slog.Debug("container logs", "err", err)
		wait := s.e.cli.ContainerWait(ctx, s.id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
		select {
		case <-wait.Result:
		case <-wait.Error:
		}
	} else {
		_, _ = stdcopy.StdCopy(log, log, logs)
		logs.Close()
	}
	s.exitErr = s.exitState(ctx)
}

// exitState says how the stopped container ended, from its state on the
// engine: its exit code and whether the kernel killed it for memory, that
// it was removed, or that its state cannot be read.
func (s *serverContainer) exitState(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	info, err := s.e.cli.ContainerInspect(ctx, s.id, client.ContainerInspectOptions{})
	switch {
	case cerrdefs.IsNotFound(err):
		return fmt.Errorf("entry %s: container %s was removed", s.entry, s.name)
	case err != nil:
		return fmt.Errorf("entry %s: container %s stopped sending its output and its state cannot be read: %w", s.entry, s.name, err)
	}
	st := info.Container.State
	if st == nil {
		return fmt.Errorf("entry %s: container %s has no state", s.entry, s.name)
	}
	if st.Running {
		// The log stream ended but the container runs: not an exit.
		return nil
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "entry %s: container %s exited with code %d", s.entry, s.name, st.ExitCode)
	if st.OOMKilled {
		msg.WriteString(", killed for running out of memory (OOMKilled)")
	}
	if st.Error != "" {
		fmt.Fprintf(&msg, ": %s", st.Error)
	}
	return errors.New(msg.String())
}

// Exited implements backend.Exiter: nil while the entry's container runs,
// else how it ended ("entry gin: container tfb-server-gin exited with code
// 137"). It makes no call to the engine: the container's end is noticed by
// the goroutine that follows its log.
func (s *serverContainer) Exited() error {
	select {
	case <-s.exited:
		return s.exitErr
	default:
		return nil
	}
}

// BaseURL implements backend.Server.
func (s *serverContainer) BaseURL() string { return s.baseURL }

// Stop implements backend.Server: it removes the container (stopping it
// first, with a grace period).
func (s *serverContainer) Stop(ctx context.Context) error {
	s.stop.Do(func() {
		if !s.e.lost.Load() {
			grace := int(backend.StopGrace / time.Second)
			_, _ = s.e.cli.ContainerStop(ctx, s.id, client.ContainerStopOptions{Timeout: &grace})
		}
		s.stopErr = s.d.remove(ctx, s.id)
	})
	return s.stopErr
}

// RunLoad implements backend.Runtime: wrk in a container of the wrk image on
// the client engine, with host networking (on the client's partition CPUs
// when there is one); its output is read from the container's log, and its
// CPU time from what the shell that waited for it reads of itself.
func (d *Runtime) RunLoad(ctx context.Context, run wrk.Run) (backend.Load, error) {
	load := backend.Load{CommandLine: run.CommandLine(), ClientCPUs: float64(d.clientCores)}
	if p := d.partition(); p.Client != "" {
		load.ClientCPUs = float64(backend.Cores(p.Client))
	}
	if q := d.opts.ClientCPUs; q > 0 {
		load.ClientCPUs = min(load.ClientCPUs, q)
	}
	if run.Pipeline > 0 {
		run.ScriptPath = "/" + wrk.PipelineScriptName
	}
	// The open-file limit is the engine's default: wrk needs one descriptor
	// per connection (16384 at the largest plaintext level), so the engine's
	// default must allow that (dockerd's --default-ulimit nofile).
	exitCode, out, err := d.runWrk(ctx, run.Args())
	out, cpu := cutClientStat(out)
	load.Output = out
	if cpu != nil {
		load.ClientCPU, load.ClientKernelCPU = &cpu.CPU, &cpu.Kernel
	}
	if err != nil {
		return load, err
	}
	if exitCode != 0 {
		return load, fmt.Errorf("wrk exited with status %d", exitCode)
	}
	return load, nil
}

// clientStatMark starts the line on which the wrk container's shell prints
// its own /proc stat once wrk has exited: its children's CPU time is wrk's.
const clientStatMark = "tfb-client-stat: "

// wrkScript runs wrk with the script's arguments, then prints the shell's
// /proc stat line after clientStatMark and exits with wrk's status.
const wrkScript = `wrk "$@"; status=$?; read -r stat < /proc/$$/stat; echo "` + clientStatMark + `$stat"; exit $status`

// cutClientStat takes the stat line wrkScript printed out of the output
// and returns the rest and wrk's CPU times (nil when the line is missing).
func cutClientStat(out string) (string, *procstat.Times) {
	i := strings.LastIndex(out, clientStatMark)
	if i < 0 {
		return out, nil
	}
	line, rest, _ := strings.Cut(out[i+len(clientStatMark):], "\n")
	st, err := procstat.ParseStat([]byte(strings.TrimSpace(line)))
	if err != nil {
		return out, nil
	}
	return out[:i] + rest, &procstat.Times{CPU: st.Children, Kernel: st.ChildrenKernel}
}

// runWrk runs wrk with args in a container of the wrk image on the client
// engine, removes the container, and returns wrk's exit status and output.
func (d *Runtime) runWrk(ctx context.Context, args []string) (exitCode int64, out string, err error) {
	host := &container.HostConfig{Resources: container.Resources{CpusetCpus: d.partition().Client, NanoCPUs: int64(d.opts.ClientCPUs * 1e9)}}
	id, err := d.run(ctx, d.client, &container.Config{
		Image: dockerlib.WrkImage, Cmd: append([]string{"sh", "-c", wrkScript, "wrk"}, args...), Tty: true,
	}, host, "", nil)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = d.remove(context.WithoutCancel(ctx), id) }()
	wait := d.client.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case res := <-wait.Result:
		exitCode = res.StatusCode
	case err := <-wait.Error:
		if ctx.Err() != nil {
			return 0, "", ctx.Err()
		}
		return 0, "", fmt.Errorf("wait for wrk: %w", err)
	}
	logs, err := d.client.cli.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return exitCode, "", fmt.Errorf("wrk output: %w", err)
	}
	defer logs.Close()
	raw, err := io.ReadAll(logs)
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	if err != nil {
		return exitCode, text, fmt.Errorf("wrk output: %w", err)
	}
	return exitCode, text, nil
}

// RunOpenLoop implements backend.Runtime: the openloop command in a
// container of its image on the client engine, with host networking and the
// client's CPUs (the image is built there the first time). Its CPU time is
// what it reads of itself.
func (d *Runtime) RunOpenLoop(ctx context.Context, o openloop.Options) (backend.Load, error) {
	args := backend.OpenLoopArgs(o)
	load := backend.Load{CommandLine: "openloop " + strings.Join(args, " "), ClientCPUs: float64(d.clientCores)}
	if p := d.partition(); p.Client != "" {
		load.ClientCPUs = float64(backend.Cores(p.Client))
	}
	if q := d.opts.ClientCPUs; q > 0 {
		load.ClientCPUs = min(load.ClientCPUs, q)
	}
	if err := d.openLoopImage(ctx); err != nil {
		return load, err
	}
	host := &container.HostConfig{Resources: container.Resources{CpusetCpus: d.partition().Client, NanoCPUs: int64(d.opts.ClientCPUs * 1e9)}}
	out, err := d.outputOf(ctx, d.client, &container.Config{Image: dockerlib.OpenLoopImage, Cmd: args}, host)
	load.Output = string(out)
	if err != nil {
		return load, fmt.Errorf("openloop: %w", err)
	}
	if res, err := openloop.ParseResult(out); err == nil && res.ClientCPUSeconds > 0 {
		cpu := time.Duration(res.ClientCPUSeconds * float64(time.Second))
		load.ClientCPU = &cpu
	}
	return load, nil
}

// openLoopImage builds the openloop image on the client engine once (or,
// with UseExistingImages, requires it).
func (d *Runtime) openLoopImage(ctx context.Context) error {
	d.openLoopMu.Lock()
	defer d.openLoopMu.Unlock()
	if d.openLoopBuilt {
		return nil
	}
	if d.opts.UseExistingImages {
		if err := dockerlib.RequireImage(ctx, d.client.cli, dockerlib.OpenLoopImage); err != nil {
			return err
		}
	} else {
		var log bytes.Buffer
		if err := d.build(ctx, d.client, dockerlib.OpenLoopBuild(), &log); err != nil {
			return fmt.Errorf("build the openloop image (toolset/openloop/Dockerfile): %w\n%s", err, dockerlib.Tail(log.String(), 20))
		}
	}
	d.openLoopBuilt = true
	return nil
}
