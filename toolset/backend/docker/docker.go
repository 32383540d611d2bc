// Package docker is the docker runtime of tfb: it runs the database, each
// entry and wrk as containers with host networking, each role on a Docker
// engine of its own if asked (TFB's three machines), through the toolset's
// Docker library (toolset/docker). Containers carry owner labels, so that
// the next run removes what a killed one left.
package docker

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	dockerlib "github.com/go-tfb/suite/toolset/docker"
	"github.com/go-tfb/suite/toolset/nginx"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

//go:embed wrk.Dockerfile
var wrkDockerfile []byte

// Options configure the docker runtime.
type Options struct {
	// RepoDir is the repository root holding db/ and frameworks/.
	RepoDir string
	// Limits apply to every entry's container.
	Limits backend.Limits
	// ServerPort, when non-zero, replaces every entry's configured port.
	ServerPort int
	// Hosts are the engines of the three roles; empty ones are the default
	// engine.
	Hosts Hosts
	// UseExistingImages skips the image builds and uses the images already
	// on the engines (an error names any that is missing).
	UseExistingImages bool
	// Partition, when set, gives the database, the entries and wrk CPU sets
	// of their own (--cpuset-cpus); Limits.CPUSet overrides the entries'.
	Partition *results.Partition
	// Profiling, when set, starts every entry of this suite with its
	// profile server on a loopback port of the server's machine.
	Profiling *backend.Profiling
	// ClientCPUs, when positive, caps wrk's container at that many CPUs'
	// worth of time (--cpus), a weaker load generator than its machine.
	ClientCPUs float64
}

// Runtime runs the database, the entries and wrk as containers with host
// networking, each role on its own engine if asked. On one machine everything
// listens on 127.0.0.1 only; when roles live on other machines, the database
// and the entries listen on the address the other roles reach them at and
// the database admits only the machines that use it. It implements
// backend.Runtime.
type Runtime struct {
	opts                     Options
	server, database, client *engine
	clientCores              int
	facts                    map[string]results.EngineFacts // by role

	sourceOnce sync.Once
	source     *engine // this machine's engine, when it answers
	ownSource  bool    // source is none of the roles' engines: Close closes it

	openLoopMu    sync.Mutex // held while the openloop image is built
	openLoopBuilt bool       // the openloop image is on the client engine

	mu           sync.Mutex
	containers   map[string]*engine  // id -> engine, for Close
	vendoredFrom []byte              // go.mod+go.sum when .docker-vendor was last refreshed
	tfbNotes     map[string][]string // per test of a FrameworkBenchmarks tree, its build's substitutions
}

// New connects to the engines of the three roles.
func New(ctx context.Context, opts Options) (*Runtime, error) {
	d := &Runtime{opts: opts, containers: map[string]*engine{}}
	// Roles on one endpoint share its engine, so that what one learns of
	// it (that it stopped answering) holds for all.
	byEndpoint := map[string]*engine{}
	for _, role := range []struct {
		host string
		e    **engine
	}{{opts.Hosts.Server, &d.server}, {opts.Hosts.Database, &d.database}, {opts.Hosts.Client, &d.client}} {
		if e := byEndpoint[dockerlib.Endpoint(role.host)]; e != nil {
			*role.e = e
			continue
		}
		e, err := newEngine(ctx, role.host)
		if err != nil {
			for _, open := range byEndpoint {
				open.close()
			}
			return nil, err
		}
		byEndpoint[e.endpoint], *role.e = e, e
	}
	d.facts = map[string]results.EngineFacts{}
	factsOf := map[string]results.EngineFacts{} // roles sharing an engine ask it once
	for role, e := range map[string]*engine{"server": d.server, "database": d.database, "client": d.client} {
		facts, ok := factsOf[e.endpoint]
		if !ok {
			info, err := e.cli.Info(ctx, client.InfoOptions{})
			if err != nil {
				for _, open := range byEndpoint {
					open.close()
				}
				return nil, fmt.Errorf("docker info on the %s engine (%s): %w", role, e.endpoint, err)
			}
			facts = results.EngineFacts{
				Endpoint: e.endpoint, Name: info.Info.Name, Cores: info.Info.NCPU, MemoryBytes: info.Info.MemTotal,
				Kernel: info.Info.KernelVersion, OS: info.Info.OperatingSystem, DockerVersion: info.Info.ServerVersion,
			}
			factsOf[e.endpoint] = facts
		}
		d.facts[role] = facts
	}
	d.clientCores = max(1, d.facts["client"].Cores)
	return d, nil
}

