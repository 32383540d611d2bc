package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/backend/docker"
	"github.com/go-tfb/suite/toolset/backend/local"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/results"
)

// cleanupTime bounds the removal of what a run started, once it is stopped.
const cleanupTime = 2 * time.Minute

// newRuntime picks the runtime: --runtime, else docker when an engine answers, else local.
func (e *entryCommand) newRuntime(ctx context.Context) (backend.Runtime, error) {
	limits, err := e.limits()
	if err != nil {
		return nil, err
	}
	r := e.rt
	name := r.runtime
	hosts := docker.Hosts{Server: string(r.serverHost), Database: string(r.databaseHost), Client: string(r.clientHost)}
	if name == "" {
		name = "local"
		if docker.Reachable(ctx, hosts) == nil {
			name = "docker"
		}
		fmt.Fprintf(e.notesTo(), "Runtime: %s (choose with --runtime docker|local)\n", name)
	}
	if name != "local" && name != "docker" {
		return nil, base.Usagef("--runtime: unknown runtime %q (docker or local)", name)
	}
	partition, err := e.partition(hosts != (docker.Hosts{}))
	if err != nil {
		return nil, err
	}
	switch name {
	case "local":
		if hosts != (docker.Hosts{}) {
			return nil, base.Usagef("--server-host, --database-host and --client-host need --runtime docker")
		}
		if r.clientCPUs > 0 {
			return nil, base.Usagef("--client-cpus needs --runtime docker (a container's CPU quota)")
		}
		if r.noBuild {
			return nil, base.Usagef("--no-build needs --runtime docker (the local runtime always builds, which Go's build cache makes quick)")
		}
		return local.New(local.Options{RepoDir: e.repoDir, Limits: limits, ServerPort: int(r.serverPort), Partition: partition,
			Profiling: e.profiling()}), nil
	case "docker":
		return docker.New(ctx, docker.Options{
			RepoDir: e.repoDir, Limits: limits, ServerPort: int(r.serverPort), Hosts: hosts, UseExistingImages: r.noBuild,
			Partition: partition, ClientCPUs: float64(r.clientCPUs), Profiling: e.profiling(),
		})
	}
	return nil, base.Usagef("--runtime: unknown runtime %q (docker or local)", name)
}

// partition is the roles' CPUs as --partition asks on this machine's cores:
// nil for none. Unset, it is auto on MinPartitionCores or more and none
// below, saying so; on several engines (apart) each role has a machine of
// its own and nothing is partitioned.
func (e *entryCommand) partition(apart bool) (*results.Partition, error) {
	mode, cores := string(e.rt.partition), runtime.NumCPU()
	switch {
	case apart && mode == "auto":
		return nil, base.Usagef("--partition auto: the roles are on the engines --server-host, --database-host and --client-host name; each has its machine")
	case apart:
		e.partitionNote = "not partitioned: the roles run on engines of their own"
		return nil, nil
	case mode == "none":
		e.partitionNote = "not partitioned (--partition none): the entry, PostgreSQL and wrk share every core"
		return nil, nil
	case mode == "" && cores < backend.MinPartitionCores:
		e.partitionNote = fmt.Sprintf("not partitioned: the entry, PostgreSQL and wrk share this machine's %d cores (a partition needs %d)", cores, backend.MinPartitionCores)
		fmt.Fprintf(e.notesTo(), "Roles share this machine's %d cores (partitioning needs %d; see --partition)\n", cores, backend.MinPartitionCores)
		return nil, nil
	}
	p, err := backend.AutoPartition(cores)
	if err != nil {
		return nil, base.Usagef("--partition auto: %w", err)
	}
	if e.rt.cpuset != "" {
		if _, err := backend.ParseCPUList(e.rt.cpuset); err != nil {
			return nil, base.Usagef("--cpuset: %w", err)
		}
		p.Server = e.rt.cpuset
	}
	fmt.Fprintf(e.notesTo(), "Partition: entry on CPUs %s, PostgreSQL on %s, wrk on %s (--partition none shares them)\n", p.Server, p.Database, p.Client)
	return &p, nil
}

// profiling is the runtime's profiling when --pprof asks for profiles.
func (e *entryCommand) profiling() *backend.Profiling {
	p := e.profiles()
	if len(p.Kinds) == 0 {
		return nil
	}
	return &backend.Profiling{Contention: p.NeedsContention()}
}

// limits are the CPUs and memory --cpuset and --memory give every entry.
func (e *entryCommand) limits() (backend.Limits, error) {
	mem, err := parseBytes(string(e.rt.memory))
	if err != nil {
		return backend.Limits{}, base.Usagef("--memory: %w", err)
	}
	return backend.Limits{CPUSet: e.rt.cpuset, MemoryBytes: mem}, nil
}

// closeRuntime removes what rt started, within cleanupTime even when the
// run was stopped; a failure to is said on stderr.
func (e *entryCommand) closeRuntime(ctx context.Context, rt backend.Runtime) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTime)
	defer cancel()
	if err := rt.Close(cctx); err != nil {
		fmt.Fprintf(e.cmd.Stderr(), "tfb: cleanup: %v\n", err)
	}
}
