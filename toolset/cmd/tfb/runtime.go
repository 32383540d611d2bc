package main

import (
	"context"
	"fmt"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/backend/docker"
	"github.com/go-tfb/suite/toolset/backend/local"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
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
	switch name {
	case "local":
		if hosts != (docker.Hosts{}) {
			return nil, base.Usagef("--server-host, --database-host and --client-host need --runtime docker")
		}
		if r.noBuild {
			return nil, base.Usagef("--no-build needs --runtime docker (the local runtime always builds, which Go's build cache makes quick)")
		}
		return local.New(local.Options{RepoDir: e.repoDir, Limits: limits, ServerPort: int(r.serverPort)}), nil
	case "docker":
		return docker.New(ctx, docker.Options{
			RepoDir: e.repoDir, Limits: limits, ServerPort: int(r.serverPort), Hosts: hosts, UseExistingImages: r.noBuild,
		})
	}
	return nil, base.Usagef("--runtime: unknown runtime %q (docker or local)", name)
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
