package main

import (
	"context"
	"fmt"
	"io"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/lint"
)

// newLintCommand is `tfb lint`.
func newLintCommand() *base.Command {
	c := &base.Command{
		Name:  "lint",
		Short: "check benchmark_config.json, the entries' directories and compose services",
		Long: `Usage: tfb lint [--config PATH]

Checks the entries before anything runs them, and prints one line per problem,
naming the file and field:
  benchmark_config.json  unique entry names; URLs that start with / (and, for
                         query, update and cached_query, end with = or /); port
                         8080; TFB's allowed values for approach, classification,
                         database, orm, os and database_os; language Go; the other
                         descriptive fields filled in
  frameworks/NAME        a main package for every entry, an entry for every one
  docker-compose.yml     a service per entry that builds frameworks/Dockerfile with
                         ENTRY set to its name and publishes port 8080 on 127.0.0.1

Prints nothing and exits 0 when all is well; exits 1 when there are problems.
tfb verify and tfb benchmark run the same checks first.
`,
		Layout: base.Layout{Column: 17, Width: 85},
	}
	var configPath string
	addRepositoryFlag(&c.Flags, &configPath)
	c.Run = func(_ context.Context, args []string) error { return runLint(c.Stdout(), configPath, args) }
	return c
}

// runLint prints the problems lint.Check finds in the repository of
// configPath, and returns an error counting them when there are any.
func runLint(stdout io.Writer, configPath string, args []string) error {
	if len(args) > 0 {
		return base.Usagef("unexpected argument %q (usage: tfb lint [--config PATH])", args[0])
	}
	root, err := findRepository(configPath)
	if err != nil {
		return err
	}
	problems, err := lint.Check(root)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s)", len(problems))
	}
	return nil
}

// lintFirst runs tfb lint's checks before verify and benchmark: it prints
// the problems and returns an error when there are any.
func lintFirst(root string, stderr io.Writer) error {
	problems, err := lint.Check(root)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) in the entries' metadata (tfb lint lists them)", len(problems))
	}
	return nil
}
