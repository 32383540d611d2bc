package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/go-tfb/suite/toolset/lint"
)

const lintHelp = `Usage: tfb lint [--config PATH]

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

Flags:
  --config PATH  benchmark_config.json of the repository (default: found in this
                 directory or above)
`

// cmdLint runs `tfb lint`.
func cmdLint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfb lint", flag.ContinueOnError)
	configPath := fs.String("config", "", "")
	rest, code, done := parseCommandArgs(fs, lintHelp, args, stdout, stderr)
	if done {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "tfb lint: unexpected argument %q (usage: tfb lint [--config PATH])\n", rest[0])
		return exitUsage
	}
	root, err := findRepository(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "tfb lint: %v\n", err)
		return exitFailed
	}
	problems, err := lint.Check(root)
	if err != nil {
		fmt.Fprintf(stderr, "tfb lint: %v\n", err)
		return exitFailed
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "tfb lint: %d problem(s)\n", len(problems))
		return exitFailed
	}
	return exitOK
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
