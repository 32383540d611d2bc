package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/config"
)

// newDebugCommand is `tfb debug`.
func newDebugCommand() *entryCommand {
	e := newEntryCommand("debug", "start one entry and its database and keep them up until Ctrl-C", debugHelp)
	e.cmd.StartsProcesses = true
	addTestFlag(&e.cmd.Flags, &e.sel)
	addTFBRepoFlag(&e.cmd.Flags, &e.sel)
	addRuntimeFlags(&e.cmd.Flags, &e.rt)
	addConfigFlags(&e.cmd.Flags, &e.conf)
	e.cmd.Run = e.debug
	return e
}

// debug starts the one entry selected and its database and keeps them up
// until interrupted.
func (e *entryCommand) debug(ctx context.Context, args []string) error {
	tests, _, err := e.selectEntries(ctx, args)
	if err != nil {
		return err
	}
	if len(tests) != 1 {
		return base.Usagef("debug runs one entry: name it with --test (entries: %s)", strings.Join(config.Names(tests), ", "))
	}
	test := tests[0]
	rt, err := e.newRuntime(ctx)
	if err != nil {
		return err
	}
	defer e.closeRuntime(ctx, rt)
	if err := rt.Prepare(ctx, false); err != nil {
		return err
	}
	stdout := e.cmd.Stdout()
	fmt.Fprintf(stdout, "building %s...\n", test.Name)
	if err := rt.Build(ctx, test, os.Stderr); err != nil {
		return err
	}
	started, err := backend.Start(ctx, rt, test, os.Stderr, nil)
	if err != nil {
		return err
	}
	defer started.Stop(context.WithoutCancel(ctx))
	server, db := started.Server, started.DB
	fmt.Fprintf(stdout, "\n%s is up on the %s runtime.\nDATABASE_URL=%s\n", test.Name, rt.Name(), db.URL())
	for _, tt := range test.Types() {
		u := test.URL(tt)
		if tt.TakesCount() {
			u += "20"
		}
		fmt.Fprintf(stdout, "  %-13s %s%s\n", tt, server.BaseURL(), u)
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop and remove everything.")
	start := time.Now()
	<-ctx.Done()
	fmt.Fprintf(stdout, "was up for %s\n", time.Since(start).Round(time.Second))
	return nil
}
