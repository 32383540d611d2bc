package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/compare"
	"github.com/go-tfb/suite/toolset/round20"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// newCompareCommand is `tfb compare`.
func newCompareCommand() *base.Command {
	c := &base.Command{
		Name:   "compare",
		Short:  "put benchmark runs side by side, or a run beside TFB Round 20",
		Long:   compareLong,
		More:   compareMore,
		Layout: base.Layout{Column: 20, Width: 90},
	}
	f := &compareFlags{format: string(table.Text)}
	addCompareFlags(&c.Flags, f)
	c.Run = func(_ context.Context, paths []string) error { return runCompare(c.Stdout(), f, paths) }
	return c
}

// compareFlags are the flags of tfb compare.
type compareFlags struct {
	format   string
	round    int
	entries  base.StringList
	overhead bool
}

// addCompareFlags adds --format, --round and --entries.
func addCompareFlags(fs *base.FlagSet, f *compareFlags) {
	g := fs.Group(headingFlags)
	g.StringVar(&f.format, "format", "FORMAT", "text (default; coloured on a terminal unless NO_COLOR is set), markdown, json or html (one self-contained page). JSON is one object for runs side by side, an array of one object per run for --round 20.")
	g.IntVar(&f.round, "round", "20", "compare with TechEmpower Round 20 (the only round shipped)")
	g.BoolVar(&f.overhead, "overhead", "each entry of one run over the entry it runs on (its platform: nethttp, fasthttp): req/s and server CPU per request")
	g.Var(&f.entries, "entries", "A B", "set two entries of one run side by side: best levels and CPU profiles (the run before the flag: tfb compare RUN --entries A B)")
}

// runCompare writes the runs at paths side by side, or each beside Round 20, to stdout.
func runCompare(stdout io.Writer, f *compareFlags, paths []string) error {
	format, err := table.ParseFormat(f.format)
	if err != nil {
		return base.Usagef("--format: %w", err)
	}
	if len(f.entries.Values) > 0 {
		return compareEntries(stdout, f, format, paths)
	}
	if f.overhead {
		return compareOverhead(stdout, f, format, paths)
	}
	switch {
	case f.round != 0 && f.round != 20:
		return base.Usagef("--round %d: only Round 20's results are in the repository (--round 20)", f.round)
	case f.round == 20 && len(paths) == 0:
		return base.Usagef("--round 20 needs a run (a results directory or results.json)")
	case f.round == 0 && len(paths) < 2:
		return base.Usagef("need at least two runs to compare, got %d (or use --round 20 RUN)", len(paths))
	}
	rs, err := runs.LoadAll(paths)
	if err != nil {
		return err
	}
	color := format == table.Text && colorWanted(stdout)
	if f.round == 20 {
		return compareWithRound20(stdout, rs, format, color)
	}
	cmp, err := compare.Compare(rs)
	if err != nil {
		return err
	}
	if err := table.Write(stdout, format, "Benchmark runs side by side", cmp.Tables(), cmp, color); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// compareEntries writes two entries of the one run at paths side by side.
func compareEntries(stdout io.Writer, f *compareFlags, format table.Format, paths []string) error {
	switch {
	case len(f.entries.Values) != 2:
		return base.Usagef("--entries takes two entries, got %d (the run goes before the flag: tfb compare RUN --entries A B)", len(f.entries.Values))
	case f.round != 0:
		return base.Usagef("--entries and --round 20 do not go together")
	case len(paths) != 1:
		return base.Usagef("--entries compares two entries of one run, got %d runs", len(paths))
	}
	r, err := runs.Load(paths[0])
	if err != nil {
		return err
	}
	c, err := compare.CompareEntries(r, f.entries.Values[0], f.entries.Values[1])
	if err != nil {
		return err
	}
	color := format == table.Text && colorWanted(stdout)
	if err := table.Write(stdout, format, "Two entries side by side", c.Tables(), c, color); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// compareOverhead writes each entry of the one run at paths over the entry
// it runs on.
func compareOverhead(stdout io.Writer, f *compareFlags, format table.Format, paths []string) error {
	switch {
	case f.round != 0:
		return base.Usagef("--overhead and --round 20 do not go together")
	case len(paths) != 1:
		return base.Usagef("--overhead reads one run, got %d", len(paths))
	}
	r, err := runs.Load(paths[0])
	if err != nil {
		return err
	}
	c, err := compare.Overheads(r)
	if err != nil {
		return err
	}
	if err := table.Write(stdout, format, "Framework overhead", c.Tables(), c, format == table.Text && colorWanted(stdout)); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// compareWithRound20 writes each of rs beside TechEmpower Round 20 to w.
func compareWithRound20(w io.Writer, rs []runs.Run, f table.Format, color bool) error {
	data, err := round20.Load()
	if err != nil {
		return err
	}
	var tables []table.Table
	var values []compare.Round20Comparison
	for _, r := range rs {
		c, err := compare.CompareRound20(r, data)
		if err != nil {
			return err
		}
		values = append(values, c)
		tables = append(tables, c.Tables()...)
	}
	if err := table.Write(w, f, "Local runs beside TechEmpower Round 20", tables, values, color); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// compareLong and compareMore are the help of `tfb compare` before and
// after its flags.
const (
	compareLong = `tfb compare — put benchmark runs side by side, or a run beside TechEmpower Round 20.

Usage:
  tfb compare RUN RUN [RUN...] [--format FORMAT]
  tfb compare --round 20 RUN [RUN...] [--format FORMAT]
  tfb compare RUN --entries A B [--format FORMAT]
  tfb compare --overhead RUN [--format FORMAT]

A RUN is a results directory (results/<timestamp>) or a results.json file, written by
tfb benchmark or by TFB's own toolset (its test names are mapped: cached-query is cached_query).

Runs side by side: per entry and test type measured in the first run and in another, the
median req/s at each run's best level and at every level, the min–max over the repeats,
the ratio to the first run and wrk's p99 latency. With repeats (tfb benchmark --repeat N)
each cell gets a verdict against the first run — faster, slower or within noise — by the
rule printed under the table: a difference is claimed only when the min–max ranges of the
repeats do not overlap, with at least 2 repeats on each side; otherwise "no claim". Where
both runs took CPU profiles (tfb benchmark --pprof cpu), a table per entry and type sets the
functions with the largest flat share in either side by side: flat and cumulative share of
the samples in each run and the change in percentage points. Runs without profiles get no
such table.

--entries A B: two entries of one run side by side, the same way: each type both measured,
their best levels with the ratio and verdict against A, and their CPU profiles' top
functions where both have one.

--overhead: what each framework costs over the HTTP server it runs on. Each entry whose
platform (benchmark_config.json's platform: Go, fasthttp) has an entry of its own, one
classified Platform (nethttp, fasthttp), is set beside it per type: its median req/s at
its best level over the platform entry's, the range over the repeats, the verdict by the
rule above, and its server CPU per request over the platform entry's. An entry whose
platform entry is not in the run says which entry to add.

--round 20: each entry beside its Round 20 test (nethttp: go, go-pgx, go-pgx-quicktemplate;
gin, echo, fiber, chi: the test of the same name) per test type: local req/s, Round 20
req/s, their ratio, each entry's share of the fastest entry in the run next to the same
share in Round 20, the ranks, and p50/p99 latency. Local figures are taken at Round 20's
headline level: the best connection count (json, plaintext, db, fortune), 20 queries
(query, update) or 100 items (cached_query). Round 20's source is printed with it.
`
	compareMore = `
Exit status: 0 on success, 1 when a run cannot be read or nothing overlaps, 2 for a
mistake on the command line.
`
)

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
