package main

import (
	"fmt"
	"strconv"
	"strings"
)

// normalizeArgs turns "--type json plaintext" into "--type=json
// --type=plaintext", so Go's flag package, which takes one value per flag,
// parses TFB's syntax. "--type=json", "--type json,plaintext" and single
// dashes work too. Values end at the next argument starting with "-".
func normalizeArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return append(out, args[i:]...)
		}
		name, hasValue := flagName(arg)
		if !isMultiValue(name) || hasValue {
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

// listFlag is a flag holding a list: every use adds values (comma lists
// allowed), and the first use replaces the default.
type listFlag struct {
	values []string
	set    bool
}

func (l *listFlag) String() string { return strings.Join(l.values, " ") }

func (l *listFlag) Set(s string) error {
	if !l.set {
		l.values, l.set = nil, true
	}
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			l.values = append(l.values, v)
		}
	}
	return nil
}

// intListFlag is a listFlag of positive integers.
type intListFlag struct {
	values []int
	set    bool
}

func (l *intListFlag) String() string {
	s := make([]string, len(l.values))
	for i, v := range l.values {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, " ")
}

func (l *intListFlag) Set(s string) error {
	if !l.set {
		l.values, l.set = nil, true
	}
	for v := range strings.SplitSeq(s, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not a positive whole number", v)
		}
		l.values = append(l.values, n)
	}
	return nil
}
