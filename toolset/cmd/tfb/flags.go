package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/benchmark"
)

// options are the parsed values of the shared flags.
type options struct {
	tests, excludes, types listFlag

	duration                    int
	concurrency, pipeline       intListFlag
	queryLevels, cachedQueryLvl intListFlag
	profile                     string

	runtime, cpuset, memory              string
	serverPort                           int
	serverHost, databaseHost, clientHost string
	resultsDir, resultsName, resultsEnv  string
	configPath                           string
	verbose, noBuild                     bool
	repeat, sleep                        int
	noPrimer, noWarmup                   bool

	set map[string]bool // the flags given on the command line
}

// defaultOptions are the options before any flag is parsed: TFB's Round 20
// methodology and results under ./results.
func defaultOptions() options {
	r20 := benchmark.Round20()
	return options{
		types:          listFlag{values: []string{"all"}},
		duration:       int(r20.Duration / time.Second),
		concurrency:    intListFlag{values: r20.ConcurrencyLevels},
		pipeline:       intListFlag{values: r20.PipelineConcurrencyLevels},
		queryLevels:    intListFlag{values: r20.QueryLevels},
		cachedQueryLvl: intListFlag{values: r20.CachedQueryLevels},
		resultsDir:     "results",
		repeat:         1,
	}
}

// flagGroup is a heading under which a command's help lists flags.
type flagGroup string

// The flag groups, in the order help lists them.
const (
	groupSelect  flagGroup = "Selecting what to run (--test gin echo, --test=gin, --test gin,echo and repeating the flag all work)"
	groupMethod  flagGroup = "Benchmark methodology (defaults are TFB's Round 20 values)"
	groupRuntime flagGroup = "Runtimes"
	groupOutput  flagGroup = "Output and configuration"
)

var flagGroups = []flagGroup{groupSelect, groupMethod, groupRuntime, groupOutput}

// flagDef declares one flag: its name, the form of its value in help (empty
// for a switch), its group, its help line and the options field it sets.
// Multi-value flags (TFB's "--type json db") are those whose value is a
// listFlag or an intListFlag.
type flagDef struct {
	name, arg string
	group     flagGroup
	usage     string
	value     func(o *options) flag.Value
	short     string // a one-letter alias, such as v for verbose
}

