// Package backend is what a verification or benchmark run asks of a
// runtime — start the database, an entry's server and the load generator,
// measure the server's resource use, tear everything down again — and what
// the runtimes share. The runtimes themselves are packages of their own:
// toolset/backend/docker runs everything as Docker containers,
// toolset/backend/local as processes of this machine.
package backend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/openloop"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

// ReadyTimeout is how long an entry has to answer after it starts, as in TFB.
const ReadyTimeout = 60 * time.Second

// StopGrace is how long a stopped server gets to exit on its own (SIGTERM)
// before it is killed.
const StopGrace = 5 * time.Second

// Limits are the resource limits applied identically to every entry.
type Limits struct {
	// CPUSet lists the CPUs the entry may use, in cpuset syntax ("0-1", "0,2").
	CPUSet string
	// MemoryBytes caps the entry's memory; 0 means no limit.
	MemoryBytes int64
}

// Runtime runs entries, their database and the load generator.
type Runtime interface {
	// Name is "docker" or "local".
	Name() string
	// Prepare checks the runtime can work (engines reachable, wrk present)
	// and builds what every entry shares. needLoad says wrk will be used.
	Prepare(ctx context.Context, needLoad bool) error
	// Build compiles the entry (a binary or an image).
	Build(ctx context.Context, test config.Test, log io.Writer) error
	// StartDatabase starts a fresh database loaded with the fixture.
	StartDatabase(ctx context.Context) (Database, error)
	// StartServer starts the entry against db and waits until it answers
	// (ReadyTimeout at most). Its output goes to log.
	StartServer(ctx context.Context, test config.Test, db Database, log io.Writer) (Server, error)
	// RunLoad runs wrk on the client role and returns the command line it
	// ran, wrk's output and what wrk cost. A run with Pipeline > 0 gets the
	// pipelining script. On error the Load holds what is known.
	RunLoad(ctx context.Context, run wrk.Run) (Load, error)
	// RunOpenLoop runs the fixed-rate load of o (toolset/openloop) where
	// wrk runs, and returns its command line, its JSON result as Output and
	// its CPU time.
	RunOpenLoop(ctx context.Context, o openloop.Options) (Load, error)
	// ClientCores is the number of cores of the load generator's machine,
	// which sets wrk's thread counts.
	ClientCores() int
	// Describe says where the roles run and how usage is measured.
	Describe() Description
	// Close stops and removes everything the runtime started and still runs.
	Close(ctx context.Context) error
}

// WrkVersioner is a runtime that can say which wrk its load runs with.
type WrkVersioner interface {
	// WrkVersion runs `wrk -v` where the load runs and returns its version.
	WrkVersion(ctx context.Context) (string, error)
}

// BuildNoter is a runtime that builds some entries differently from how
// TFB would (the tests of a FrameworkBenchmarks tree without a registry, or
// on this machine's Go) and says how.
type BuildNoter interface {
	// BuildNotes says, one line each, what the last build of entry did
	// differently; nil when nothing.
	BuildNotes(entry string) []string
}

// Description is what a runtime tells about itself for the results'
// environment block.
type Description struct {
	// Name is "docker" or "local".
	Name string
	// ServerHost, DatabaseHost and ClientHost are the Docker endpoints of
	// the three roles; empty for the local runtime.
	ServerHost, DatabaseHost, ClientHost string
	// Engines are the roles' engines as each describes itself, by role;
	// nil for the local runtime.
	Engines map[string]results.EngineFacts
	// UsageNote says how the server's CPU time and peak memory are measured.
	UsageNote string
	// OneMachine is set when the three roles run on this machine, so that
	// its /proc/stat accounts for all of them and for anything else.
	OneMachine bool
	// Partition holds the CPUs each role runs on, when they are kept apart.
	Partition *results.Partition
}

// Load is one wrk run as the client role ran it.
type Load struct {
	// CommandLine is wrk's command line, as TFB's raw files show it.
	CommandLine string
	// Output is what wrk printed.
	Output string
	// ClientCPU is wrk's CPU time (user+system); nil when it could not be
	// read. ClientKernelCPU is the part of it spent in the kernel (system
	// time); nil when that could not be read.
	ClientCPU, ClientKernelCPU *time.Duration
	// ClientCPUs is how many CPUs' worth of time wrk could use: its
	// machine's cores, its partition's, or its container's CPU quota.
	ClientCPUs float64
}

// Database is a running hello_world database.
type Database interface {
	// URL is a postgres:// URL reachable from this process (for the verifier).
	URL() string
	// StartUsage begins measuring the CPU time of PostgreSQL's processes.
	StartUsage(ctx context.Context) (UsageProbe, error)
	// Close stops and removes the database.
	Close(ctx context.Context) error
}

// Server is a running entry.
type Server interface {
	// BaseURL is the entry's root URL as this process and the load
	// generator reach it, e.g. http://127.0.0.1:8080.
	BaseURL() string
	// StartUsage begins measuring the server's CPU time and peak memory.
	StartUsage(ctx context.Context) (UsageProbe, error)
	// Profile fetches /debug/pprof/PATH (such as "profile?seconds=5" or
	// "heap") from the entry's profile server, which it runs when the
	// runtime was made with Profiling; ErrNoProfiles otherwise.
	Profile(ctx context.Context, path string) ([]byte, error)
	// Stop stops and removes the server.
	Stop(ctx context.Context) error
}

// Exiter is a server that can tell whether it has exited on its own, as an
// entry killed or crashed during its load has.
type Exiter interface {
	// Exited is nil while the server runs, and says how it ended once it
	// has exited (before Stop).
	Exited() error
}

