package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// A command is one of tfb's subcommands. Commands that share tfb's flags
// (list, verify, benchmark, debug, ceiling) name the flags they accept and an
// action; self-contained commands parse their own arguments in run.
type command struct {
	name    string
	summary string // one line for `tfb help`
	help    string // the text after the usage line in `tfb help NAME`; a self-contained command's whole help
	flags   []string
	action  func(a *app, ctx context.Context) error
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commonFlags are taken by every command that shares flags.
var commonFlags = []string{"config", "verbose"}

// commands is tfb's command table, in the order `tfb help` lists it. A
// command takes whole groups of flags (a flag added to a group reaches every
// command taking that group) and single flags by name.
// A self-contained command plugs in with one line:
//
//	{name: "report", summary: "...", help: reportHelp, run: cmdReport},
var commands = []command{
	{name: "list", summary: "list the entries and the test types each declares", help: listHelp,
		flags: slices.Concat(flagsIn(groupSelect), commonFlags), action: runAs("list")},
	{name: "verify", summary: "check every entry and test type against TFB's rules", help: verifyHelp,
		flags: slices.Concat(flagsIn(groupSelect), flagsIn(groupRuntime), flagsIn(groupOutput)), action: runAs("verify")},
	{name: "benchmark", summary: "verify, then load every entry with wrk by TFB's methodology", help: benchmarkHelp,
		flags: slices.Concat(flagsIn(groupSelect), flagsIn(groupMethod), flagsIn(groupRuntime), flagsIn(groupOutput)), action: runAs("benchmark")},
	{name: "debug", summary: "start one entry and its database and keep them up until Ctrl-C", help: debugHelp,
		flags: slices.Concat([]string{"test"}, flagsIn(groupRuntime), commonFlags), action: runAs("debug")},
	{name: "ceiling", summary: "measure /db and /fortunes against this machine's ceiling", help: ceilingHelp,
		flags: slices.Concat([]string{"test", "exclude", "duration"}, flagsIn(groupRuntime), []string{"results-dir"}, commonFlags), action: runAs("ceiling")},
	{name: "new", summary: "start a new entry: main.go, benchmark_config.json, docker-compose.yml, go get", help: newHelp, run: cmdNew},
	{name: "lint", summary: "check benchmark_config.json, the entries' directories and compose services", help: lintHelp, run: cmdLint},
	{name: "changed", summary: "list the entries a change affects (for CI)", help: changedHelp, run: cmdChanged},
	{name: "report", summary: "write one self-contained HTML page of one or more benchmark runs", help: reportHelp, run: cmdReport},
	{name: "compare", summary: "put benchmark runs side by side, or a run beside TFB Round 20", help: compareHelp, run: cmdCompare},
	{name: "version", summary: "print tfb's version and the Go version it was built with", help: versionHelp, run: cmdVersion},
	{name: "help", summary: "show help for tfb or for one command", help: helpHelp},
}

// lookupCommand returns the command called name.
func lookupCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// run is main without the exit, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage())
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return cmdHelp(rest, stdout, stderr)
	case "-version", "--version":
		name = "version"
	}
	cmd, ok := lookupCommand(name)
	if !ok {
		msg := fmt.Sprintf("tfb: unknown command %q", name)
		if s := suggestCommand(name); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		fmt.Fprintf(stderr, "%s (commands: %s; run 'tfb help')\n", msg, strings.Join(commandNames(), ", "))
		return exitUsage
	}

	// Ctrl-C or SIGTERM cancels the run's context, and a second one ends
	// the process at once (a command that does not watch its context thus
	// stops on the second). A closed stdout (tfb ... | head) cancels it
	// too; it would otherwise kill tfb by SIGPIPE before it removes what it
	// started.
	sigCtx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	ctx, cancel := context.WithCancelCause(sigCtx)
	defer cancel(nil)
	out := newStdoutGuard(stdout, func() { cancel(errStdoutClosed) })
	defer out.stop()
	finished, watched := make(chan struct{}), make(chan struct{})
	defer func() { close(finished); <-watched }()
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
			select {
			case <-finished: // the command returned first: nothing to stop
				return
			default:
			}
			stopSignals() // a second Ctrl-C now ends the process at once
			switch {
			case context.Cause(ctx) == errStdoutClosed:
				fmt.Fprintln(stderr, "tfb: stdout closed; stopping and removing the containers and processes it started")
			case cmd.run != nil:
				fmt.Fprintln(stderr, "\ntfb: stopping (Ctrl-C again to end at once)")
			default:
				fmt.Fprintln(stderr, "\ntfb: stopping; removing the containers and processes it started (Ctrl-C again to skip)")
			}
		case <-finished:
		}
	}()

	if cmd.run != nil {
		return cmd.run(ctx, rest, out, stderr)
	}
	return runFlagCommand(ctx, cmd, rest, out, stderr)
}

// errStdoutClosed is the cause of a run canceled because its stdout was closed.
var errStdoutClosed = errors.New("stdout closed")

// runFlagCommand parses the shared flags cmd accepts and runs its action.
func runFlagCommand(ctx context.Context, cmd command, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(cmd.name, cmd.flags, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, commandHelp(cmd))
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "tfb %s: %v\n", cmd.name, err)
		return exitUsage
	}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})))

	a := &app{opts: o, stdout: stdout, stderr: stderr, notes: stdout, commandLine: append([]string{"tfb", cmd.name}, args...)}
	err = cmd.action(a, ctx)
	if context.Cause(ctx) == errStdoutClosed {
		fmt.Fprintln(stderr, "tfb: stopped: stdout closed")
		return exitFailed
	}
	if err != nil {
		var ue usageError
		switch {
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "tfb %s: %v\n", cmd.name, err)
			return exitUsage
		case ctx.Err() != nil:
			fmt.Fprintln(stderr, "tfb: stopped")
			return exitFailed
		}
		fmt.Fprintf(stderr, "tfb %s: %v\n", cmd.name, err)
		return exitFailed
	}
	if a.failed {
		return exitFailed
	}
	return exitOK
}

// usageError is a mistake in the command line.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// cmdHelp prints tfb's help, or one command's: `tfb help`, `tfb help benchmark`.
func cmdHelp(args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		fmt.Fprint(stdout, mainUsage())
		return exitOK
	case 1:
		if cmd, ok := lookupCommand(args[0]); ok {
			fmt.Fprint(stdout, commandHelp(cmd))
			return exitOK
		}
		fmt.Fprintf(stderr, "tfb help: unknown command %q (commands: %s)\n", args[0], strings.Join(commandNames(), ", "))
		return exitUsage
	}
	fmt.Fprintln(stderr, "tfb help: name one command, as in: tfb help benchmark")
	return exitUsage
}

// commandNames lists the commands in table order.
func commandNames() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return names
}

// suggestCommand returns the command closest to a mistyped name, if any is close.
func suggestCommand(name string) string {
	for _, c := range commands {
		if strings.HasPrefix(c.name, name) || editDistance(name, c.name) <= 2 {
			return c.name
		}
	}
	return ""
}
