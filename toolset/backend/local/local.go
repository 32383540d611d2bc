// Package local is the local runtime of tfb: it builds each entry with
// `go build`, runs it as a process of this machine, starts the database as
// a throwaway cluster from the local PostgreSQL binaries (toolset/pgcluster)
// and runs wrk on the host, all on 127.0.0.1.
package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/openloop"
	"github.com/go-tfb/suite/toolset/owner"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/procstat"
	"github.com/go-tfb/suite/toolset/ready"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/tfbrepo"
	"github.com/go-tfb/suite/toolset/wrk"
)

// workDirPattern names the local runtime's work directories under the
// system's temporary directory.
const workDirPattern = "tfb-local-*"

// Options configure the local runtime.
type Options struct {
	// RepoDir is the repository root holding frameworks/<entry>.
	RepoDir string
	// Limits apply to every entry: CPUSet through sched_setaffinity (taskset),
	// MemoryBytes as GOMEMLIMIT, the Go runtime's soft limit.
	Limits backend.Limits
	// ServerPort, when non-zero, replaces every entry's configured port.
	ServerPort int
	// Profiling, when set, starts every entry of this suite with its
	// profile server on a free loopback port.
	Profiling *backend.Profiling
	// Partition, when set, keeps the entry, PostgreSQL and wrk on CPUs of
	// their own (sched_setaffinity: taskset for the entry and wrk, the
	// cluster's processes once started); Limits.CPUSet overrides the
	// entry's.
	Partition *results.Partition
}

// Runtime runs entries as local processes built with `go build`, the
// database as a throwaway cluster from local PostgreSQL binaries, and wrk on
// the host, all on 127.0.0.1. It implements backend.Runtime.
type Runtime struct {
	opts Options

	mu       sync.Mutex
	workDir  string
	servers  map[*server]bool
	dbs      map[*database]bool
	wrkPath  string
	script   string
	closed   bool
	binaries map[string]string          // entry name -> built binary
	tfb      map[string]*tfbrepo.Result // FrameworkBenchmarks tests built
	tfbDB    string                     // the loopback address of their databases
	openLoop string                     // the built openloop command, once built
}

// New returns a local runtime.
func New(opts Options) *Runtime {
	return &Runtime{opts: opts,
		servers: map[*server]bool{}, dbs: map[*database]bool{}, binaries: map[string]string{}, tfb: map[string]*tfbrepo.Result{}}
}

// Name implements backend.Runtime.
func (l *Runtime) Name() string { return "local" }

// ClientCores implements backend.Runtime: wrk runs on this machine.
func (l *Runtime) ClientCores() int { return runtime.NumCPU() }

// Describe implements backend.Runtime.
func (l *Runtime) Describe() backend.Description {
	return backend.Description{
		Name: l.Name(),
		UsageNote: "local runtime: serverCpuSeconds from /proc/PID/stat, serverPeakMemoryBytes from VmHWM (reset per level), " +
			"databaseCpuSeconds from the cluster's processes in /proc, clientCpuSeconds from wrk's rusage, " +
			"otherCpuSeconds from /proc/stat less the three; Linux only",
		OneMachine: true,
		Partition:  l.opts.Partition,
	}
}

// serverCPUs is the CPU list the entry runs on: --cpuset, else its
// partition's; empty for no restriction.
func (l *Runtime) serverCPUs() string {
	if l.opts.Limits.CPUSet != "" {
		return l.opts.Limits.CPUSet
	}
	if l.opts.Partition != nil {
		return l.opts.Partition.Server
	}
	return ""
}

// clientCPUs is the CPU list wrk runs on; empty for no restriction.
func (l *Runtime) clientCPUs() string {
	if l.opts.Partition != nil {
		return l.opts.Partition.Client
	}
	return ""
}

// Prepare implements backend.Runtime: it removes the work directories and
// database clusters that earlier, killed runs left, makes a work directory,
// raises the open-file limit (wrk and the entries hold thousands of sockets)
// and finds wrk.
func (l *Runtime) Prepare(ctx context.Context, needLoad bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.workDir == "" {
		owner.Reap(workDirPattern, nil)
		pgcluster.ReapOrphans(ctx)
		dir, err := owner.MkdirTemp(workDirPattern)
		if err != nil {
			return fmt.Errorf("make work directory: %w", err)
		}
		l.workDir = dir
	}
	raiseFileLimit()
	if l.serverCPUs() != "" || l.clientCPUs() != "" {
		if _, err := exec.LookPath("taskset"); err != nil {
			return errors.New("--cpuset and --partition need taskset in the local runtime: install it with apt-get install util-linux")
		}
	}
	if needLoad && l.wrkPath == "" {
		p, err := wrk.LookPath()
		if err != nil {
			return err
		}
		l.wrkPath = p
		l.script = filepath.Join(l.workDir, wrk.PipelineScriptName)
		if err := os.WriteFile(l.script, []byte(wrk.PipelineScript), 0o644); err != nil {
			return fmt.Errorf("write pipelining script: %w", err)
		}
	}
	return nil
}