// Checker is a runtime that can tell whether what it runs on still answers:
// the runner asks after something failed, and stops the run when it does
// not, rather than failing every entry left the same way.
type Checker interface {
	// Check returns nil while the runtime can run entries, else a
	// *LostError naming what stopped answering.
	Check(ctx context.Context) error
}

// LostError says that a part a runtime needs stopped answering during a
// run, such as the Docker engine of a role: nothing more can run there.
type LostError struct {
	// What names the part and where it is ("docker engine
	// unix:///var/run/docker.sock").
	What string
	// Err is how it failed to answer.
	Err error
}

// Error implements error: "docker engine unix:///var/run/docker.sock
// stopped answering: ...".
func (e *LostError) Error() string { return e.What + " stopped answering: " + e.Err.Error() }

// Unwrap returns how the part failed to answer.
func (e *LostError) Unwrap() error { return e.Err }

// IsLost reports whether err is or wraps a *LostError.
func IsLost(err error) bool {
	var lost *LostError
	return errors.As(err, &lost)
}

// UsageProbe measures a server or a database between StartUsage and
// Finish.
type UsageProbe interface {
	// Finish ends the measurement and returns what was used since
	// StartUsage.
	Finish(ctx context.Context) (Usage, error)
}

// Usage is what a server or a database consumed during one measured period.
type Usage struct {
	CPU time.Duration // user + system CPU time
	// KernelCPU is the part of CPU spent in the kernel (system time):
	// system calls and the network stack run on the role's behalf.
	KernelCPU time.Duration
	// PeakMemory is the peak resident memory (local) or peak cgroup usage
	// (docker) in bytes; 0 when not measured (a database).
	PeakMemory int64
}

// Profiling asks a runtime to start every entry with its profile server
// (TFB_PPROF_ADDR on a loopback port of the entry's machine).
type Profiling struct {
	// Contention makes the entry sample mutex and block profiles
	// (TFB_PPROF_CONTENTION=1).
	Contention bool
}

// Env is the entry's environment for profiling on addr.
func (p Profiling) Env(addr string) []string {
	env := []string{"TFB_PPROF_ADDR=" + addr}
	if p.Contention {
		env = append(env, "TFB_PPROF_CONTENTION=1")
	}
	return env
}

// ErrNoProfiles is returned by Server.Profile when the entry was started
// without its profile server.
var ErrNoProfiles = errors.New("the entry serves no profiles: it was started without profiling")

// FetchProfile gets /debug/pprof/PATH from the profile server at base
// (http://HOST:PORT), for the runtimes that reach it directly. A CPU or
// delta profile answers after its seconds.
func FetchProfile(ctx context.Context, base, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/debug/pprof/"+path, nil)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("profile %s: %s: %s", path, resp.Status, bytes.TrimSpace(body[:min(len(body), 200)]))
	}
	return body, nil
}

// ErrPortInUse is wrapped by errors about a port the entry needs being taken.
var ErrPortInUse = errors.New("port in use")

// PortReleaseWait is how long CheckPortFree waits for a port that nothing
// listens on but closed connections still hold: Linux keeps a connection
// its server closed first in TIME_WAIT for 60 s, and while it does, a
// listener on its port cannot bind if the server that accepted it did not
// set SO_REUSEADDR (several FrameworkBenchmarks servers do not).
const PortReleaseWait = 65 * time.Second

// CheckPortFree returns an error naming the port when something on this
// machine already listens on it. When nothing listens but the port cannot
// be bound yet, the connections of a server stopped just before hold it:
// it waits, up to PortReleaseWait, for the kernel to release them, and
// says so in the log.
func CheckPortFree(ctx context.Context, port int, who string) error {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(PortReleaseWait)
	logged := false
	for {
		l, err := net.Listen("tcp", addr)
		if err == nil {
			return l.Close()
		}
		taken := fmt.Errorf("%w: port %d, which %s listens on, is already taken by another process (stop it, or pass --server-port)", ErrPortInUse, port, who)
		if !errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%w: %w", taken, err)
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return taken // a server answers there
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: port %d, which %s listens on, cannot be bound though nothing listens on it, after waiting %s for closed connections to release it", ErrPortInUse, port, who, PortReleaseWait)
		}
		if !logged {
			slog.Info("waiting for the port to be released by closed connections (TCP's TIME_WAIT, up to 60 s)", "port", port, "for", who)
			logged = true
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for port %d to be released: %w", port, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// ReadyURL is the path polled to decide an entry is up: the URL of its first
// database test type when it has one, since entries answer json and
// plaintext before their database is reached, else its first declared test
// URL. Query-style URLs get a count appended.
func ReadyURL(test config.Test) string {
	types := test.Types()
	for _, tt := range types {
		if tt != config.JSON && tt != config.Plaintext {
			types = []config.TestType{tt}
			break
		}
	}
	for _, tt := range types {
		u := test.URL(tt)
		if tt.TakesCount() {
			u += "1"
		}
		return u
	}
	return "/"
}

// OpenLoopArgs are the openloop command's arguments for o.
func OpenLoopArgs(o openloop.Options) []string {
	args := []string{"-url", o.URL, "-rate", strconv.FormatFloat(o.Rate, 'f', -1, 64), "-duration", o.Duration.String(),
		"-connections", strconv.Itoa(o.Connections), "-timeout", o.Timeout.String()}
	if o.Accept != "" {
		args = append(args, "-accept", o.Accept)
	}
	if o.Host != "" {
		args = append(args, "-host", o.Host)
	}
	return args
}
