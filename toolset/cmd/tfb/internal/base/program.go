package base

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// A Program is tfb's command line: its commands and the text around their
// list in `tfb help`.
type Program struct {
	// Commands are the commands, in the order `tfb help` lists them.
	Commands []*Command
	// Aliases name commands by other words: "--version" for "version".
	Aliases map[string]string
	// Intro and Outro are `tfb help`'s text before and after the list of
	// commands.
	Intro, Outro string
}

// Usage is `tfb help`: Intro, a line per command, Outro.
func (p *Program) Usage() string {
	var b strings.Builder
	b.WriteString(p.Intro)
	for _, c := range p.Commands {
		fmt.Fprintf(&b, "  %-10s  %s\n", c.Name, c.Short)
	}
	b.WriteString(p.Outro)
	return b.String()
}

// Lookup returns the command called name, or nil.
func (p *Program) Lookup(name string) *Command {
	for _, c := range p.Commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Names lists the commands' names in order.
func (p *Program) Names() []string {
	names := make([]string, len(p.Commands))
	for i, c := range p.Commands {
		names[i] = c.Name
	}
	return names
}

// Run runs the command line args (without the program's name) and returns
// tfb's exit status. With no arguments it prints Usage on stderr and
// returns ExitUsage. Otherwise it parses the command's flags, printing its
// help for -h, then calls its Run with a context that Ctrl-C, SIGTERM or a
// closed stdout cancel, and reports what Run returned.
func (p *Program) Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, p.Usage())
		return ExitUsage
	}
	name, rest := args[0], args[1:]
	if alias, ok := p.Aliases[name]; ok {
		name = alias
	}
	c := p.Lookup(name)
	if c == nil {
		return exitStatus(ctx, "", p.unknownCommand(name), stderr)
	}
	positional, err := p.parse(c, rest)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, c.Help())
		return ExitOK
	}
	if err != nil {
		return exitStatus(ctx, c.Name, err, stderr)
	}
	c.commandLine = append([]string{"tfb", c.Name}, rest...)
	return runStoppable(ctx, c, positional, stdout, stderr)
}

// unknownCommand is the mistake of naming no command of p.
func (p *Program) unknownCommand(name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if s := suggestCommand(name, p.Commands); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return Usagef("%s (commands: %s; run 'tfb help')", msg, strings.Join(p.Names(), ", "))
}

// runStoppable runs c with a context that Ctrl-C or SIGTERM cancel, and a
// second one ends the process at once (a command that does not watch its
// context thus stops on the second). A closed stdout (tfb ... | head)
// cancels it too; it would otherwise kill tfb by SIGPIPE before it removes
// what it started.
func runStoppable(ctx context.Context, c *Command, args []string, stdout, stderr io.Writer) int {
	sigCtx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	runCtx, cancel := context.WithCancelCause(sigCtx)
	defer cancel(nil)
	out := newStdoutGuard(stdout, func() { cancel(errStdoutClosed) })
	defer out.stop()
	finished, watched := make(chan struct{}), make(chan struct{})
	defer func() { close(finished); <-watched }()
	go func() {
		defer close(watched)
		select {
		case <-runCtx.Done():
			select {
			case <-finished: // the command returned first: nothing to stop
				return
			default:
			}
			stopSignals() // a second Ctrl-C now ends the process at once
			fmt.Fprintln(stderr, stoppingNote(runCtx, c))
		case <-finished:
		}
	}()

	c.stdout, c.stderr = out, stderr
	return exitStatus(runCtx, c.Name, c.Run(runCtx, args), stderr)
}

// stoppingNote is what tfb says when a run of c starts to stop.
func stoppingNote(ctx context.Context, c *Command) string {
	switch {
	case context.Cause(ctx) == errStdoutClosed:
		return "tfb: stdout closed; stopping and removing the containers and processes it started"
	case c.StartsProcesses:
		return "\ntfb: stopping; removing the containers and processes it started (Ctrl-C again to skip)"
	}
	return "\ntfb: stopping (Ctrl-C again to end at once)"
}
