package base

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// parse parses args by c's flags, TFB's multi-value syntax included, and
// returns the positional arguments, which may come before, between and
// after the flags. It returns flag.ErrHelp for -h, -help and --help, and a
// UsageError in tfb's words for any mistake.
func (p *Program) parse(c *Command, args []string) ([]string, error) {
	fs := c.Flags.flags()
	var positional []string
	for rest := normalizeArgs(args, c.Flags.isMultiValue); ; {
		c.Flags.valueErr = nil
		if err := fs.Parse(rest); err != nil {
			switch valueErr := c.Flags.valueErr; {
			case errors.Is(err, flag.ErrHelp), errors.Is(valueErr, flag.ErrHelp):
				return nil, flag.ErrHelp
			case valueErr != nil:
				return nil, &UsageError{Err: valueErr}
			}
			return nil, &UsageError{Err: p.explainFlagError(c, err)}
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}

// normalizeArgs turns "--type json plaintext" into "--type=json
// --type=plaintext", so Go's flag package, which takes one value per flag,
// parses TFB's syntax; isMultiValue tells the flags that take several
// values. "--type=json", "--type json,plaintext" and single dashes work
// too. Values end at the next argument starting with "-".
func normalizeArgs(args []string, isMultiValue func(name string) bool) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return append(out, args[i:]...)
		}
		name, hasValue := flagName(arg)
		if name == "" || hasValue || !isMultiValue(name) {
			out = append(out, arg)
			continue
		}
		j := i + 1
		for ; j < len(args) && !strings.HasPrefix(args[j], "-"); j++ {
			out = append(out, "--"+name+"="+args[j])
		}
		if j == i+1 {
			out = append(out, arg) // no value: let the flag package complain
		}
		i = j - 1
	}
	return out
}

// flagName returns the name of a "-name", "--name" or "--name=value"
// argument and whether it carries its value.
func flagName(arg string) (name string, hasValue bool) {
	if !strings.HasPrefix(arg, "-") || arg == "-" {
		return "", false
	}
	name = strings.TrimLeft(arg, "-")
	name, _, hasValue = strings.Cut(name, "=")
	return name, hasValue
}

// explainFlagError turns the flag package's own errors (an unknown flag, a
// flag without its value) into tfb's words: a flag of another command is
// named as such, an unknown one with the closest flag of c when there is
// one, a missing value with the form expected.
func (p *Program) explainFlagError(c *Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		if d, elsewhere := p.lookupFlag(name); elsewhere {
			return fmt.Errorf("--%s does not apply to tfb %s (its flags: tfb help %s)", d.name, c.Name, c.Name)
		}
		if s := closestFlag(name, c.Flags.Names()); s != "" {
			return fmt.Errorf("unknown flag %s; did you mean %s?", dashed(name), dashed(s))
		}
		return fmt.Errorf("unknown flag %s (its flags: tfb help %s)", dashed(name), c.Name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		if d, known := c.Flags.lookup(name); known && d.arg != "" {
			return fmt.Errorf("%s needs a value: %s %s", dashed(name), dashed(name), d.arg)
		}
		return fmt.Errorf("%s needs a value", dashed(name))
	}
	return err
}

// lookupFlag returns the doc of the flag called name (or with that alias)
// in any of the program's commands.
func (p *Program) lookupFlag(name string) (flagDoc, bool) {
	for _, c := range p.Commands {
		if d, ok := c.Flags.lookup(name); ok {
			return d, true
		}
	}
	return flagDoc{}, false
}

// dashed is a flag's name as written on the command line: -o, --output.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
