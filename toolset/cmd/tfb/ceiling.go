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
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
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
// machine's ceiling, prints the table on stdout and writes ceiling.md and
// ceiling.json to DIR/<timestamp>/. An entry that could not be measured
// makes the exit status 1; low ratios do not.
func (a *app) ceiling(ctx context.Context, tests []config.Test) error {
	opts := ceilingOptions(a.opts)
	rt, err := a.newRuntime(ctx)
	if err != nil {
		return err
	}
	defer a.closeRuntime(ctx, rt)
	res, measureErr := ceiling.Measure(ctx, rt, tests, opts, a.stderr)
	if res == nil {
		return measureErr
	}
	for _, e := range res.Entries {
		if e.Error != "" {
			a.failed = true
		}
	}

	var md bytes.Buffer
	if err := res.WriteMarkdown(&md); err != nil {
		return err
	}
	if measureErr != nil {
		fmt.Fprintf(&md, "\ninterrupted: %d of %d entries measured\n", len(res.Entries), len(tests))
	}
	writeErr := a.writeCeiling(res, md.Bytes())
	a.stdout.Write(md.Bytes())
	if measureErr != nil {
		return measureErr
	}
	return writeErr
}

// writeCeiling writes ceiling.md and ceiling.json to a new run directory
// under --results-dir, named by the measurement's start (UTC).
func (a *app) writeCeiling(res *ceiling.Result, md []byte) error {
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	dir, err := results.MakeRunDir(a.opts.resultsDir, res.Start)
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
	fmt.Fprintf(a.stderr, "Results: %s and %s\n", mdPath, jsonPath)
	return nil
}