// Build implements backend.Runtime with `go build -o WORKDIR/<entry>
// ./frameworks/<entry>`. When the entry does not compile, the error shows the
// compiler's first messages.
func (l *Runtime) Build(ctx context.Context, test config.Test, log io.Writer) error {
	if l.workDir == "" {
		return errors.New("local runtime: Build before Prepare")
	}
	if test.FromTFB() {
		return l.buildTFB(ctx, test, log)
	}
	if test.Reference {
		return l.findReference(test)
	}
	bin := filepath.Join(l.workDir, test.Name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./frameworks/"+test.Name)
	cmd.Dir = l.opts.RepoDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = log, io.MultiWriter(log, &out)
	fmt.Fprintf(log, "$ go build -o %s ./frameworks/%s\n", bin, test.Name)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return backend.BuildError("go build ./frameworks/"+test.Name, err, out.String())
	}
	l.mu.Lock()
	l.binaries[test.Name] = bin
	l.mu.Unlock()
	return nil
}

// database is a throwaway cluster the runtime started; it implements
// backend.Database.
type database struct {
	rt *Runtime
	db *pgcluster.Cluster
}

// URL implements backend.Database: the cluster's URL on 127.0.0.1.
func (d *database) URL() string { return d.db.URL }

// StartUsage implements backend.Database from /proc: the CPU time of the
// postmaster and every process under it, the backends that come and go
// included (an exited backend's time is in the postmaster's children's).
func (d *database) StartUsage(ctx context.Context) (backend.UsageProbe, error) {
	pid, err := d.db.PID()
	if err != nil {
		return nil, err
	}
	start, err := procstat.ReadTree(pid)
	if err != nil {
		return nil, err
	}
	return treeUsage{pid: pid, start: start}, nil
}

// treeUsage measures the CPU time of a process tree; it implements
// backend.UsageProbe.
type treeUsage struct {
	pid   int
	start procstat.Times
}

// Finish implements backend.UsageProbe.
func (u treeUsage) Finish(ctx context.Context) (backend.Usage, error) {
	now, err := procstat.ReadTree(u.pid)
	if err != nil {
		return backend.Usage{}, err
	}
	used := now.Sub(u.start)
	return backend.Usage{CPU: used.CPU, KernelCPU: used.Kernel}, nil
}

// Close implements backend.Database: it stops the cluster and removes its
// files.
func (d *database) Close(ctx context.Context) error {
	d.rt.mu.Lock()
	delete(d.rt.dbs, d)
	d.rt.mu.Unlock()
	if err := d.db.Close(ctx); err != nil {
		return fmt.Errorf("stop local database: %w", err)
	}
	return nil
}

// StartDatabase implements backend.Runtime with a throwaway local PostgreSQL
// cluster.
func (l *Runtime) StartDatabase(ctx context.Context) (backend.Database, error) {
	db, err := pgcluster.Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start local database: %w", err)
	}
	return l.track(ctx, db)
}

// track records a started cluster, for Close; it stops it at once when
// the runtime was closed meanwhile.
func (l *Runtime) track(ctx context.Context, db *pgcluster.Cluster) (backend.Database, error) {
	d := &database{rt: l, db: db}
	if l.opts.Partition != nil && l.opts.Partition.Database != "" {
		if err := pinTree(db, l.opts.Partition.Database); err != nil {
			_ = db.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("start local database: %w", err)
		}
	}
	l.mu.Lock()
	l.dbs[d] = true
	closed := l.closed
	l.mu.Unlock()
	if closed {
		_ = d.Close(context.WithoutCancel(ctx))
		return nil, errors.New("local runtime closed")
	}
	return d, nil
}

// server is an entry running as a process of this machine; it implements
// backend.Server.
type server struct {
	rt      *Runtime
	name    string
	baseURL string
	pprof   string // the profile server's base URL; empty when off
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error // how the process ended, once exited is closed
	stopped sync.Once
	stopErr error
}

