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
	"github.com/go-tfb/suite/toolset/report"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/summary"
	"github.com/go-tfb/suite/toolset/table"
)

// newCeilingCommand is `tfb ceiling`. Its stdout is the table alone:
// remarks such as the runtime chosen go to stderr.
func newCeilingCommand() *entryCommand {
	e := newEntryCommand("ceiling", "measure the entries against this machine's ceiling and nginx", ceilingHelp)
	e.cmd.StartsProcesses = true
	addTestFlag(&e.cmd.Flags, &e.sel)
	addExcludeFlag(&e.cmd.Flags, &e.sel)
	addTFBRepoFlag(&e.cmd.Flags, &e.sel)
	addDurationFlag(&e.cmd.Flags, &e.method)
	addRepeatFlag(&e.cmd.Flags, &e.method)
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
// machine's ceiling: pgbench's sweeps, then each entry's /json, /db and
// /fortunes through the benchmark runner into a results directory (with
// report.html), whose ceiling tables go to stdout as Markdown and to
// ceiling.md and ceiling.json beside results.json. An entry that could not
// be measured makes the exit status 1; low ratios do not.
func (e *entryCommand) ceiling(ctx context.Context, args []string) error {
	e.notes = e.cmd.Stderr()
	tests, _, err := e.selectEntries(ctx, args)
	if err != nil {
		return err
	}
	opts := ceilingOptions(e.method)
	rt, err := e.newRuntime(ctx)
	if err != nil {
		return err
	}
	defer e.closeRuntime(ctx, rt)
	if err := rt.Prepare(ctx, true); err != nil {
		return err
	}
	sweeps, err := ceiling.MeasureSweeps(ctx, rt, opts, e.cmd.Stderr())
	if err != nil {
		return err
	}
	tests = ceiling.Tests(tests)
	rec := recording{settings: opts.Settings(), types: runs.CeilingTypes, repeat: int(e.method.repeat), bench: true, progress: e.cmd.Stderr(),
		before: func(w *results.Writer) error { return w.SetCeiling(sweeps) }}
	_, w, _, runErr := e.record(ctx, rt, tests, rec)
	if w == nil {
		return runErr
	}
	run := runs.NewRun(w.File(), w.Document())
	tables, _ := summary.Ceiling(run)
	var md bytes.Buffer
	if err := table.WriteMarkdown(&md, tables); err != nil {
		return err
	}
	res, _ := ceiling.ResultOf(run, opts)
	failed := false
	for _, entry := range res.Entries {
		failed = failed || entry.Error != ""
	}
	if res.Reference != nil {
		failed = failed || res.Reference.Error != ""
	}
	if runErr != nil {
		fmt.Fprintf(&md, "\ninterrupted: %d of %d entries measured\n", measured(res), len(tests))
	}
	writeErr := e.writeCeiling(w.Dir(), res, md.Bytes())
	e.cmd.Stdout().Write(md.Bytes())
	switch {
	case runErr != nil:
		return runErr
	case writeErr != nil:
		return writeErr
	case failed:
		return base.ErrAlreadyReported
	}
	return nil
}

// measured counts the entries of a ceiling result, the reference server
// included, with a /json rate.
func measured(res ceiling.Result) int {
	n := 0
	if res.Reference != nil && res.Reference.JSON > 0 {
		n++
	}
	for _, e := range res.Entries {
		if e.JSON > 0 {
			n++
		}
	}
	return n
}

// writeCeiling writes ceiling.md and ceiling.json into the run's directory,
// beside results.json and report.html.
func (e *entryCommand) writeCeiling(dir string, res ceiling.Result, md []byte) error {
	js, err := json.MarshalIndent(res, "", "  ")
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
	fmt.Fprintf(e.cmd.Stderr(), "Results: %s and %s (report: %s)\n", mdPath, jsonPath, filepath.Join(dir, report.FileName))
	return nil
}
