package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/backend/docker"
	"github.com/go-tfb/suite/toolset/backend/local"
	"github.com/go-tfb/suite/toolset/config"
)

// newRuntime picks the runtime: --runtime, else docker when an engine answers, else local.
func (a *app) newRuntime(ctx context.Context) (backend.Runtime, error) {
	limits, err := a.limits()
	if err != nil {
		return nil, err
	}
	name := a.opts.runtime
	hosts := docker.Hosts{Server: a.opts.serverHost, Database: a.opts.databaseHost, Client: a.opts.clientHost}
	if name == "" {
		name = "local"
		if docker.Reachable(ctx, hosts) == nil {
			name = "docker"
		}
		fmt.Fprintf(a.notes, "Runtime: %s (choose with --runtime docker|local)\n", name)
	}
	switch name {
	case "local":
		if hosts != (docker.Hosts{}) {
			return nil, usageError{fmt.Errorf("--server-host, --database-host and --client-host need --runtime docker")}
		}
		if a.opts.noBuild {
			return nil, usageError{fmt.Errorf("--no-build needs --runtime docker (the local runtime always builds, which Go's build cache makes quick)")}
		}
		return local.New(local.Options{RepoDir: a.repoDir, Limits: limits, ServerPort: a.opts.serverPort}), nil
	case "docker":
		return docker.New(ctx, docker.Options{
			RepoDir: a.repoDir, Limits: limits, ServerPort: a.opts.serverPort, Hosts: hosts, UseExistingImages: a.opts.noBuild,
		})
	}
	return nil, usageError{fmt.Errorf("--runtime: unknown runtime %q (docker or local)", name)}
}

// debug starts one entry and its database and keeps them up until interrupted.
func (a *app) debug(ctx context.Context, test config.Test) error {
	rt, err := a.newRuntime(ctx)
	if err != nil {
		return err
	}
	defer a.closeRuntime(ctx, rt)
	if err := rt.Prepare(ctx, false); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "building %s...\n", test.Name)
	if err := rt.Build(ctx, test, os.Stderr); err != nil {
		return err
	}
	started, err := backend.Start(ctx, rt, test, os.Stderr, nil)
	if err != nil {
		return err
	}
	defer started.Stop(context.WithoutCancel(ctx))
	server, db := started.Server, started.DB
	fmt.Fprintf(a.stdout, "\n%s is up on the %s runtime.\nDATABASE_URL=%s\n", test.Name, rt.Name(), db.URL())
	for _, tt := range test.Types() {
		u := test.URL(tt)
		if tt.TakesCount() {
			u += "20"
		}
		fmt.Fprintf(a.stdout, "  %-13s %s%s\n", tt, server.BaseURL(), u)
	}
	fmt.Fprintln(a.stdout, "Press Ctrl-C to stop and remove everything.")
	start := time.Now()
	<-ctx.Done()
	fmt.Fprintf(a.stdout, "was up for %s\n", time.Since(start).Round(time.Second))
	return nil
}