// flagDefs declares every flag of the commands that share them, once. A
// command accepts the flags its entry in commands names, by group or one by
// one: adding a flag is one line here (and its field in options), and every
// command taking its group takes it.
var flagDefs = []flagDef{
	{name: "test", arg: "NAME...", group: groupSelect, usage: "entries to run (default: all in benchmark_config.json)", value: func(o *options) flag.Value { return &o.tests }},
	{name: "exclude", arg: "NAME...", group: groupSelect, usage: "entries to leave out", value: func(o *options) flag.Value { return &o.excludes }},
	{name: "type", arg: "TYPE...", group: groupSelect, usage: "all | json | db | query | fortune | update | plaintext | cached_query (default: all); an entry runs only the types it declares", value: func(o *options) flag.Value { return &o.types }},

	{name: "duration", arg: "SECONDS", group: groupMethod, usage: "benchmark: length of the warmup and of each level (default 15); ceiling: length of each measured wrk run (default 10)", value: func(o *options) flag.Value { return (*secondsValue)(&o.duration) }},
	{name: "concurrency-levels", arg: "N...", group: groupMethod, usage: "connections for json, db, fortune; the largest is also the warmup's and the query types' (default 16 32 64 128 256 512)", value: func(o *options) flag.Value { return &o.concurrency }},
	{name: "pipeline-concurrency-levels", arg: "N...", group: groupMethod, usage: "connections for plaintext, 16 requests pipelined per connection (default 256 1024 4096 16384)", value: func(o *options) flag.Value { return &o.pipeline }},
	{name: "query-levels", arg: "N...", group: groupMethod, usage: "queries per request for query and update (default 1 5 10 15 20)", value: func(o *options) flag.Value { return &o.queryLevels }},
	{name: "cached-query-levels", arg: "N...", group: groupMethod, usage: "count for cached_query (default 1 10 20 50 100)", value: func(o *options) flag.Value { return &o.cachedQueryLvl }},
	{name: "repeat", arg: "N", group: groupMethod, usage: "measure every level N times, in round-robin passes over the entries; the table shows the median and min–max, rawData the median repeat (default 1)", value: func(o *options) flag.Value { return (*countValue)(&o.repeat) }},
	{name: "no-primer", group: groupMethod, usage: "leave out the primer (quick iteration)", value: func(o *options) flag.Value { return (*boolValue)(&o.noPrimer) }},
	{name: "no-warmup", group: groupMethod, usage: "leave out the warmup (quick iteration)", value: func(o *options) flag.Value { return (*boolValue)(&o.noWarmup) }},
	{name: "sleep", arg: "SECONDS", group: groupMethod, usage: "every sleep this long instead of TFB's 5, 5 and 2 s (quick iteration; 0 for none)", value: func(o *options) flag.Value { return (*sleepValue)(&o.sleep) }},
	{name: "profile", arg: "round20", group: groupMethod, usage: "set all of the above to Round 20's values at once (overrides them; use alone)", value: func(o *options) flag.Value { return (*stringValue)(&o.profile) }},

	{name: "runtime", arg: "docker|local", group: groupRuntime, usage: "where entries run (default: docker when a Docker engine answers, else local)", value: func(o *options) flag.Value { return (*stringValue)(&o.runtime) }},
	{name: "cpuset", arg: "CPUS", group: groupRuntime, usage: "CPUs every entry may use, e.g. 0-1 (docker: --cpuset-cpus; local: taskset); default: no restriction", value: func(o *options) flag.Value { return (*stringValue)(&o.cpuset) }},
	{name: "memory", arg: "SIZE", group: groupRuntime, usage: "memory limit for every entry, e.g. 2g or 512m (docker: the container's limit; local: GOMEMLIMIT, a soft limit); default: none", value: func(o *options) flag.Value { return (*sizeValue)(&o.memory) }},
	{name: "server-port", arg: "PORT", group: groupRuntime, usage: "run entries on this port instead of their configured one", value: func(o *options) flag.Value { return (*portValue)(&o.serverPort) }},
	{name: "no-build", group: groupRuntime, usage: "docker: use the images a previous run built (go-tfb/<entry>, go-tfb/database, go-tfb/wrk) instead of building them", value: func(o *options) flag.Value { return (*boolValue)(&o.noBuild) }},
	{name: "server-host", arg: "ENDPOINT", group: groupRuntime, usage: "docker: the Docker engine for the entries (default: DOCKER_HOST or the local socket)", value: func(o *options) flag.Value { return (*dockerHostValue)(&o.serverHost) }},
	{name: "database-host", arg: "ENDPOINT", group: groupRuntime, usage: "docker: the Docker engine for the database (default: DOCKER_HOST or the local socket)", value: func(o *options) flag.Value { return (*dockerHostValue)(&o.databaseHost) }},
	{name: "client-host", arg: "ENDPOINT", group: groupRuntime, usage: "docker: the Docker engine for wrk (default: DOCKER_HOST or the local socket)", value: func(o *options) flag.Value { return (*dockerHostValue)(&o.clientHost) }},

	{name: "results-dir", arg: "DIR", group: groupOutput, usage: "results go to DIR/<timestamp>/ (default: results)", value: func(o *options) flag.Value { return (*stringValue)(&o.resultsDir) }},
	{name: "results-name", arg: "NAME", group: groupOutput, usage: "name recorded in results.json", value: func(o *options) flag.Value { return (*stringValue)(&o.resultsName) }},
	{name: "results-environment", arg: "TEXT", group: groupOutput, usage: "environment description recorded in results.json", value: func(o *options) flag.Value { return (*stringValue)(&o.resultsEnv) }},
	{name: "config", arg: "FILE", group: groupOutput, usage: "benchmark_config.json to read (default: the one at the repository root)", value: func(o *options) flag.Value { return (*stringValue)(&o.configPath) }},
	{name: "verbose", short: "v", group: groupOutput, usage: "debug logs on stderr", value: func(o *options) flag.Value { return (*boolValue)(&o.verbose) }},
}

// flagsIn returns the names of the flags declared in group g.
func flagsIn(g flagGroup) []string {
	var names []string
	for _, d := range flagDefs {
		if d.group == g {
			names = append(names, d.name)
		}
	}
	return names
}

// lookupFlag returns the declaration of the flag called name (or with that
// one-letter alias).
func lookupFlag(name string) (flagDef, bool) {
	for _, d := range flagDefs {
		if d.name == name || (d.short != "" && d.short == name) {
			return d, true
		}
	}
	return flagDef{}, false
}

// acceptedFlags returns the declarations of the flags a command accepts, in
// declaration order.
func acceptedFlags(accepted []string) []flagDef {
	var defs []flagDef
	for _, d := range flagDefs {
		if slices.Contains(accepted, d.name) {
			defs = append(defs, d)
		}
	}
	return defs
}

// isMultiValue reports whether the flag called name takes TFB's
// space-separated list of values.
func isMultiValue(name string) bool {
	d, ok := lookupFlag(name)
	if !ok {
		return false
	}
	switch d.value(&options{}).(type) {
	case *listFlag, *intListFlag:
		return true
	}
	return false
}

