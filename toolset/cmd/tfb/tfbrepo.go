package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/tfbrepo"
)

// addTFBRepoFlag adds --tfb-repo, which list, verify, benchmark, ceiling and debug
// take: a FrameworkBenchmarks tree whose tests --test names beside this
// suite's entries.
func addTFBRepoFlag(fs *base.FlagSet, s *selection) {
	fs.Group(headingSelect).StringVar(&s.tfbRepo, "tfb-repo", "DIR",
		"a FrameworkBenchmarks checkout (frameworks/<Language>/<dir>/benchmark_config.json); --test names its tests as tfb-<TFB's name>, beside this suite's entries (default: $"+tfbrepo.EnvVar+")")
}

// tfbTree opens the tree --tfb-repo or TFB_REPO names; nil when neither does.
func (e *entryCommand) tfbTree(ctx context.Context) (*tfbrepo.Tree, error) {
	dir := e.sel.tfbRepo
	from := "--tfb-repo"
	if dir == "" {
		dir, from = os.Getenv(tfbrepo.EnvVar), tfbrepo.EnvVar
	}
	if dir == "" {
		return nil, nil
	}
	tree, err := tfbrepo.Open(ctx, dir)
	if err != nil {
		return nil, &base.UsageError{Err: fmt.Errorf("%s: %w", from, err)}
	}
	return tree, nil
}

// selectWithTree selects this suite's entries and the tree's tests, when
// there is a tree: those --test names (a tfb- name that is not this
// suite's comes from the tree), or, with no --test, every entry of this
// suite and, for list (run unset), every test of the tree; less those
// --exclude names. run is set for the commands that start what they
// select, which refuse a test whose database this suite does not run.
func selectWithTree(cfg *config.Config, tree *tfbrepo.Tree, include, exclude []string, run bool) ([]config.Test, error) {
	if tree == nil {
		for _, n := range include {
			if strings.HasPrefix(n, config.TFBPrefix) && !slices.Contains(cfg.Names(), n) {
				return nil, fmt.Errorf("%s: a test of a FrameworkBenchmarks tree; name the tree with --tfb-repo DIR or %s", n, tfbrepo.EnvVar)
			}
		}
		return selectTests(cfg, include, exclude)
	}
	theirs := func(n string) bool { return strings.HasPrefix(n, config.TFBPrefix) && !slices.Contains(cfg.Names(), n) }
	ourIncl := slices.DeleteFunc(slices.Clone(include), theirs)
	ourExcl := slices.DeleteFunc(slices.Clone(exclude), theirs)
	var names []string // the tree's tests selected
	for _, n := range include {
		if theirs(n) {
			names = append(names, n)
		}
	}
	var tests []config.Test
	if len(ourIncl) > 0 || len(include) == 0 {
		for _, n := range slices.Concat(ourIncl, ourExcl) {
			if _, ok := cfg.Test(n); !ok {
				return nil, fmt.Errorf("unknown entry %q (entries: %s; the tree's tests are named tfb-<test>)", n, strings.Join(cfg.Names(), ", "))
			}
		}
		for _, t := range cfg.Tests {
			if (len(ourIncl) == 0 || slices.Contains(ourIncl, t.Name)) && !slices.Contains(ourExcl, t.Name) {
				tests = append(tests, t)
			}
		}
	}
	if len(include) == 0 && !run {
		for _, t := range tree.Tests {
			names = append(names, t.Name)
		}
	}
	for _, n := range exclude {
		if theirs(n) {
			if _, err := tree.Test(n); err != nil {
				return nil, fmt.Errorf("--exclude: %w", err)
			}
		}
	}
	for _, n := range names {
		if slices.Contains(exclude, n) {
			continue
		}
		t, err := tree.Test(n)
		if err != nil {
			return nil, err
		}
		if run && !t.UsesPostgres() {
			return nil, fmt.Errorf("%s uses %s, and this suite runs PostgreSQL (or no database) only", n, t.Database)
		}
		tests = append(tests, t)
	}
	if len(tests) == 0 {
		return nil, fmt.Errorf("no entry left to run after --test and --exclude")
	}
	return tests, nil
}