// Name implements backend.Runtime.
func (d *Runtime) Name() string { return "docker" }

// ClientCores implements backend.Runtime: the client engine's CPU count.
func (d *Runtime) ClientCores() int { return d.clientCores }

// Describe implements backend.Runtime.
func (d *Runtime) Describe() backend.Description {
	return backend.Description{
		Name:         d.Name(),
		ServerHost:   d.server.endpoint,
		DatabaseHost: d.database.endpoint,
		ClientHost:   d.client.endpoint,
		Engines:      d.facts,
		UsageNote: "docker runtime: serverCpuSeconds and databaseCpuSeconds from the containers' CPU usage, serverPeakMemoryBytes the highest memory usage (less inactive file cache) in its stats stream, " +
			"clientCpuSeconds from what wrk's container reads of its shell's waited-for children, otherCpuSeconds from this machine's /proc/stat less the three when every engine is local",
		OneMachine: d.server.local && d.database.local && d.client.local,
		Partition:  d.opts.Partition,
	}
}

// partition is the roles' CPU sets; the zero Partition leaves them free.
func (d *Runtime) partition() results.Partition {
	if d.opts.Partition == nil {
		return results.Partition{}
	}
	return *d.opts.Partition
}

// Prepare implements backend.Runtime: it removes what a killed earlier run
// left, and builds the database image, and the wrk image when load will be
// generated.
func (d *Runtime) Prepare(ctx context.Context, needLoad bool) error {
	for _, e := range d.engines() {
		dockerlib.Reap(ctx, e.cli)
	}
	if d.opts.UseExistingImages {
		if err := dockerlib.RequireImage(ctx, d.database.cli, dockerlib.DatabaseImage); err != nil {
			return err
		}
		if needLoad {
			return dockerlib.RequireImage(ctx, d.client.cli, dockerlib.WrkImage)
		}
		return nil
	}
	if err := d.refreshVendor(ctx); err != nil {
		return err
	}
	var log bytes.Buffer
	if err := d.build(ctx, d.database, dockerlib.DatabaseBuild(), &log); err != nil {
		return fmt.Errorf("build the database image from db/Dockerfile: %w\n%s", err, dockerlib.Tail(log.String(), 20))
	}
	if needLoad {
		log.Reset()
		wrkBuild := dockerlib.Build{
			Files:      map[string][]byte{"Dockerfile": wrkDockerfile, wrk.PipelineScriptName: []byte(wrk.PipelineScript)},
			Dockerfile: "Dockerfile",
			Image:      dockerlib.WrkImage,
		}
		if err := d.build(ctx, d.client, wrkBuild, &log); err != nil {
			return fmt.Errorf("build the wrk image (Debian's wrk package): %w\n%s", err, dockerlib.Tail(log.String(), 20))
		}
		// Profiles of an entry on another machine are fetched there, by
		// curl in the same image.
		if d.opts.Profiling != nil && !d.server.local && d.server.endpoint != d.client.endpoint {
			log.Reset()
			if err := d.build(ctx, d.server, wrkBuild, &log); err != nil {
				return fmt.Errorf("build the wrk image on the server engine, for profiles: %w\n%s", err, dockerlib.Tail(log.String(), 20))
			}
		}
	}
	return nil
}

// Build implements backend.Runtime by building frameworks/Dockerfile with
// ENTRY set. When the entry does not compile, the error shows the compiler's
// first messages.
func (d *Runtime) Build(ctx context.Context, test config.Test, log io.Writer) error {
	if test.FromTFB() {
		return d.buildTFB(ctx, test, log)
	}
	if d.opts.UseExistingImages {
		return dockerlib.RequireImage(ctx, d.server.cli, dockerlib.EntryImage(test.Name))
	}
	if test.Reference {
		var out bytes.Buffer
		if err := d.build(ctx, d.server, dockerlib.ReferenceBuild(test.Name, nginx.BuildFiles()), io.MultiWriter(log, &out)); err != nil {
			return backend.BuildError("docker build of the reference server "+test.Name, err, out.String())
		}
		return nil
	}
	if err := d.refreshVendor(ctx); err != nil {
		return err
	}
	var out bytes.Buffer
	err := d.build(ctx, d.server, dockerlib.EntryBuild(test.Name), io.MultiWriter(log, &out))
	if err != nil {
		return backend.BuildError(fmt.Sprintf("docker build -f frameworks/Dockerfile --build-arg ENTRY=%s", test.Name), err, out.String())
	}
	return nil
}

