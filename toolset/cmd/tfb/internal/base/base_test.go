package base

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// testFlags are the flags of the commands of testProgram.
type testFlags struct {
	tests, types StringList
	levels       IntList
	duration     int
	resultsDir   string
	verbose      bool
	output       string
	noRound20    bool
}

// testProgram is a program of two commands like tfb's: "run", whose flags
// are in three groups, some multi-valued, and "report", with -o, a switch
// and a documented -h. Their Run records what it was given in got.
func testProgram(got *[]string) (*Program, *testFlags) {
	f := &testFlags{types: StringList{Values: []string{"all"}}, levels: IntList{Values: []int{16, 32}}, duration: 15}
	run := &Command{Name: "run", UsageLine: "tfb run [flags]", Short: "run things", Long: "Run things.\n"}
	sel := run.Flags.Group("Selecting")
	sel.Var(&f.tests, "test", "NAME...", "entries to run")
	sel.Var(&f.types, "type", "TYPE...", "test types")
	run.Flags.Group("Method").Var(&f.levels, "concurrency-levels", "N...", "connections")
	run.Flags.Group("Method").IntVar(&f.duration, "duration", "SECONDS", "length of each level")
	out := run.Flags.Group("Output")
	out.StringVar(&f.resultsDir, "results-dir", "DIR", "where results go")
	out.BoolVar(&f.verbose, "verbose", "debug logs")
	out.Alias("v", "verbose")

	report := &Command{Name: "report", Short: "write a page", Long: "Usage: tfb report RUN...\n", More: "\nExit status: 0.\n",
		Layout: Layout{Column: 22, Width: 60}}
	g := report.Flags.Group("Flags")
	g.StringVar(&f.output, "output", "FILE", "where to write the page (default: report.html in the run's directory)")
	g.Alias("o", "output")
	g.BoolVar(&f.noRound20, "no-round20", "leave out the Round 20 section")
	g.HelpVar("show this text")

	for _, c := range []*Command{run, report} {
		c.Run = func(ctx context.Context, args []string) error {
			if ctx.Err() != nil {
				return errors.New("the context is already done")
			}
			*got = append([]string{c.Name}, args...)
			fmt.Fprintln(c.Stdout(), "ran", c.Name)
			if len(args) > 0 && args[0] == "fail" {
				return errors.New("it failed")
			}
			return nil
		}
	}
	return &Program{Commands: []*Command{run, report}, Aliases: map[string]string{"--run": "run"}, Intro: "intro\n", Outro: "outro\n"}, f
}