// parseFlags parses a command's arguments into options, TFB's multi-value
// syntax included. Only the flags in accepted are allowed; any mistake comes
// back as a usageError in tfb's words, naming the flag and the form expected.
func parseFlags(command string, accepted []string, args []string) (options, error) {
	o := defaultOptions()
	fs := flag.NewFlagSet("tfb "+command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var valueErr error // the first value a flag refused, with the flag's name
	for _, d := range acceptedFlags(accepted) {
		v := &namedValue{Value: d.value(&o), name: d.name, err: &valueErr}
		fs.Var(v, d.name, d.usage)
		if d.short != "" {
			fs.Var(v, d.short, d.usage)
		}
	}
	if err := fs.Parse(normalizeArgs(args)); err != nil {
		switch {
		case errors.Is(err, flag.ErrHelp):
			return o, err
		case valueErr != nil:
			return o, usageError{valueErr}
		}
		return o, usageError{explainParseError(command, accepted, err)}
	}
	if fs.NArg() > 0 {
		return o, usageError{fmt.Errorf("unexpected argument %q (flags take values as --test gin echo)", fs.Arg(0))}
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) {
		if d, ok := lookupFlag(f.Name); ok {
			o.set[d.name] = true
		}
	})
	return o, nil
}

// explainParseError turns the flag package's own errors (an unknown flag, a
// flag without its value) into tfb's words.
func explainParseError(command string, accepted []string, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		if d, known := lookupFlag(name); known {
			return fmt.Errorf("--%s does not apply to tfb %s (its flags: tfb help %s)", d.name, command, command)
		}
		if s := suggestFlag(name, accepted); s != "" {
			return fmt.Errorf("unknown flag --%s; did you mean --%s?", name, s)
		}
		return fmt.Errorf("unknown flag --%s (its flags: tfb help %s)", name, command)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		if d, known := lookupFlag(name); known {
			return fmt.Errorf("--%s needs a value: --%s %s", d.name, d.name, d.arg)
		}
	}
	return err
}

// suggestFlag returns the accepted flag closest to the unknown name, when it
// is close enough to be a typo.
func suggestFlag(name string, accepted []string) string {
	best, bestDist := "", 0
	for _, a := range accepted {
		d := editDistance(name, a)
		if best == "" || d < bestDist {
			best, bestDist = a, d
		}
	}
	if best == "" || bestDist > max(1, len(name)/3) {
		return ""
	}
	return best
}

// editDistance is the number of single-letter insertions, deletions,
// substitutions and swaps of neighbours that turn a into b (the optimal
// string alignment distance), so that "tset" is one step from "test".
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// namedValue records the first error of the value it wraps together with
// the flag's name, since the flag package reports it in its own words.
type namedValue struct {
	flag.Value
	name string
	err  *error
}

func (v *namedValue) Set(s string) error {
	err := v.Value.Set(s)
	if err != nil && *v.err == nil {
		*v.err = fmt.Errorf("--%s: %w", v.name, err)
	}
	return err
}

// IsBoolFlag lets a wrapped switch stand without a value.
func (v *namedValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
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

// secondsValue is a duration given as a whole number of seconds, at least 1.
type secondsValue int

func (s *secondsValue) String() string { return strconv.Itoa(int(*s)) }

func (s *secondsValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%q is not a whole number of seconds", v)
	}
	if n < 1 {
		return fmt.Errorf("must be at least 1 second, got %d", n)
	}
	*s = secondsValue(n)
	return nil
}

// countValue is a whole number, at least 1.
type countValue int

func (c *countValue) String() string { return strconv.Itoa(int(*c)) }

func (c *countValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("%q is not a positive whole number", v)
	}
	*c = countValue(n)
	return nil
}

// sleepValue is a pause given as a whole number of seconds, 0 or more.
type sleepValue int

func (s *sleepValue) String() string { return strconv.Itoa(int(*s)) }

func (s *sleepValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not 0 or more whole seconds", v)
	}
	*s = sleepValue(n)
	return nil
}

// portValue is a TCP port number.
type portValue int

func (p *portValue) String() string { return strconv.Itoa(int(*p)) }

func (p *portValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q is not a TCP port (1-65535)", v)
	}
	*p = portValue(n)
	return nil
}

// sizeValue is a memory size such as 512m or 2g, checked when given and kept
// as written (results.json records it so).
type sizeValue string

func (s *sizeValue) String() string { return string(*s) }

func (s *sizeValue) Set(v string) error {
	if _, err := parseBytes(v); err != nil {
		return err
	}
	*s = sizeValue(v)
	return nil
}

// dockerHostValue is a Docker engine endpoint in one of the forms the Docker
// client takes.
type dockerHostValue string

func (h *dockerHostValue) String() string { return string(*h) }

func (h *dockerHostValue) Set(v string) error {
	scheme, rest, ok := strings.Cut(v, "://")
	valid := ok && rest != "" && slices.Contains([]string{"unix", "tcp", "ssh", "npipe", "http", "https"}, scheme)
	if !valid {
		return fmt.Errorf("%q is not a Docker endpoint such as unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://user@host", v)
	}
	*h = dockerHostValue(v)
	return nil
}
