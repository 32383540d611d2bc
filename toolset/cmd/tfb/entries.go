package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/tfbrepo"
)

// entryCommand is one of the commands that read benchmark_config.json and
// select entries: list, verify, benchmark, debug and ceiling. Each adds the
// flag groups it takes to cmd; the fields of the others keep their
// defaults.
type entryCommand struct {
	cmd    *base.Command
	sel    selection
	method methodology
	in     insight
	rt     runtimeFlags
	out    outputFlags
	conf   configFlags
	// resume is --resume's run (tfb benchmark): its directory or results.json.
	resume string

	repoDir string        // the repository, once Run has found it
	tree    *tfbrepo.Tree // the FrameworkBenchmarks tree of --tfb-repo, if any
	// platforms maps the configuration's entries to their platform entries.
	platforms map[string]string
	notes     io.Writer // where side remarks such as the runtime chosen go; stdout when nil
	// partitionNote says why the roles were not kept apart, for results.json.
	partitionNote string
}

// newEntryCommand returns the command called name, its flags not added yet
// and their values at their defaults.
func newEntryCommand(name, short, long string) *entryCommand {
	return &entryCommand{
		cmd:    &base.Command{Name: name, UsageLine: "tfb " + name + " [flags]", Short: short, Long: long},
		sel:    selection{types: base.StringList{Values: []string{"all"}}},
		method: defaultMethodology(),
		out:    outputFlags{resultsDir: "results"},
	}
}

// newListCommand is `tfb list`.
func newListCommand() *entryCommand {
	e := newEntryCommand("list", "list the entries and the test types each declares", listHelp)
	addSelectFlags(&e.cmd.Flags, &e.sel)
	addTFBRepoFlag(&e.cmd.Flags, &e.sel)
	addConfigFlags(&e.cmd.Flags, &e.conf)
	e.cmd.Run = e.list
	return e
}

// list prints the selected entries and their selected test types.
func (e *entryCommand) list(ctx context.Context, args []string) error {
	tests, types, err := e.selectEntries(ctx, args)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.cmd.Stdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTRY\tFRAMEWORK\tCLASSIFICATION\tDATABASE\tPORT\tTEST TYPES")
	for _, t := range tests {
		var tts []string
		for _, tt := range t.Types() {
			if slices.Contains(types, tt) {
				tts = append(tts, string(tt))
			}
		}
		database := t.Database
		if !t.UsesPostgres() {
			database += " (not run: PostgreSQL only)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", t.Name, t.Framework, t.Classification, database, t.Port, strings.Join(tts, " "))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write the list: %w", err)
	}
	return nil
}

// selectEntries begins every Run of an entry command: it refuses arguments
// besides the flags, logs on stderr at the level -v asks, reads the
// repository's benchmark_config.json and returns the entries and test types
// selected.
func (e *entryCommand) selectEntries(ctx context.Context, args []string) ([]config.Test, []config.TestType, error) {
	if len(args) > 0 {
		return nil, nil, base.Usagef("unexpected argument %q (flags take values as --test gin echo)", args[0])
	}
	level := slog.LevelInfo
	if e.conf.verbose {
		level = slog.LevelDebug
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(e.cmd.Stderr(), &slog.HandlerOptions{Level: level})))

	root, cfg, err := loadRepository(e.conf.configPath)
	if err != nil {
		return nil, nil, err
	}
	e.repoDir = root
	e.platforms = cfg.PlatformEntries()
	tree, err := e.tfbTree(ctx)
	if err != nil {
		return nil, nil, err
	}
	e.tree = tree
	tests, err := selectWithTree(cfg, tree, e.sel.tests.Values, e.sel.excludes.Values, e.cmd.StartsProcesses)
	if err != nil {
		return nil, nil, &base.UsageError{Err: err}
	}
	types, err := parseTypes(e.sel.types.Values)
	if err != nil {
		return nil, nil, &base.UsageError{Err: err}
	}
	return tests, types, nil
}

// notesTo is where side remarks go: stdout unless the command said otherwise.
func (e *entryCommand) notesTo() io.Writer {
	if e.notes != nil {
		return e.notes
	}
	return e.cmd.Stdout()
}

// selectTests returns the entries of cfg named by include (all when empty)
// and not by exclude.
func selectTests(cfg *config.Config, include, exclude []string) ([]config.Test, error) {
	all := cfg.Names()
	for _, n := range slices.Concat(include, exclude) {
		if !slices.Contains(all, n) {
			return nil, fmt.Errorf("unknown entry %q (entries: %s)", n, strings.Join(all, ", "))
		}
	}
	var tests []config.Test
	for _, t := range cfg.Tests {
		if (len(include) == 0 || slices.Contains(include, t.Name)) && !slices.Contains(exclude, t.Name) {
			tests = append(tests, t)
		}
	}
	if len(tests) == 0 {
		return nil, errors.New("no entry left to run after --test and --exclude")
	}
	return tests, nil
}

// parseTypes returns the test types named by --type's values: all of them
// for "all" or none given.
func parseTypes(values []string) ([]config.TestType, error) {
	var types []config.TestType
	for _, v := range values {
		if v == "all" {
			return config.TestTypes, nil
		}
		tt, err := config.ParseTestType(v)
		if err != nil {
			return nil, fmt.Errorf("--type: %w", err)
		}
		if !slices.Contains(types, tt) {
			types = append(types, tt)
		}
	}
	if len(types) == 0 {
		return config.TestTypes, nil
	}
	return types, nil
}
