package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/results"
)

// notCompared are the flags --resume lets differ from the run's: they say
// how tfb works, not what the run measures.
var notCompared = []string{"resume", "verbose", "config", "results-dir", "no-build"}

// takeUpRun opens the run --resume names and sets every flag of e to the
// run's: the methodology recorded in its results.json (duration, levels,
// repeats, runtime) and the rest from its recorded command line. A flag
// given on this command line with another value than the run's is a usage
// error naming both.
func (e *entryCommand) takeUpRun() (*results.Writer, error) {
	w, err := results.Open(e.resume)
	if err != nil {
		return nil, err
	}
	doc := w.Document()
	recorded := doc.Environment.CommandLine
	if len(recorded) < 2 || recorded[1] != "benchmark" {
		return nil, fmt.Errorf("resume %s: the run was not made by tfb benchmark (its command line: %q)", e.resume, strings.Join(recorded, " "))
	}
	run := newBenchmarkCommand()
	if _, err := run.cmd.Flags.Parse(recorded[2:]); err != nil {
		return nil, fmt.Errorf("resume %s: its recorded command line does not parse: %w", e.resume, err)
	}
	run.fromDocument(doc)
	for name, value := range e.cmd.Flags.Given() {
		if slices.Contains(notCompared, name) {
			continue
		}
		if was, _ := run.cmd.Flags.Value(name); value != was {
			return nil, base.Usagef("--resume: --%s %s differs from the run's %s (%s)", name, orNone(value), orNone(was), w.File())
		}
	}
	noBuild := e.rt.noBuild
	e.sel, e.method, e.in, e.rt = run.sel, run.method, run.in, run.rt
	e.rt.noBuild = noBuild
	return w, nil
}

// fromDocument sets the flags of the methodology that results.json records
// to its values.
func (e *entryCommand) fromDocument(doc results.Document) {
	e.method.duration = secondsValue{seconds: doc.Duration, given: true}
	e.method.concurrency.Values = doc.ConcurrencyLevels
	e.method.pipeline.Values = doc.PipelineConcurrency
	e.method.queryLevels.Values = doc.QueryIntervals
	e.method.cachedQueryLevel.Values = doc.CachedQueryIntervals
	e.method.repeat = countValue(max(doc.RepeatCount, 1))
	e.rt.runtime = doc.Environment.Runtime
}

// orNone is a flag's value as a message shows it.
func orNone(v string) string {
	if v == "" {
		return `""`
	}
	return v
}

// resumedNote is the line saying the run was taken up again.
func resumedNote(doc results.Document) string {
	n := len(doc.Environment.Resumed)
	if n == 0 {
		return ""
	}
	at := time.UnixMilli(doc.Environment.Resumed[n-1]).Format(time.DateTime)
	return fmt.Sprintf("Resuming the run of %s (resumed %d time(s), now at %s): measuring what it lacks.\n",
		time.UnixMilli(doc.StartTime).Format(time.DateTime), n, at)
}
