package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/go-tfb/suite/toolset/compare"
	"github.com/go-tfb/suite/toolset/round20"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

const compareHelp = `tfb compare — put benchmark runs side by side, or a run beside TechEmpower Round 20.

Usage:
  tfb compare RUN RUN [RUN...] [--format FORMAT]
  tfb compare --round 20 RUN [RUN...] [--format FORMAT]

A RUN is a results directory (results/<timestamp>) or a results.json file, written by
tfb benchmark or by TFB's own toolset (its test names are mapped: cached-query is cached_query).

Runs side by side: per entry and test type measured in the first run and in another, the
median req/s at each run's best level and at every level, the min–max over the repeats,
the ratio to the first run and wrk's p99 latency. With repeats (tfb benchmark --repeat N)
each cell gets a verdict against the first run — faster, slower or within noise — by the
rule printed under the table: a difference is claimed only when the min–max ranges of the
repeats do not overlap, with at least 2 repeats on each side; otherwise "no claim".

--round 20: each entry beside its Round 20 test (nethttp: go, go-pgx, go-pgx-quicktemplate;
gin, echo, fiber, chi: the test of the same name) per test type: local req/s, Round 20
req/s, their ratio, each entry's share of the fastest entry in the run next to the same
share in Round 20, the ranks, and p50/p99 latency. Local figures are taken at Round 20's
headline level: the best connection count (json, plaintext, db, fortune), 20 queries
(query, update) or 100 items (cached_query). Round 20's source is printed with it.

Flags:
  --format FORMAT   text (default; coloured on a terminal unless NO_COLOR is set),
                    markdown, json or html (one self-contained page). JSON is one object
                    for runs side by side, an array of one object per run for --round 20.
  --round 20        compare with TechEmpower Round 20 (the only round shipped)

Exit status: 0 on success, 1 when a run cannot be read or nothing overlaps, 2 for a
mistake on the command line.
`

// cmdCompare is `tfb compare`.
func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	_ = ctx
	fs := flag.NewFlagSet("tfb compare", flag.ContinueOnError)
	format := fs.String("format", string(table.Text), "text, markdown, json or html")
	round := fs.Int("round", 0, "20")
	paths, code, done := parseCommandArgs(fs, compareHelp, args, stdout, stderr)
	if done {
		return code
	}
	f, err := table.ParseFormat(*format)
	if err != nil {
		fmt.Fprintf(stderr, "tfb compare: --format: %v\n", err)
		return exitUsage
	}
	switch {
	case *round != 0 && *round != 20:
		fmt.Fprintf(stderr, "tfb compare: --round %d: only Round 20's results are in the repository (--round 20)\n", *round)
		return exitUsage
	case *round == 20 && len(paths) == 0:
		fmt.Fprint(stderr, "tfb compare: --round 20 needs a run (a results directory or results.json)\n")
		return exitUsage
	case *round == 0 && len(paths) < 2:
		fmt.Fprintf(stderr, "tfb compare: need at least two runs to compare, got %d (or use --round 20 RUN)\n", len(paths))
		return exitUsage
	}

	rs, err := runs.LoadAll(paths)
	if err != nil {
		fmt.Fprintf(stderr, "tfb compare: %v\n", err)
		return exitFailed
	}
	color := f == table.Text && colorWanted(stdout)

	if *round == 20 {
		data, err := round20.Load()
		if err != nil {
			fmt.Fprintf(stderr, "tfb compare: %v\n", err)
			return exitFailed
		}
		var tables []table.Table
		var values []compare.Round20Comparison
		for _, r := range rs {
			c, err := compare.CompareRound20(r, data)
			if err != nil {
				fmt.Fprintf(stderr, "tfb compare: %v\n", err)
				return exitFailed
			}
			values = append(values, c)
			tables = append(tables, c.Tables()...)
		}
		if err := table.Write(stdout, f, "Local runs beside TechEmpower Round 20", tables, values, color); err != nil {
			fmt.Fprintf(stderr, "tfb compare: write output: %v\n", err)
			return exitFailed
		}
		return exitOK
	}

	c, err := compare.Compare(rs)
	if err != nil {
		fmt.Fprintf(stderr, "tfb compare: %v\n", err)
		return exitFailed
	}
	if err := table.Write(stdout, f, "Benchmark runs side by side", c.Tables(), c, color); err != nil {
		fmt.Fprintf(stderr, "tfb compare: write output: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// colorWanted reports whether w is a terminal and NO_COLOR is not set
// (https://no-color.org: any non-empty value turns colour off).
func colorWanted(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
