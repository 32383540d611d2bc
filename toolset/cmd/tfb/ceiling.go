package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/ceiling"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
)

// notForCeiling are the flags that mean nothing to ceiling, which measures
// /json, /db and /fortunes with fixed wrk and pgbench settings; giving one is
// a usage error rather than silently ignored.
var notForCeiling = []string{
	"type", "concurrency-levels", "pipeline-concurrency-levels", "query-levels",
	"cached-query-levels", "profile", "results-name", "results-environment",
	"repeat", "no-primer", "no-warmup", "sleep",
}

// ceilingOptions are ceiling.DefaultOptions with the duration from
// --duration only when it was given: benchmark's default (15 s) does not
// apply here.
func ceilingOptions(o options) (ceiling.Options, error) {
	for _, name := range notForCeiling {
		if o.set[name] {
			return ceiling.Options{}, fmt.Errorf("--%s does not apply to ceiling, which measures /json, /db and /fortunes with fixed settings", name)
		}
	}
	opts := ceiling.DefaultOptions()
	if o.set["duration"] {
		if o.duration < 1 {
			return ceiling.Options{}, fmt.Errorf("--duration must be at least 1 second, got %d", o.duration)
		}
		opts.Duration = time.Duration(o.duration) * time.Second
	}
	return opts, nil
}

// ceiling measures how close each entry's /db and /fortunes come to the
// machine's ceiling, prints the table on stdout and writes ceiling.md and
// ceiling.json to DIR/<timestamp>/. An entry that could not be measured
// makes the exit status 1; goals not met do not.
func (a *app) ceiling(ctx context.Context, tests []config.Test) error {
	opts, err := ceilingOptions(a.opts)
	if err != nil {
		return usageError{err}
	}
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
	if measureErr == nil {
		fmt.Fprintf(&md, "\n%s\n", goalsLine(res))
	} else {
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

// goalsLine says whether every entry reached both goals and, if not, which
// entry missed which goal by how much, or failed to measure.
func goalsLine(res *ceiling.Result) string {
	if res.Met() {
		return "goals met: yes"
	}
	var misses []string
	for _, e := range res.Entries {
		if e.Error != "" {
			first, _, _ := strings.Cut(e.Error, "\n")
			misses = append(misses, fmt.Sprintf("%s failed: %s", e.Name, first))
			continue
		}
		if r := e.DBRatio(); r < ceiling.DBGoal {
			misses = append(misses, fmt.Sprintf("%s /db %.3f < %.2f", e.Name, r, ceiling.DBGoal))
		}
		if r := e.FortuneRatio(); r < ceiling.FortuneGoal {
			misses = append(misses, fmt.Sprintf("%s /fortunes %.3f < %.2f", e.Name, r, ceiling.FortuneGoal))
		}
	}
	if len(misses) == 0 {
		misses = append(misses, "no entry measured")
	}
	return "goals met: no (" + strings.Join(misses, "; ") + ")"
}
