package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// program is tfb's command line, made afresh for every run: its commands,
// in the order `tfb help` lists them, each with its flags at their
// defaults. A command is one *base.Command (newVersionCommand is the
// shortest); adding one is adding its constructor here.
func program() *base.Program {
	p := &base.Program{
		Commands: []*base.Command{
			newListCommand().cmd,
			newVerifyCommand().cmd,
			newBenchmarkCommand().cmd,
			newDebugCommand().cmd,
			newCeilingCommand().cmd,
			newNewCommand(),
			newLintCommand(),
			newChangedCommand(),
			newReportCommand(),
			newCompareCommand(),
			newVersionCommand(),
		},
		Aliases: map[string]string{"-h": "help", "-help": "help", "--help": "help", "-version": "version", "--version": "version"},
		Intro:   mainIntro,
		Outro:   mainOutro,
	}
	p.Commands = append(p.Commands, newHelpCommand(p))
	return p
}

// newHelpCommand is `tfb help [COMMAND]`: p's usage, or one command's help.
func newHelpCommand(p *base.Program) *base.Command {
	c := &base.Command{
		Name:      "help",
		UsageLine: "tfb help [command]",
		Short:     "show help for tfb or for one command",
		Long:      "Show tfb's commands, or one command's usage and flags.\n",
	}
	c.Run = func(_ context.Context, args []string) error {
		switch len(args) {
		case 0:
			fmt.Fprint(c.Stdout(), p.Usage())
			return nil
		case 1:
			cmd := p.Lookup(args[0])
			if cmd == nil {
				return base.Usagef("unknown command %q (commands: %s)", args[0], strings.Join(p.Names(), ", "))
			}
			fmt.Fprint(c.Stdout(), cmd.Help())
			return nil
		}
		return base.Usagef("name one command, as in: tfb help benchmark")
	}
	return c
}
