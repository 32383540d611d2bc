package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-tfb/suite/toolset/ceiling"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/results"
)

// newCeilingCommand is `tfb ceiling`. Its stdout is the table alone:
// remarks such as the runtime chosen go to stderr.
func newCeilingCommand() *entryCommand {
	e := newEntryCommand("ceiling", "measure /db and /fortunes against this machine's ceiling", ceilingHelp)
	e.cmd.StartsProcesses = true
	addTestFlag(&e.cmd.Flags, &e.sel)
	addExcludeFlag(&e.cmd.Flags, &e.sel)
	addDurationFlag(&e.cmd.Flags, &e.method)
	addRuntimeFlags(&e.cmd.Flags, &e.rt)
	addResultsDirFlag(&e.cmd.Flags, &e.out)
	addConfigFlags(&e.cmd.Flags, &e.conf)
	e.cmd.Run = e.ceiling
	return e
}

// ceilingOptions are ceiling.DefaultOptions with the duration from
// --duration only when it was given: benchmark's default (15 s) does not
// apply here. The benchmark-only flags are not among ceiling's, so the
// command line refuses them.
func ceilingOptions(m methodology) ceiling.Options {
	opts := ceiling.DefaultOptions()
	if m.duration.given {
		opts.Duration = time.Duration(m.duration.seconds) * time.Second
	}
	return opts
}

// ceiling measures how close each entry's /db and /fortunes come to the
// machine's ceiling, prints the table on stdout and writes ceiling.md and
// ceiling.json to DIR/<timestamp>/. An entry that could not be measured
// makes the exit status 1; low ratios do not.
func (e *entryCommand) ceiling(ctx context.Context, args []string) error {
	e.notes = e.cmd.Stderr()
	tests, _, err := e.selectEntries(args)
	if err != nil {
		return err
	}
	opts := ceilingOptions(e.method)
	rt, err := e.newRuntime(ctx)
	if err != nil {
		return err
	}
	defer e.closeRuntime(ctx, rt)
	res, measureErr := ceiling.Measure(ctx, rt, tests, opts, e.cmd.Stderr())
	if res == nil {
		return measureErr
	}
	failed := false
	for _, entry := range res.Entries {
		if entry.Error != "" {
			failed = true
		}
	}

	var md bytes.Buffer
	if err := res.WriteMarkdown(&md); err != nil {
		return err
	}
	if measureErr != nil {
		fmt.Fprintf(&md, "\ninterrupted: %d of %d entries measured\n", len(res.Entries), len(tests))
	}
	writeErr := e.writeCeiling(res, md.Bytes())
	e.cmd.Stdout().Write(md.Bytes())
	switch {
	case measureErr != nil:
		return measureErr
	case writeErr != nil:
		return writeErr
	case failed:
		return base.ErrAlreadyReported
	}
	return nil
}

// writeCeiling writes ceiling.md and ceiling.json to a new run directory
// under --results-dir, named by the measurement's start (UTC).
func (e *entryCommand) writeCeiling(res *ceiling.Result, md []byte) error {
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	dir, err := results.MakeRunDir(e.out.resultsDir, res.Start)
	if err != nil {
		return err
	}
	mdPath, jsonPath := filepath.Join(dir, "ceiling.md"), filepath.Join(dir, "ceiling.json")
	if err := os.WriteFile(mdPath, md, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(jsonPath, append(js, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.cmd.Stderr(), "Results: %s and %s\n", mdPath, jsonPath)
	return nil
}
