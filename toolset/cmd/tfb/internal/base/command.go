// Package base is the frame of tfb's command line, in the manner of cmd/go's
// base.Command: commands with their flags and help, TFB's multi-value flags
// (--test gin echo), one wording for flag errors, and one mapping from what
// a command returns to tfb's message and exit status.
package base

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// A Command is one of tfb's subcommands: `tfb NAME [flags] [arguments]`.
type Command struct {
	// Name selects the command on the command line.
	Name string
	// UsageLine is how the command is called, such as "tfb benchmark
	// [flags]". Its help opens with "usage: " and it; when UsageLine is
	// empty, Long opens with the command's own usage section instead.
	UsageLine string
	// Short is the command's line in `tfb help`.
	Short string
	// Long is the command's help before its flags; More is the help after
	// them (exit status, examples). Both end with a newline when not empty.
	Long, More string
	// Flags are the flags the command takes, each under the heading that
	// help lists it under.
	Flags FlagSet
	// Layout places the flags' help lines in the command's help; the zero
	// value puts their text at column 34 and wraps it before column 100.
	Layout Layout
	// StartsProcesses tells that Run starts databases, entries or
	// containers, which it removes when stopped: Ctrl-C says so.
	StartsProcesses bool
	// Run runs the command with the arguments left after its flags, in
	// order. It returns nil on success, a UsageError for a mistake in the
	// command line, ErrAlreadyReported for a failure it has printed, or
	// any other error, which tfb prints as "tfb NAME: message".
	Run func(ctx context.Context, args []string) error

	stdout, stderr io.Writer
	commandLine    []string
}

// Stdout is where Run writes its output. It is set before Run is called;
// when the reader of tfb's stdout goes away, Run's context is canceled and
// later writes are dropped.
func (c *Command) Stdout() io.Writer { return c.stdout }

// Stderr is where Run writes progress and remarks.
func (c *Command) Stderr() io.Writer { return c.stderr }

// CommandLine is the command line Run was called for, as typed: "tfb",
// the command's name, then its arguments and flags.
func (c *Command) CommandLine() []string { return c.commandLine }

// Help is the command's help, as `tfb help NAME` and `tfb NAME -h` print
// it: its usage, Long, its flags grouped under their headings, and More.
func (c *Command) Help() string {
	var b strings.Builder
	if c.UsageLine != "" {
		fmt.Fprintf(&b, "usage: %s\n\n", c.UsageLine)
	}
	b.WriteString(c.Long)
	c.Flags.writeHelp(&b, c.Layout)
	b.WriteString(c.More)
	return b.String()
}
