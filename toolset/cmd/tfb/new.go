package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/go-tfb/suite/toolset/scaffold"
)

const newHelp = `Usage: tfb new NAME --framework MODULE[@VERSION] [--dry-run] [--config PATH]

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

Flags:
  --framework MODULE[@VERSION]  the framework's module (VERSION defaults to latest)
  --dry-run                     print what would be written, and write nothing
  --config PATH                 benchmark_config.json of the repository (default: found
                                in this directory or above)

Example:
  tfb new chi --framework github.com/go-chi/chi/v5
`

// cmdNew runs `tfb new`.
func cmdNew(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfb new", flag.ContinueOnError)
	frameworkFlag := fs.String("framework", "", "")
	dryRun := fs.Bool("dry-run", false, "")
	configPath := fs.String("config", "", "")
	// The name may come before or after the flags.
	rest, code, done := parseCommandArgs(fs, newHelp, args, stdout, stderr)
	if done {
		return code
	}
	var name string
	if len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "tfb new: unexpected argument %q (usage: tfb new NAME --framework MODULE)\n", rest[0])
		return exitUsage
	}
	if name == "" || *frameworkFlag == "" {
		fmt.Fprint(stderr, "tfb new: usage: tfb new NAME --framework MODULE[@VERSION] (see tfb new --help)\n")
		return exitUsage
	}
	root, err := findRepository(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "tfb new: %v\n", err)
		return exitFailed
	}
	plan, err := scaffold.Prepare(ctx, scaffold.Request{Root: root, Name: name, Module: *frameworkFlag}, scaffold.GoTool{})
	if err != nil {
		fmt.Fprintf(stderr, "tfb new: %v\n", err)
		return exitFailed
	}
	if *dryRun {
		if err := plan.Describe(stdout); err != nil {
			fmt.Fprintf(stderr, "tfb new: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	if err := plan.Apply(ctx); err != nil {
		fmt.Fprintf(stderr, "tfb new: %v\n", err)
		return exitFailed
	}
	plan.NextSteps(stdout)
	return exitOK
}