func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		positional []string
		wantErr    string // the whole message of the UsageError
		check      func(f *testFlags) bool
	}{
		{"defaults", []string{"run"}, nil, "", func(f *testFlags) bool {
			return slices.Equal(f.types.Values, []string{"all"}) && slices.Equal(f.levels.Values, []int{16, 32}) && f.duration == 15
		}},
		{"TFB's several values", []string{"run", "--test", "gin", "echo", "--type=json", "--type", "db,plaintext", "--concurrency-levels", "8", "9"}, nil, "", func(f *testFlags) bool {
			return slices.Equal(f.tests.Values, []string{"gin", "echo"}) && slices.Equal(f.types.Values, []string{"json", "db", "plaintext"}) && slices.Equal(f.levels.Values, []int{8, 9})
		}},
		{"alias and single dash", []string{"run", "-v", "-duration", "3"}, nil, "", func(f *testFlags) bool { return f.verbose && f.duration == 3 }},
		{"arguments between flags", []string{"report", "A", "-o", "x.html", "B", "--no-round20", "C"}, []string{"A", "B", "C"}, "", func(f *testFlags) bool {
			return f.output == "x.html" && f.noRound20
		}},
		{"unknown flag, close to one", []string{"run", "--duraton", "3"}, nil, "unknown flag --duraton; did you mean --duration?", nil},
		{"unknown flag, abbreviation of one", []string{"run", "--dur", "3"}, nil, "unknown flag --dur; did you mean --duration?", nil},
		{"unknown flag, abbreviation of several", []string{"run", "--t", "gin"}, nil, "unknown flag -t (its flags: tfb help run)", nil},
		{"unknown flag", []string{"run", "--nope"}, nil, "unknown flag --nope (its flags: tfb help run)", nil},
		{"flag of another command", []string{"run", "--no-round20"}, nil, "--no-round20 does not apply to tfb run (its flags: tfb help run)", nil},
		{"alias of another command's flag", []string{"run", "-o", "x"}, nil, "--output does not apply to tfb run (its flags: tfb help run)", nil},
		{"missing value", []string{"run", "--test"}, nil, "--test needs a value: --test NAME...", nil},
		{"missing value of an alias", []string{"report", "A", "-o"}, nil, "-o needs a value: -o FILE", nil},
		{"bad number", []string{"run", "--duration", "x"}, nil, `--duration: "x" is not a whole number`, nil},
		{"bad switch value through its alias", []string{"run", "-v=maybe"}, nil, `--verbose: "maybe" is not true or false`, nil},
		{"bad level", []string{"run", "--concurrency-levels", "16", "x"}, nil, `--concurrency-levels: "x" is not a positive whole number`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			p, f := testProgram(&got)
			positional, err := p.parse(p.Lookup(tt.args[0]), tt.args[1:])
			var usage *UsageError
			switch {
			case tt.wantErr != "":
				if !errors.As(err, &usage) || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want the UsageError %q", err, tt.wantErr)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if !slices.Equal(positional, tt.positional) {
				t.Errorf("positional arguments %q, want %q", positional, tt.positional)
			}
			if tt.check != nil && !tt.check(f) {
				t.Errorf("flags parsed into %+v", *f)
			}
		})
	}
}