// build builds b on e, as the docker CLI would there (with the proxies its
// configuration names for e), after giving e the base images it lacks from
// this machine's engine: there may be no registry to pull them from.
func (d *Runtime) build(ctx context.Context, e *engine, b dockerlib.Build, log io.Writer) error {
	b, err := dockerlib.WithProxies(b, e.endpoint)
	if err != nil {
		return err
	}
	if source := d.imageSource(ctx); source != nil && source.endpoint != e.endpoint {
		bases, err := dockerlib.BaseImages(d.opts.RepoDir, b)
		if err != nil {
			return err
		}
		if err := dockerlib.CopyMissingImages(ctx, source.cli, e.cli, e.endpoint, bases); err != nil {
			return err
		}
	}
	return dockerlib.BuildImage(ctx, e.cli, d.opts.RepoDir, b, log)
}

// imageSource is this machine's own engine, where .ci/docker-setup puts the
// base images, when one answers; nil otherwise.
func (d *Runtime) imageSource(ctx context.Context) *engine {
	d.sourceOnce.Do(func() {
		for _, e := range d.engines() {
			if e.endpoint == dockerlib.DefaultEndpoint {
				d.source = e
				return
			}
		}
		if e, err := newEngine(ctx, dockerlib.DefaultEndpoint); err == nil {
			d.source = e
			d.ownSource = true
		}
	})
	return d.source
}

// refreshVendor re-vendors when go.mod or go.sum changed since the last
// time (or on first use), so a long run survives module changes.
func (d *Runtime) refreshVendor(ctx context.Context) error {
	sums := moduleFiles(d.opts.RepoDir)
	d.mu.Lock()
	same := d.vendoredFrom != nil && bytes.Equal(d.vendoredFrom, sums)
	d.mu.Unlock()
	if same {
		return nil
	}
	if err := dockerlib.Vendor(ctx, d.opts.RepoDir); err != nil {
		return err
	}
	d.mu.Lock()
	d.vendoredFrom = sums
	d.mu.Unlock()
	return nil
}

// engineReturnWait is how long Close waits for an engine that stopped
// answering to answer again (a restarted engine), to remove what the run
// left on it.
const engineReturnWait = 20 * time.Second

// Close implements backend.Runtime: it force-removes every container still
// tracked. On an engine that stopped answering it waits engineReturnWait
// for the engine to answer again; if it does not, one error per engine says
// how many containers are left there, which the next command's Prepare
// removes (Reap: their owner no longer runs).
func (d *Runtime) Close(ctx context.Context) error {
	d.mu.Lock()
	byEngine := map[*engine][]string{}
	for id, e := range d.containers {
		byEngine[e] = append(byEngine[e], id)
	}
	d.mu.Unlock()
	var errs []error
	for _, e := range d.engines() {
		if ids := byEngine[e]; len(ids) > 0 {
			errs = append(errs, d.removeAll(ctx, e, ids))
		}
	}
	for _, e := range d.engines() {
		e.close()
	}
	if d.ownSource {
		d.source.close()
	}
	return errors.Join(errs...)
}

// removeAll removes the containers ids of engine e, waiting for e to answer
// again when it does not.
func (d *Runtime) removeAll(ctx context.Context, e *engine, ids []string) error {
	var errs []error
	left := func(n int) error {
		return fmt.Errorf("docker engine %s stopped answering: %d containers this run started are left on it (labelled %s=%d); the next tfb command removes them once the engine answers",
			e.endpoint, n, dockerlib.LabelOwnerPID, os.Getpid())
	}
	for i, id := range ids {
		if e.lost.Load() && !d.awaitEngine(ctx, e, len(ids)-i) {
			return errors.Join(append(errs, left(len(ids)-i))...)
		}
		err := d.remove(ctx, id)
		if err != nil && e.check(ctx) != nil { // the engine went meanwhile
			if !d.awaitEngine(ctx, e, len(ids)-i) {
				return errors.Join(append(errs, left(len(ids)-i))...)
			}
			err = d.remove(ctx, id)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// awaitEngine waits up to engineReturnWait for e to answer again, and
// reports whether it does.
func (d *Runtime) awaitEngine(ctx context.Context, e *engine, left int) bool {
	slog.Info("waiting for the docker engine to answer again, to remove what the run left there", "engine", e.endpoint, "containers", left, "at most", engineReturnWait)
	ctx, cancel := context.WithTimeout(ctx, engineReturnWait)
	defer cancel()
	for {
		if err := e.check(ctx); err == nil && ctx.Err() == nil {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(500 * time.Millisecond):
		}
	}
}