// StartServer implements backend.Runtime: it runs the entry's binary with PORT,
// TFB_LISTEN_HOST=127.0.0.1 and DATABASE_URL set, in its own process group,
// and waits until it answers.
func (l *Runtime) StartServer(ctx context.Context, test config.Test, db backend.Database, log io.Writer) (backend.Server, error) {
	if test.FromTFB() {
		return l.startTFB(ctx, test, db, log)
	}
	l.mu.Lock()
	bin := l.binaries[test.Name]
	l.mu.Unlock()
	if bin == "" {
		return nil, fmt.Errorf("entry %s was not built", test.Name)
	}
	port := test.Port
	if l.opts.ServerPort != 0 {
		port = l.opts.ServerPort
	}
	if err := backend.CheckPortFree(ctx, port, "entry "+test.Name); err != nil {
		return nil, err
	}
	if test.Reference {
		return l.startReference(ctx, test, bin, port, log)
	}
	cmd := l.command(bin)
	cmd.Env = append(cmd.Env, "PORT="+strconv.Itoa(port), "TFB_LISTEN_HOST=127.0.0.1")
	if db != nil {
		cmd.Env = append(cmd.Env, "DATABASE_URL="+db.URL())
	}
	pprof := ""
	if p := l.opts.Profiling; p != nil {
		pport, err := pgcluster.FreePort()
		if err != nil {
			return nil, fmt.Errorf("entry %s: a port for its profiles: %w", test.Name, err)
		}
		addr := "127.0.0.1:" + strconv.Itoa(pport)
		cmd.Env = append(cmd.Env, p.Env(addr)...)
		pprof = "http://" + addr
	}
	srv, err := l.start(ctx, test, cmd, port, log)
	if err != nil {
		return nil, err
	}
	srv.(*server).pprof = pprof
	return srv, nil
}

// Profile implements backend.Server: from the entry's profile server on
// loopback.
func (s *server) Profile(ctx context.Context, path string) ([]byte, error) {
	if s.pprof == "" {
		return nil, backend.ErrNoProfiles
	}
	return backend.FetchProfile(ctx, s.pprof, path)
}

// command is the command that runs args under the runtime's limits: the
// CPU set through taskset, the memory limit as GOMEMLIMIT, in a process
// group of its own that dies with tfb.
func (l *Runtime) command(args ...string) *exec.Cmd {
	if cpus := l.serverCPUs(); cpus != "" {
		args = append([]string{"taskset", "-c", cpus}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = os.Environ()
	if l.opts.Limits.MemoryBytes > 0 {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+strconv.FormatInt(l.opts.Limits.MemoryBytes, 10))
	}
	cmd.SysProcAttr = childProcAttr()
	return cmd
}

// start starts an entry's command (made by command), its output to log,
// and waits until it answers on port.
func (l *Runtime) start(ctx context.Context, test config.Test, cmd *exec.Cmd, port int, log io.Writer) (backend.Server, error) {
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start entry %s: %w", test.Name, err)
	}
	s := &server{rt: l, name: test.Name, baseURL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	l.mu.Lock()
	l.servers[s] = true
	l.mu.Unlock()
	slog.Debug("entry started", "entry", test.Name, "pid", cmd.Process.Pid, "port", port)
	if err := ready.Wait(ctx, s.baseURL, backend.ReadyURL(test), backend.ReadyTimeout, s.exited); err != nil {
		_ = s.Stop(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("entry %s: %w", test.Name, err)
	}
	return s, nil
}

// BaseURL implements backend.Server.
func (s *server) BaseURL() string { return s.baseURL }

// Exited implements backend.Exiter: how the entry's process ended, nil
// while it runs.
func (s *server) Exited() error {
	select {
	case <-s.exited:
		if s.waitErr == nil {
			return fmt.Errorf("entry %s exited", s.name)
		}
		return fmt.Errorf("entry %s exited: %w", s.name, s.waitErr)
	default:
		return nil
	}
}

// Stop sends SIGTERM to the entry's process group, then SIGKILL after a grace period.
func (s *server) Stop(ctx context.Context) error {
	s.stopped.Do(func() {
		s.stopErr = stopProcessGroup(ctx, s.cmd.Process.Pid, s.exited)
		s.rt.mu.Lock()
		delete(s.rt.servers, s)
		s.rt.mu.Unlock()
	})
	return s.stopErr
}

// stopProcessGroup ends the process group led by pid and waits for the
// leader and then every other process of the group to exit, so that the
// port and files they held are free when it returns: a shell that ran the
// server (a FrameworkBenchmarks test's CMD) exits first, and the server
// it started is still closing its sockets after the SIGKILL.
func stopProcessGroup(ctx context.Context, pid int, exited <-chan struct{}) error {
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	timer := time.NewTimer(backend.StopGrace)
	defer timer.Stop()
	select {
	case <-exited:
		_ = syscall.Kill(-pid, syscall.SIGKILL) // any child left in the group
		return waitGroupGone(pid)
	case <-timer.C:
	case <-ctx.Done():
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	select {
	case <-exited:
		return waitGroupGone(pid)
	case <-time.After(backend.StopGrace):
		return fmt.Errorf("process %d did not exit after SIGKILL", pid)
	}
}

// waitGroupGone waits, up to backend.StopGrace, until no process of group
// pgid runs any more.
func waitGroupGone(pgid int) error {
	for deadline := time.Now().Add(backend.StopGrace); groupAlive(pgid); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			return fmt.Errorf("process group %d still runs %s after SIGKILL", pgid, backend.StopGrace)
		}
	}
	return nil
}

// StartUsage implements backend.Server from /proc, over the entry's process
// and every process under it (a shell that forked the server, prefork
// children): CPU time from /proc/PID/stat, peak memory the sum of VmHWM in
// /proc/PID/status after resetting it (clear_refs 5). Linux only.
func (s *server) StartUsage(ctx context.Context) (backend.UsageProbe, error) {
	return startProcUsage(s.cmd.Process.Pid)
}

// RunLoad implements backend.Runtime by running wrk on this machine (on
// its partition's CPUs when there is one); wrk's CPU time is its rusage.
func (l *Runtime) RunLoad(ctx context.Context, run wrk.Run) (backend.Load, error) {
	load := backend.Load{CommandLine: run.CommandLine(), ClientCPUs: float64(runtime.NumCPU())}
	if l.wrkPath == "" {
		return load, errors.New("local runtime: RunLoad before Prepare(needLoad)")
	}
	if run.Pipeline > 0 {
		run.ScriptPath = l.script
	}
	err := l.runClient(ctx, append([]string{l.wrkPath}, run.Args()...), nil, &load)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("wrk: %w", err)
	}
	return load, err
}

