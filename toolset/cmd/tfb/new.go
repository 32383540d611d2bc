package main

import (
	"context"
	"io"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/scaffold"
)

// newNewCommand is `tfb new`.
func newNewCommand() *base.Command {
	c := &base.Command{
		Name:  "new",
		Short: "start a new entry: main.go, benchmark_config.json, docker-compose.yml, go get",
		Long: `Usage: tfb new NAME --framework MODULE[@VERSION] [--dry-run] [--config PATH]

Adds an entry called NAME for the Go framework in MODULE:
  frameworks/NAME/main.go       a net/http entry serving the seven test types through
                                tfb.Service, with ADAPT comments where it turns into
                                the framework's own router and response API
  frameworks/NAME/main_test.go  in-process benchmarks and an allocation budget
  benchmark_config.json         the entry, with descriptive fields to check
  docker-compose.yml            a service on the next free host port
  go.mod, go.sum                go get MODULE[@VERSION]
then prints the next steps and how to undo it.

NAME is a Go package name (lower-case letters and digits). tfb new refuses a name
that is taken and a module go cannot find, and then changes nothing.
`,
		More: `
Example:
  tfb new chi --framework github.com/go-chi/chi/v5
`,
		Layout: base.Layout{Column: 32, Width: 88},
	}
	f := &newFlags{}
	addNewFlags(&c.Flags, f)
	c.Run = func(ctx context.Context, args []string) error { return runNew(ctx, c.Stdout(), f, args) }
	return c
}

// newFlags are the flags of tfb new.
type newFlags struct {
	framework, configPath string
	dryRun                bool
}

// addNewFlags adds --framework, --dry-run and --config.
func addNewFlags(fs *base.FlagSet, f *newFlags) {
	g := fs.Group(headingFlags)
	g.StringVar(&f.framework, "framework", "MODULE[@VERSION]", "the framework's module (VERSION defaults to latest)")
	g.BoolVar(&f.dryRun, "dry-run", "print what would be written, and write nothing")
	addRepositoryFlag(fs, &f.configPath)
}

// runNew adds the entry named by args (the name may come before or after
// the flags), or with --dry-run says what it would write.
func runNew(ctx context.Context, stdout io.Writer, f *newFlags, args []string) error {
	var name string
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if len(args) > 0 {
		return base.Usagef("unexpected argument %q (usage: tfb new NAME --framework MODULE)", args[0])
	}
	if name == "" || f.framework == "" {
		return base.Usagef("usage: tfb new NAME --framework MODULE[@VERSION] (see tfb new --help)")
	}
	root, err := findRepository(f.configPath)
	if err != nil {
		return err
	}
	plan, err := scaffold.Prepare(ctx, scaffold.Request{Root: root, Name: name, Module: f.framework}, scaffold.GoTool{})
	if err != nil {
		return err
	}
	if f.dryRun {
		return plan.Describe(stdout)
	}
	if err := plan.Apply(ctx); err != nil {
		return err
	}
	plan.NextSteps(stdout)
	return nil
}
