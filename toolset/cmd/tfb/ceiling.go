package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-tfb/suite/toolset/ceiling"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/report"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/summary"
	"github.com/go-tfb/suite/toolset/table"
)

// ceilingOptions are ceiling.DefaultOptions with the duration from
// --duration only when it was given: benchmark's default (15 s) does not
// apply here. The benchmark-only flags are not among ceiling's, so the
// command line refuses them.
func ceilingOptions(o options) ceiling.Options {
	opts := ceiling.DefaultOptions()
	if o.set["duration"] {
		opts.Duration = time.Duration(o.duration) * time.Second
	}
	return opts
}

// ceiling measures how close each entry's /db and /fortunes come to the
// machine's ceiling: pgbench's sweeps, then each entry's /json, /db and
// /fortunes through the benchmark runner into a results directory (with
// report.html), whose ceiling tables go to stdout as Markdown and to
// ceiling.md and ceiling.json beside results.json. An entry that could not
// be measured makes the exit status 1; low ratios do not.
func (a *app) ceiling(ctx context.Context, tests []config.Test) error {
	opts := ceilingOptions(a.opts)
	rt, err := a.newRuntime(ctx)
	if err != nil {
		return err
	}
	defer a.closeRuntime(ctx, rt)
	if err := rt.Prepare(ctx, true); err != nil {
		return err
	}
	sweeps, err := ceiling.MeasureSweeps(ctx, rt, opts, a.stderr)
	if err != nil {
		return err
	}
	rec := recording{settings: opts.Settings(), types: runs.CeilingTypes, bench: true, progress: a.stderr,
		before: func(w *results.Writer) error { return w.SetCeiling(sweeps) }}
	_, w, _, runErr := a.record(ctx, rt, tests, rec)
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
	for _, e := range res.Entries {
		if e.Error != "" {
			a.failed = true
		}
	}
	if runErr != nil {
		fmt.Fprintf(&md, "\ninterrupted: %d of %d entries measured\n", measured(res), len(tests))
	}
	writeErr := a.writeCeiling(w.Dir(), res, md.Bytes())
	a.stdout.Write(md.Bytes())
	return errors.Join(runErr, writeErr)
}

// measured counts the entries of a ceiling result with a /json rate.
func measured(res ceiling.Result) int {
	n := 0
	for _, e := range res.Entries {
		if e.JSON > 0 {
			n++
		}
	}
	return n
}

// writeCeiling writes ceiling.md and ceiling.json into the run's directory,
// beside results.json and report.html.
func (a *app) writeCeiling(dir string, res ceiling.Result, md []byte) error {
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
	fmt.Fprintf(a.stderr, "Results: %s and %s (report: %s)\n", mdPath, jsonPath, filepath.Join(dir, report.FileName))
	return nil
}