// runClient runs a load generator's command line args on the client's CPUs
// (taskset when there is a partition), in a process group killed with ctx,
// and fills load's Output, ClientCPU (its rusage) and ClientCPUs. Its
// stderr goes to stderr, or into Output when stderr is nil. The error is
// ctx's when ctx ended.
func (l *Runtime) runClient(ctx context.Context, args []string, stderr io.Writer, load *backend.Load) error {
	if cpus := l.clientCPUs(); cpus != "" {
		args = append([]string{"taskset", "-c", cpus}, args...)
		load.ClientCPUs = float64(backend.Cores(cpus))
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.SysProcAttr = childProcAttr()
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if stderr == nil {
		cmd.Stderr = &out
	}
	err := cmd.Run()
	load.Output = out.String()
	if cmd.ProcessState != nil {
		cpu, kernel := cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime(), cmd.ProcessState.SystemTime()
		load.ClientCPU, load.ClientKernelCPU = &cpu, &kernel
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// Close implements backend.Runtime: it stops every server and database still
// running and removes the work directory.
func (l *Runtime) Close(ctx context.Context) error {
	l.mu.Lock()
	l.closed = true
	var servers []*server
	for s := range l.servers {
		servers = append(servers, s)
	}
	var dbs []*database
	for d := range l.dbs {
		dbs = append(dbs, d)
	}
	dir := l.workDir
	l.mu.Unlock()
	var errs []error
	for _, s := range servers {
		errs = append(errs, s.Stop(ctx))
	}
	for _, d := range dbs {
		errs = append(errs, d.Close(ctx))
	}
	if dir != "" {
		errs = append(errs, os.RemoveAll(dir))
	}
	return errors.Join(errs...)
}

// RunOpenLoop implements backend.Runtime: toolset/cmd/openloop, built into
// the work directory the first time, run on this machine (on the client's
// CPUs when there is a partition).
func (l *Runtime) RunOpenLoop(ctx context.Context, o openloop.Options) (backend.Load, error) {
	load := backend.Load{CommandLine: "openloop " + strings.Join(backend.OpenLoopArgs(o), " "), ClientCPUs: float64(runtime.NumCPU())}
	bin, err := l.openLoopBinary(ctx)
	if err != nil {
		return load, err
	}
	var stderr bytes.Buffer
	err = l.runClient(ctx, append([]string{bin}, backend.OpenLoopArgs(o)...), &stderr, &load)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("openloop: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return load, err
}

// openLoopBinary builds toolset/cmd/openloop into the work directory once.
func (l *Runtime) openLoopBinary(ctx context.Context) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.openLoop != "" {
		return l.openLoop, nil
	}
	if l.workDir == "" {
		return "", errors.New("local runtime: RunOpenLoop before Prepare")
	}
	bin := filepath.Join(l.workDir, "openloop")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./toolset/cmd/openloop")
	cmd.Dir = l.opts.RepoDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", backend.BuildError("go build ./toolset/cmd/openloop", err, string(out))
	}
	l.openLoop = bin
	return bin, nil
}
