package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/report"
	"github.com/go-tfb/suite/toolset/runs"
)

// newReportCommand is `tfb report`.
func newReportCommand() *base.Command {
	c := &base.Command{
		Name:   "report",
		Short:  "write one self-contained HTML page of one or more benchmark runs",
		Long:   reportLong,
		More:   reportMore,
		Layout: base.Layout{Column: 22, Width: 92},
	}
	f := &reportFlags{}
	addReportFlags(&c.Flags, f)
	// Runs and flags may come in any order.
	c.Run = func(ctx context.Context, paths []string) error { return runReport(ctx, c.Stdout(), f, paths) }
	return c
}

// reportFlags are the flags of tfb report.
type reportFlags struct {
	output    string
	noRound20 bool
}

// addReportFlags adds -o, --output, --no-round20 and a documented -h.
func addReportFlags(fs *base.FlagSet, f *reportFlags) {
	g := fs.Group(headingFlags)
	g.StringVar(&f.output, "output", "FILE", "where to write the page (default: report.html in the run's directory for one run, ./report.html for several)")
	g.Alias("o", "output")
	g.BoolVar(&f.noRound20, "no-round20", "leave out the Round 20 section")
	g.HelpVar("show this text")
}

// runReport writes the page of the runs at paths and prints where.
func runReport(ctx context.Context, stdout io.Writer, f *reportFlags, paths []string) error {
	if len(paths) == 0 {
		return base.Usagef("no run given (usage: tfb report RUN... [-o FILE], RUN being a results directory or its results.json)")
	}
	rs, err := runs.LoadAll(paths)
	if err != nil {
		return err
	}
	page := f.output
	if page == "" {
		page = report.FileName
		if len(rs) == 1 {
			page = filepath.Join(rs[0].Dir(), report.FileName)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := (report.Report{Runs: rs, Round20: !f.noRound20}).WriteFile(page); err != nil {
		return err
	}
	fmt.Fprintln(stdout, page)
	return nil
}

// reportLong and reportMore are the help of `tfb report` before and after
// its flags.
const (
	reportLong = `tfb report — write one self-contained HTML page of one or more benchmark runs.

Usage:
  tfb report RUN... [-o FILE] [--no-round20]

A RUN is a results directory (results/<timestamp>) or its results.json, written by tfb
benchmark or by TFB's own toolset. Several runs are shown side by side: every chart has
one series per run and entry, named run/entry.

Per test type the page shows requests per second by level (median of the repeats), the
best level per entry (bars with min–max whiskers when levels were repeated), latency
p50/p75/p90/p99 by level, the server's CPU seconds and peak memory by level, and the CPU
one request cost each role (entry, PostgreSQL, wrk, the rest) at the best level, each
role's kernel time apart from its own code where it was recorded; then the verification
grid (entry × type: pass, warn or fail, with the verifier's findings), the environment of
each run (CPU, cores, memory, kernel, Go, wrk and PostgreSQL versions, runtime, git commit,
command line, interrupted or not) and links to each raw.txt and verification.txt, relative
to the page. The charts are drawn by Apache ECharts, inlined in the file: it opens from
file:// with no network.

A last section sets each run of this toolset beside TechEmpower Round 20's published Go
results, as tfb compare --round 20 does: Round 20's source block, then per test type local
req/s, Round 20 req/s, their ratio, shares of the fastest entry, ranks and p50/p99 latency.
`
	reportMore = `
Exit status: 0 when the page was written, 1 when a run could not be read or the page
could not be written, 2 for usage errors.

Examples:
  tfb report results/20261126030000
  tfb report results/20261126030000 results/20261126041500 -o compare.html
`
)
