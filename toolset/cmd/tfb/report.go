package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/go-tfb/suite/toolset/report"
	"github.com/go-tfb/suite/toolset/runs"
)

// reportHelp is the help of `tfb report`.
const reportHelp = `tfb report — write one self-contained HTML page of one or more benchmark runs.

Usage:
  tfb report RUN... [-o FILE] [--no-round20]

A RUN is a results directory (results/<timestamp>) or its results.json, written by tfb
benchmark or by TFB's own toolset. Several runs are shown side by side: every chart has
one series per run and entry, named run/entry.

Per test type the page shows requests per second by level (median of the repeats), the
best level per entry (bars with min–max whiskers when levels were repeated), latency
p50/p75/p90/p99 by level, and the server's CPU seconds and peak memory by level; then the
verification grid (entry × type: pass, warn or fail, with the verifier's findings), the
environment of each run (CPU, cores, memory, kernel, Go, wrk and PostgreSQL versions,
runtime, git commit, command line, interrupted or not) and links to each raw.txt and
verification.txt, relative to the page. The charts are drawn by Apache ECharts, inlined in
the file: it opens from file:// with no network.

A last section sets each run of this toolset beside TechEmpower Round 20's published Go
results, as tfb compare --round 20 does: Round 20's source block, then per test type local
req/s, Round 20 req/s, their ratio, shares of the fastest entry, ranks and p50/p99 latency.

Flags:
  -o, --output FILE   where to write the page (default: report.html in the run's directory
                      for one run, ./report.html for several)
  --no-round20        leave out the Round 20 section
  -h, --help          show this text

Exit status: 0 when the page was written, 1 when a run could not be read or the page
could not be written, 2 for usage errors.

Examples:
  tfb report results/20261126030000
  tfb report results/20261126030000 results/20261126041500 -o compare.html
`

// cmdReport runs `tfb report`.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfb report", flag.ContinueOnError)
	var out string
	fs.StringVar(&out, "o", "", "output file")
	fs.StringVar(&out, "output", "", "output file")
	var noRound20 bool
	fs.BoolVar(&noRound20, "no-round20", false, "leave out the Round 20 section")

	// Runs and flags may come in any order.
	paths, code, done := parseCommandArgs(fs, reportHelp, args, stdout, stderr)
	if done {
		return code
	}
	if len(paths) == 0 {
		fmt.Fprint(stderr, "tfb report: no run given (usage: tfb report RUN... [-o FILE], RUN being a results directory or its results.json)\n")
		return exitUsage
	}

	rs, err := runs.LoadAll(paths)
	if err != nil {
		fmt.Fprintf(stderr, "tfb report: %v\n", err)
		return exitFailed
	}
	if out == "" {
		out = report.FileName
		if len(rs) == 1 {
			out = filepath.Join(rs[0].Dir(), report.FileName)
		}
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(stderr, "tfb report: %v\n", err)
		return exitFailed
	}
	if err := (report.Report{Runs: rs, Round20: !noRound20}).WriteFile(out); err != nil {
		fmt.Fprintf(stderr, "tfb report: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, out)
	return exitOK
}
