package base

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// A FlagSet holds a command's flags: a flag.FlagSet that parses them and,
// for help and for flag errors, the heading, form and help line of each.
// Its zero value is an empty set; flags are added through Group.
type FlagSet struct {
	set  *flag.FlagSet
	docs []flagDoc

	valueErr error // the first value a flag refused, with the flag's name, during Parse
}

// flagDoc is what help shows of one flag.
type flagDoc struct {
	heading string // the heading of help it is listed under
	name    string
	alias   string // a one-letter alias, such as v for verbose
	arg     string // the form of its value, such as SECONDS; empty for a switch
	usage   string
}

// form is the flag as help lists it: "-v, --verbose", "--duration SECONDS".
func (d flagDoc) form() string {
	f := "--" + d.name
	if d.alias != "" {
		f = "-" + d.alias + ", " + f
	}
	if d.arg != "" {
		f += " " + d.arg
	}
	return f
}

// A Group adds flags to a FlagSet under one heading of help.
type Group struct {
	fs      *FlagSet
	heading string
}

// Group returns the adder of flags listed under heading in help. Headings
// are listed in the order their first flag was added, the flags under one
// in the order they were added.
func (fs *FlagSet) Group(heading string) Group { return Group{fs: fs, heading: heading} }

// flags returns the flag.FlagSet, made on first use.
func (fs *FlagSet) flags() *flag.FlagSet {
	if fs.set == nil {
		fs.set = flag.NewFlagSet("tfb", flag.ContinueOnError)
		fs.set.SetOutput(io.Discard)
		fs.set.Usage = func() {}
	}
	return fs.set
}

// Var adds the flag called name, holding v. arg is the form of its value in
// help ("" for a switch, whose value implements IsBoolFlag), usage its help
// line. Its default is v's value when added. A value that v refuses is
// reported as "--name: " and v's error; v's error should say what form was
// expected.
func (g Group) Var(v flag.Value, name, arg, usage string) {
	g.fs.flags().Var(&namedValue{Value: v, name: name, fs: g.fs}, name, usage)
	g.fs.docs = append(g.fs.docs, flagDoc{heading: g.heading, name: name, arg: arg, usage: usage})
}

// StringVar adds a flag holding any text in *p.
func (g Group) StringVar(p *string, name, arg, usage string) {
	g.Var((*stringValue)(p), name, arg, usage)
}

// BoolVar adds a switch setting *p: given alone it is true; --name=false
// turns it off.
func (g Group) BoolVar(p *bool, name, usage string) { g.Var((*boolValue)(p), name, "", usage) }

// IntVar adds a flag holding a whole number in *p.
func (g Group) IntVar(p *int, name, arg, usage string) { g.Var((*intValue)(p), name, arg, usage) }

// HelpVar adds -h and --help as a documented flag: given, tfb prints the
// command's help. Every command takes -h, -help and --help; this lists them
// in its help too.
func (g Group) HelpVar(usage string) {
	g.Var(helpValue{}, "help", "", usage)
	g.Alias("h", "help")
}

// Alias makes the one-letter short a second name of the flag called name,
// added before: help lists both, as "-v, --verbose".
func (g Group) Alias(short, name string) {
	f := g.fs.flags().Lookup(name)
	if f == nil {
		panic(fmt.Sprintf("base: alias -%s of an undefined flag --%s", short, name))
	}
	g.fs.flags().Var(f.Value, short, f.Usage)
	for i := range g.fs.docs {
		if g.fs.docs[i].name == name {
			g.fs.docs[i].alias = short
		}
	}
}

// lookup returns the doc of the flag called name or with that alias.
func (fs *FlagSet) lookup(name string) (flagDoc, bool) {
	for _, d := range fs.docs {
		if d.name == name || (d.alias != "" && d.alias == name) {
			return d, true
		}
	}
	return flagDoc{}, false
}

// Names returns the long names of the flags, in the order they were added.
func (fs *FlagSet) Names() []string {
	names := make([]string, len(fs.docs))
	for i, d := range fs.docs {
		names[i] = d.name
	}
	return names
}

// isMultiValue reports whether the flag called name takes TFB's several
// values after one flag: whether its value is a MultiValue.
func (fs *FlagSet) isMultiValue(name string) bool {
	f := fs.flags().Lookup(name)
	if f == nil {
		return false
	}
	mv, ok := f.Value.(MultiValue)
	return ok && mv.IsMultiValue()
}

// Layout places the flags' lines in a command's help: each flag's help text
// starts at Column (on the next line when the flag's form reaches it) and
// is wrapped before Width.
type Layout struct {
	Column, Width int
}

// defaultLayout is the layout of a Command whose Layout is zero.
var defaultLayout = Layout{Column: 34, Width: 100}

// writeHelp writes the flags under their headings, each heading after a
// blank line: "\nHEADING:\n" and one line or more per flag.
func (fs *FlagSet) writeHelp(b *strings.Builder, layout Layout) {
	if layout == (Layout{}) {
		layout = defaultLayout
	}
	var headings []string
	for _, d := range fs.docs {
		if !slices.Contains(headings, d.heading) {
			headings = append(headings, d.heading)
		}
	}
	for _, h := range headings {
		fmt.Fprintf(b, "\n%s:\n", h)
		for _, d := range fs.docs {
			if d.heading == h {
				writeFlagHelp(b, d, layout)
			}
		}
	}
}

// writeFlagHelp writes one flag's line: its form, then its help wrapped in
// a column.
func writeFlagHelp(b *strings.Builder, d flagDoc, layout Layout) {
	line := "  " + d.form()
	if len(line) >= layout.Column-1 {
		b.WriteString(line + "\n")
		line = ""
	}
	for _, word := range strings.Fields(d.usage) {
		if len(line) > layout.Column && len(line)+1+len(word) > layout.Width {
			b.WriteString(line + "\n")
			line = ""
		}
		if len(line) < layout.Column {
			line += strings.Repeat(" ", layout.Column-len(line))
		} else {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
}

// namedValue records the first error of the value it wraps together with
// the flag's name, since the flag package reports it in its own words.
type namedValue struct {
	flag.Value
	name string
	fs   *FlagSet
}

func (v *namedValue) Set(s string) error {
	err := v.Value.Set(s)
	if err != nil && v.fs.valueErr == nil {
		v.fs.valueErr = fmt.Errorf("--%s: %w", v.name, err)
	}
	return err
}

// IsBoolFlag lets a wrapped switch stand without a value.
func (v *namedValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// IsMultiValue passes on whether the wrapped value takes several values.
func (v *namedValue) IsMultiValue() bool {
	mv, ok := v.Value.(MultiValue)
	return ok && mv.IsMultiValue()
}