func TestNormalizeArgs(t *testing.T) {
	var fs FlagSet
	g := fs.Group("Flags")
	var tests, types StringList
	var levels, pipeline IntList
	var resultsDir, runtime string
	var duration int
	var verbose bool
	g.Var(&tests, "test", "NAME...", "")
	g.Var(&types, "type", "TYPE...", "")
	g.Var(&levels, "concurrency-levels", "N...", "")
	g.Var(&pipeline, "pipeline-concurrency-levels", "N...", "")
	g.StringVar(&resultsDir, "results-dir", "DIR", "")
	g.StringVar(&runtime, "runtime", "docker|local", "")
	g.IntVar(&duration, "duration", "SECONDS", "")
	g.BoolVar(&verbose, "verbose", "")
	g.Alias("v", "verbose")
	tests2 := []struct {
		name string
		in   []string
		want []string
	}{
		{"TFB style space-separated values",
			[]string{"--test", "gin", "echo", "--type", "json", "plaintext", "--duration", "2"},
			[]string{"--test=gin", "--test=echo", "--type=json", "--type=plaintext", "--duration", "2"}},
		{"equals form kept",
			[]string{"--type=json", "--concurrency-levels=16,32"},
			[]string{"--type=json", "--concurrency-levels=16,32"}},
		{"single dash",
			[]string{"-test", "gin", "-v"},
			[]string{"--test=gin", "-v"}},
		{"levels then another flag",
			[]string{"--concurrency-levels", "16", "32", "--pipeline-concurrency-levels", "64", "--runtime", "local"},
			[]string{"--concurrency-levels=16", "--concurrency-levels=32", "--pipeline-concurrency-levels=64", "--runtime", "local"}},
		{"flag without value left for the flag package",
			[]string{"--test", "--type", "json"},
			[]string{"--test", "--type=json"}},
		{"single-value flags untouched",
			[]string{"--results-dir", "out", "--runtime", "docker"},
			[]string{"--results-dir", "out", "--runtime", "docker"}},
		{"double dash stops rewriting",
			[]string{"--", "--type", "json"},
			[]string{"--", "--type", "json"}},
		{"empty", nil, []string{}},
	}
	for _, tt := range tests2 {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeArgs(tt.in, fs.isMultiValue); !slices.Equal(got, tt.want) {
				t.Errorf("normalizeArgs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestListFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		types   []string
		levels  []int
		wantErr bool
	}{
		{"defaults", nil, []string{"all"}, []int{16, 32}, false},
		{"space separated", []string{"--type", "json", "db", "--concurrency-levels", "64", "128"}, []string{"json", "db"}, []int{64, 128}, false},
		{"comma lists and repeats", []string{"--type=json,db", "--type", "plaintext", "--concurrency-levels=8,9"}, []string{"json", "db", "plaintext"}, []int{8, 9}, false},
		{"bad level", []string{"--concurrency-levels", "x"}, nil, nil, true},
		{"zero level", []string{"--concurrency-levels", "0"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fs FlagSet
			types := &StringList{Values: []string{"all"}}
			levels := &IntList{Values: []int{16, 32}}
			fs.Group("Flags").Var(types, "type", "TYPE...", "")
			fs.Group("Flags").Var(levels, "concurrency-levels", "N...", "")
			err := fs.flags().Parse(normalizeArgs(tt.args, fs.isMultiValue))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if !slices.Equal(types.Values, tt.types) || !slices.Equal(levels.Values, tt.levels) {
				t.Errorf("got types %q levels %v, want %q %v", types.Values, levels.Values, tt.types, tt.levels)
			}
		})
	}
}

func TestExitStatus(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	stdoutClosed, cancelCause := context.WithCancelCause(context.Background())
	cancelCause(errStdoutClosed)
	tests := []struct {
		name       string
		ctx        context.Context
		command    string
		err        error
		wantStatus int
		wantStderr string
	}{
		{"success", context.Background(), "run", nil, ExitOK, ""},
		{"usage error", context.Background(), "run", Usagef("--x: %q is bad", "y"), ExitUsage, "tfb run: --x: \"y\" is bad\n"},
		{"usage error wrapped", context.Background(), "run", fmt.Errorf("while parsing: %w", Usagef("bad")), ExitUsage, "tfb run: while parsing: bad\n"},
		{"usage error of tfb itself", context.Background(), "", Usagef("unknown command"), ExitUsage, "tfb: unknown command\n"},
		{"failure", context.Background(), "run", errors.New("boom"), ExitFailed, "tfb run: boom\n"},
		{"failure already reported", context.Background(), "run", ErrAlreadyReported, ExitFailed, ""},
		{"failure already reported, then stopped", canceled, "run", ErrAlreadyReported, ExitFailed, ""},
		{"stopped", canceled, "run", context.Canceled, ExitFailed, "tfb: stopped\n"},
		{"stopped after finishing", canceled, "debug", nil, ExitOK, ""},
		{"stdout closed", stdoutClosed, "run", nil, ExitFailed, "tfb: stopped: stdout closed\n"},
		{"stdout closed with an error", stdoutClosed, "run", errors.New("boom"), ExitFailed, "tfb: stopped: stdout closed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if got := exitStatus(tt.ctx, tt.command, tt.err, &stderr); got != tt.wantStatus {
				t.Errorf("exit status %d, want %d", got, tt.wantStatus)
			}
			if stderr.String() != tt.wantStderr {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

func TestProgramRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantStdout string
		wantStderr string
		wantRan    []string
	}{
		{"no command", nil, ExitUsage, "", "intro\n  run         run things\n  report      write a page\noutro\n", nil},
		{"unknown command", []string{"rn"}, ExitUsage, "", "tfb: unknown command \"rn\"; did you mean \"run\"? (commands: run, report; run 'tfb help')\n", nil},
		{"alias", []string{"--run"}, ExitOK, "ran run\n", "", []string{"run"}},
		{"arguments and flags", []string{"report", "A", "-o", "x", "B"}, ExitOK, "ran report\n", "", []string{"report", "A", "B"}},
		{"failure", []string{"report", "fail"}, ExitFailed, "ran report\n", "tfb report: it failed\n", []string{"report", "fail"}},
		{"flag error", []string{"report", "--nope"}, ExitUsage, "", "tfb report: unknown flag --nope (its flags: tfb help report)\n", nil},
		{"-h", []string{"run", "-h"}, ExitOK, "usage: tfb run [flags]\n", "", nil},
		{"--help after arguments", []string{"report", "A", "--help"}, ExitOK, "Usage: tfb report RUN...\n", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran []string
			p, _ := testProgram(&ran)
			var stdout, stderr bytes.Buffer
			if got := p.Run(context.Background(), tt.args, &stdout, &stderr); got != tt.wantStatus {
				t.Errorf("exit status %d, want %d (stderr %q)", got, tt.wantStatus, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout %q, want it to start with %q", stdout.String(), tt.wantStdout)
			}
			if stderr.String() != tt.wantStderr {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.wantStderr)
			}
			if !slices.Equal(ran, tt.wantRan) {
				t.Errorf("ran %q, want %q", ran, tt.wantRan)
			}
		})
	}
}

// TestProgramRunStopped runs a command whose context is canceled: tfb says
// it stopped and exits with status 1 (before that it may say it is
// stopping, if it notices before the command returns).
func TestProgramRunStopped(t *testing.T) {
	var ran []string
	p, _ := testProgram(&ran)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if got := p.Run(ctx, []string{"run"}, &stdout, &stderr); got != ExitFailed {
		t.Errorf("exit status %d, want %d", got, ExitFailed)
	}
	got := strings.TrimPrefix(stderr.String(), "\ntfb: stopping (Ctrl-C again to end at once)\n")
	if got != "tfb: stopped\n" {
		t.Errorf("stderr %q, want tfb: stopped", stderr.String())
	}
}

func TestCommandLine(t *testing.T) {
	var ran []string
	p, _ := testProgram(&ran)
	var stdout, stderr bytes.Buffer
	p.Run(context.Background(), []string{"run", "--test", "gin", "echo", "-v"}, &stdout, &stderr)
	if got, want := p.Lookup("run").CommandLine(), []string{"tfb", "run", "--test", "gin", "echo", "-v"}; !slices.Equal(got, want) {
		t.Errorf("CommandLine() = %q, want %q", got, want)
	}
}

func TestHelp(t *testing.T) {
	var ran []string
	p, _ := testProgram(&ran)
	tests := []struct {
		command string
		want    string
	}{
		{"run", `usage: tfb run [flags]

Run things.

Selecting:
  --test NAME...                  entries to run
  --type TYPE...                  test types

Method:
  --concurrency-levels N...       connections
  --duration SECONDS              length of each level

Output:
  --results-dir DIR               where results go
  -v, --verbose                   debug logs
`},
		{"report", `Usage: tfb report RUN...

Flags:
  -o, --output FILE   where to write the page (default:
                      report.html in the run's directory)
  --no-round20        leave out the Round 20 section
  -h, --help          show this text

Exit status: 0.
`},
	}
	for _, tt := range tests {
		if got := p.Lookup(tt.command).Help(); got != tt.want {
			t.Errorf("help of %s:\n%s\nwant:\n%s", tt.command, got, tt.want)
		}
	}
}

func TestHelpPutsALongFormOnItsOwnLine(t *testing.T) {
	var c Command
	var levels IntList
	c.Flags.Group("Method").Var(&levels, "pipeline-concurrency-levels", "N...", "connections for plaintext, 16 requests pipelined per connection")
	want := "\nMethod:\n  --pipeline-concurrency-levels N...\n" +
		"                                  connections for plaintext, 16 requests pipelined per connection\n"
	if got := c.Help(); got != want {
		t.Errorf("help:\n%q\nwant:\n%q", got, want)
	}
}
