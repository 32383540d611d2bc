package base

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// A MultiValue is a flag value that takes TFB's several values after one
// flag: "--type json plaintext" reaches it as Set("json"), then
// Set("plaintext"). Comma lists and repeated flags reach it the same way.
type MultiValue interface {
	flag.Value
	IsMultiValue() bool
}

// StringList is a MultiValue of words: every use of the flag adds values
// (comma lists allowed), and the first use replaces the default.
type StringList struct {
	Values []string
	set    bool
}

// IsMultiValue reports true: a StringList takes several values.
func (l *StringList) IsMultiValue() bool { return true }

// String returns the values separated by spaces.
func (l *StringList) String() string { return strings.Join(l.Values, " ") }

// Set adds the comma-separated values of s.
func (l *StringList) Set(s string) error {
	if !l.set {
		l.Values, l.set = nil, true
	}
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			l.Values = append(l.Values, v)
		}
	}
	return nil
}

// IntList is a StringList of positive whole numbers.
type IntList struct {
	Values []int
	set    bool
}

// IsMultiValue reports true: an IntList takes several values.
func (l *IntList) IsMultiValue() bool { return true }

// String returns the values separated by spaces.
func (l *IntList) String() string {
	s := make([]string, len(l.Values))
	for i, v := range l.Values {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, " ")
}

// Set adds the comma-separated numbers of s.
func (l *IntList) Set(s string) error {
	if !l.set {
		l.Values, l.set = nil, true
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
		l.Values = append(l.Values, n)
	}
	return nil
}

// stringValue is a flag holding any text.
type stringValue string

func (s *stringValue) String() string     { return string(*s) }
func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }

// boolValue is a switch: given alone it is true; --name=false turns it off.
type boolValue bool

func (b *boolValue) String() string   { return strconv.FormatBool(bool(*b)) }
func (b *boolValue) IsBoolFlag() bool { return true }

func (b *boolValue) Set(v string) error {
	parsed, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("%q is not true or false", v)
	}
	*b = boolValue(parsed)
	return nil
}

// intValue is a flag holding a whole number.
type intValue int

func (n *intValue) String() string { return strconv.Itoa(int(*n)) }

func (n *intValue) Set(v string) error {
	parsed, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%q is not a whole number", v)
	}
	*n = intValue(parsed)
	return nil
}

// helpValue is -h and --help as a documented switch: setting it asks for
// the command's help.
type helpValue struct{}

func (helpValue) String() string   { return "false" }
func (helpValue) IsBoolFlag() bool { return true }

func (helpValue) Set(v string) error {
	if asked, err := strconv.ParseBool(v); err != nil || asked {
		return flag.ErrHelp
	}
	return nil
}
