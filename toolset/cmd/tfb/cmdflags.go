package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseCommandArgs parses the flags of a self-contained command (one with
// its own flag.FlagSet, named "tfb COMMAND"), which may come before, between
// or after its positional arguments, and returns the positional ones in
// order. -h and --help print help to stdout; a flag error goes to stderr in
// tfb's words. done reports that the command must return code at once.
func parseCommandArgs(fs *flag.FlagSet, help string, args []string, stdout, stderr io.Writer) (positional []string, code int, done bool) {
	fs.SetOutput(io.Discard)
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, help)
				return nil, exitOK, true
			}
			fmt.Fprintf(stderr, "%s: %v (see %s --help)\n", fs.Name(), explainCommandFlagError(fs, err), fs.Name())
			return nil, exitUsage, true
		}
		if fs.NArg() == 0 {
			return positional, exitOK, false
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}

// explainCommandFlagError turns the flag package's errors for an unknown
// flag or a missing value into tfb's words, naming the closest flag of fs.
func explainCommandFlagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		s := suggestFlag(name, names)
		if s == "" {
			// An abbreviation of exactly one flag, such as --frame.
			var longer []string
			for _, n := range names {
				if strings.HasPrefix(n, name) {
					longer = append(longer, n)
				}
			}
			if len(longer) == 1 {
				s = longer[0]
			}
		}
		if s != "" {
			return fmt.Errorf("unknown flag %s; did you mean %s?", dashed(name), dashed(s))
		}
		return fmt.Errorf("unknown flag %s", dashed(name))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Errorf("%s needs a value", dashed(name))
	}
	return err
}

// dashed is a flag's name as written on the command line: -o, --output.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
