package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

func TestRunCommandLine(t *testing.T) {
	badConfig := filepath.Join(t.TempDir(), "benchmark_config.json")
	if err := os.WriteFile(badConfig, []byte(`{"framework":"go","tests":[{"x":{"port":99999,"json_url":"/json"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	commandNames := program().Names()
	allCommands := strings.Join(commandNames, ", ")
	for _, name := range []string{"list", "verify", "benchmark", "debug", "ceiling", "version", "help"} {
		if !slices.Contains(commandNames, name) {
			t.Errorf("no command %q in %s", name, allCommands)
		}
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string // the whole of stderr, one line
	}{
		{"no command", nil, base.ExitUsage, "", ""},
		{"help", []string{"help"}, base.ExitOK, "tfb help <command>", ""},
		{"--help", []string{"--help"}, base.ExitOK, "Commands:", ""},
		{"help lists ceiling", []string{"help"}, base.ExitOK, "  ceiling     measure the entries against this machine's ceiling and nginx", ""},
		{"help lists version", []string{"help"}, base.ExitOK, "  version     print tfb's version", ""},
		{"help of an unknown command", []string{"help", "bench"}, base.ExitUsage, "",
			`tfb help: unknown command "bench" (commands: ` + allCommands + `)`},
		{"unknown command", []string{"bench"}, base.ExitUsage, "",
			`tfb: unknown command "bench"; did you mean "benchmark"? (commands: ` + allCommands + `; run 'tfb help')`},
		{"unknown command far from any", []string{"zzzzzz"}, base.ExitUsage, "",
			`tfb: unknown command "zzzzzz" (commands: ` + allCommands + `; run 'tfb help')`},

		{"duration not a number", []string{"benchmark", "--duration", "abc"}, base.ExitUsage, "",
			`tfb benchmark: --duration: "abc" is not a whole number of seconds`},
		{"duration with a unit", []string{"benchmark", "--duration=15s"}, base.ExitUsage, "",
			`tfb benchmark: --duration: "15s" is not a whole number of seconds`},
		{"unknown flag with a suggestion", []string{"benchmark", "--duraton", "3"}, base.ExitUsage, "",
			"tfb benchmark: unknown flag --duraton; did you mean --duration?"},
		{"unknown flag, single dash", []string{"verify", "-exlude", "gin"}, base.ExitUsage, "",
			"tfb verify: unknown flag --exlude; did you mean --exclude?"},
		{"unknown flag without a suggestion", []string{"list", "--nope"}, base.ExitUsage, "",
			"tfb list: unknown flag --nope (its flags: tfb help list)"},
		{"server-host not an endpoint", []string{"verify", "--server-host", "bogus"}, base.ExitUsage, "",
			`tfb verify: --server-host: "bogus" is not a Docker endpoint such as unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://user@host`},
		{"client-host without a scheme", []string{"benchmark", "--client-host", "10.0.0.2:2375"}, base.ExitUsage, "",
			`tfb benchmark: --client-host: "10.0.0.2:2375" is not a Docker endpoint such as unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://user@host`},
		{"flag without its value", []string{"list", "--test"}, base.ExitUsage, "", "tfb list: --test needs a value: --test NAME..."},
		{"bad level", []string{"benchmark", "--concurrency-levels", "16", "x"}, base.ExitUsage, "",
			`tfb benchmark: --concurrency-levels: "x" is not a positive whole number`},
		{"bad port", []string{"verify", "--server-port", "70000"}, base.ExitUsage, "",
			`tfb verify: --server-port: "70000" is not a TCP port (1-65535)`},
		{"bad memory", []string{"verify", "--memory", "lots"}, base.ExitUsage, "",
			`tfb verify: --memory: "lots" is not a size such as 512m or 2g`},
		{"bad switch value", []string{"verify", "--no-build=maybe"}, base.ExitUsage, "",
			`tfb verify: --no-build: "maybe" is not true or false`},
		{"stray argument", []string{"list", "gin"}, base.ExitUsage, "",
			`tfb list: unexpected argument "gin" (flags take values as --test gin echo)`},
		{"flag of another command", []string{"list", "--duration", "3"}, base.ExitUsage, "",
			"tfb list: --duration does not apply to tfb list (its flags: tfb help list)"},
		{"zero repeats", []string{"benchmark", "--repeat", "0", "--runtime", "local"}, base.ExitUsage, "",
			`tfb benchmark: --repeat: "0" is not a positive whole number`},
		{"negative sleep", []string{"benchmark", "--sleep", "-1", "--runtime", "local"}, base.ExitUsage, "",
			`tfb benchmark: --sleep: "-1" is not 0 or more whole seconds`},
		{"repeat is for benchmark", []string{"verify", "--repeat", "3", "--runtime", "local"}, base.ExitUsage, "",
			"tfb verify: --repeat does not apply to tfb verify (its flags: tfb help verify)"},
		{"ceiling: no-primer", []string{"ceiling", "--no-primer", "--runtime", "local"}, base.ExitUsage, "",
			"tfb ceiling: --no-primer does not apply to tfb ceiling (its flags: tfb help ceiling)"},
		{"version -h", []string{"version", "-h"}, base.ExitOK, "usage: tfb version", ""},
		{"version takes no argument", []string{"version", "x"}, base.ExitUsage, "", `tfb version: takes no arguments, got "x"`},

		{"ceiling: benchmark flag", []string{"ceiling", "--concurrency-levels", "16", "--runtime", "local"}, base.ExitUsage, "",
			"tfb ceiling: --concurrency-levels does not apply to tfb ceiling (its flags: tfb help ceiling)"},
		{"ceiling: zero duration", []string{"ceiling", "--duration", "0", "--runtime", "local"}, base.ExitUsage, "",
			"tfb ceiling: --duration: must be at least 1 second, got 0"},
		{"ceiling: unknown entry", []string{"ceiling", "--test", "nope", "--runtime", "local"}, base.ExitUsage, "",
			`tfb ceiling: unknown entry "nope" (entries: `},
		{"ceiling: unknown runtime", []string{"ceiling", "--runtime", "podman"}, base.ExitUsage, "",
			`tfb ceiling: --runtime: unknown runtime "podman" (docker or local)`},
		{"unknown entry", []string{"list", "--test", "nope"}, base.ExitUsage, "", `tfb list: unknown entry "nope" (entries: `},
		{"unknown type", []string{"list", "--type", "json", "xml"}, base.ExitUsage, "",
			`tfb list: --type: unknown test type "xml" (valid: json, db, query, fortune, update, plaintext, cached_query)`},
		{"unknown profile", []string{"benchmark", "--profile", "round99", "--runtime", "local"}, base.ExitUsage, "",
			`tfb benchmark: --profile: unknown profile "round99" (known: round20)`},
		{"bad config is one line naming the field", []string{"list", "--config", badConfig}, base.ExitFailed, "", ""},
		{"roles need docker", []string{"verify", "--runtime", "local", "--server-host", "tcp://127.0.0.1:2375"}, base.ExitUsage, "",
			"tfb verify: --server-host, --database-host and --client-host need --runtime docker"},
		{"debug wants one entry", []string{"debug", "--runtime", "local"}, base.ExitUsage, "",
			"tfb debug: debug runs one entry: name it with --test (entries: "},

		{"list selected types", []string{"list", "--test", "gin", "--type", "json,plaintext"}, base.ExitOK, "json plaintext", ""},
		{"list excludes", []string{"list", "--exclude", "gin", "echo"}, base.ExitOK, "fiber", ""},
		{"version", []string{"version"}, base.ExitOK, runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, ""},
		{"--version", []string{"--version"}, base.ExitOK, "tfb ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout.String())
			}
			// A message listing the entries is checked up to the list, which
			// grows with benchmark_config.json.
			if tt.wantStderr != "" && !strings.HasSuffix(tt.wantStderr, "(entries: ") && stderr.String() != tt.wantStderr+"\n" {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.wantStderr+"\n")
			}
			if strings.HasSuffix(tt.wantStderr, "(entries: ") && (!strings.HasPrefix(stderr.String(), tt.wantStderr) || strings.Count(stderr.String(), "\n") != 1) {
				t.Errorf("stderr = %q, want one line starting %q", stderr.String(), tt.wantStderr)
			}
			if tt.wantCode == base.ExitOK && stderr.Len() > 0 {
				t.Errorf("stderr not empty on success: %s", stderr.String())
			}
		})
	}
}

// TestBadConfigIsOneLine checks that a bad benchmark_config.json gives one
// line naming the file's field and what is expected.
func TestBadConfigIsOneLine(t *testing.T) {
	badConfig := filepath.Join(t.TempDir(), "benchmark_config.json")
	if err := os.WriteFile(badConfig, []byte(`{"framework":"go","tests":[{"x":{"port":99999,"json_url":"/json"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"list", "--config", badConfig}, &stdout, &stderr); code != base.ExitFailed {
		t.Errorf("exit code %d, want %d", code, base.ExitFailed)
	}
	msg := stderr.String()
	if !strings.HasPrefix(msg, "tfb list: ") || !strings.Contains(msg, `field "port": 99999 is not a TCP port`) || strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr = %q, want one line naming the field", msg)
	}
}

func TestNoCommandPrintsUsageOnStderr(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(nil, &stdout, &stderr); code != base.ExitUsage {
		t.Errorf("exit code %d, want %d", code, base.ExitUsage)
	}
	if stdout.Len() != 0 || stderr.String() != program().Usage() {
		t.Errorf("want the usage on stderr only; stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}

// TestCommandHelp checks, for every command, that `tfb help NAME`, `tfb
// NAME -h` and `tfb NAME --help` print the same help on stdout with exit 0,
// and that it lists exactly the flags the command accepts.
func TestCommandHelp(t *testing.T) {
	commands := program().Commands
	var allFlags []string // of every command
	for _, c := range commands {
		for _, name := range c.Flags.Names() {
			if !slices.Contains(allFlags, name) {
				allFlags = append(allFlags, name)
			}
		}
	}
	for _, c := range commands {
		t.Run(c.Name, func(t *testing.T) {
			var viaHelp, viaHelpErr bytes.Buffer
			if code := run([]string{"help", c.Name}, &viaHelp, &viaHelpErr); code != base.ExitOK || viaHelpErr.Len() > 0 {
				t.Fatalf("tfb help %s: exit %d, stderr %q", c.Name, code, viaHelpErr.String())
			}
			if c.UsageLine != "" && !strings.HasPrefix(viaHelp.String(), "usage: "+c.UsageLine+"\n") {
				t.Errorf("help does not start with its usage line:\n%s", viaHelp.String())
			}
			for _, flagArg := range []string{"-h", "--help"} {
				var viaFlag, viaFlagErr bytes.Buffer
				if code := run([]string{c.Name, flagArg}, &viaFlag, &viaFlagErr); code != base.ExitOK || viaFlagErr.Len() > 0 {
					t.Fatalf("tfb %s %s: exit %d, stderr %q", c.Name, flagArg, code, viaFlagErr.String())
				}
				if viaFlag.String() != viaHelp.String() {
					t.Errorf("tfb %s %s differs from tfb help %s", c.Name, flagArg, c.Name)
				}
			}
			for _, name := range allFlags {
				listed := strings.Contains(viaHelp.String(), "\n  --"+name+" ") || strings.Contains(viaHelp.String(), "\n  --"+name+"\n") ||
					strings.Contains(viaHelp.String(), ", --"+name+" ")
				if accepted := slices.Contains(c.Flags.Names(), name); listed != accepted {
					t.Errorf("--%s listed %v, accepted %v", name, listed, accepted)
				}
			}
		})
	}
}

func TestBenchmarkHelpShowsItsFlagsOnly(t *testing.T) {
	tests := []struct {
		command  string
		want     []string
		wantNone []string
	}{
		{"benchmark", []string{"  --duration SECONDS", "  --concurrency-levels N...", "  --runtime docker|local", "  -v, --verbose", "Results (DIR/<timestamp>/)"}, nil},
		{"list", []string{"  --test NAME...", "  --type TYPE..."}, []string{"  --duration", "  --runtime", "  --results-dir"}},
		{"debug", []string{"  --test NAME...", "  --server-port PORT"}, []string{"  --exclude", "  --type", "  --duration", "  --results-dir"}},
		{"ceiling", []string{"  --duration SECONDS", "1 / (1/json + 1/world_select_best)"}, []string{"goal", "  --type", "  --profile", "  --results-name"}},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			var stdout bytes.Buffer
			run([]string{tt.command, "-h"}, &stdout, &stdout)
			for _, s := range tt.want {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("help lacks %q:\n%s", s, stdout.String())
				}
			}
			for _, s := range tt.wantNone {
				if strings.Contains(stdout.String(), s) {
					t.Errorf("help has %q:\n%s", s, stdout.String())
				}
			}
		})
	}
}

// TestCommandPlugsIn adds a command the way every command is wired in, one
// *base.Command with its flags and its Run, and checks that tfb lists it,
// shows its help and hands it the arguments left after its flags, a live
// context and stdout, and turns the error it returns into tfb's message
// and exit status.
func TestCommandPlugsIn(t *testing.T) {
	var gotArgs []string
	var anything bool
	probe := &base.Command{Name: "probe", Short: "a command from elsewhere", Long: "Usage: tfb probe [--anything] ARG...\n"}
	probe.Flags.Group("Flags").BoolVar(&anything, "anything", "anything at all")
	probe.Run = func(ctx context.Context, args []string) error {
		if ctx.Err() != nil {
			t.Error("the command's context is already done")
		}
		gotArgs = args
		fmt.Fprintln(probe.Stdout(), "probed")
		return base.Usagef("probe wants no %q", args[0])
	}
	const probeHelp = "Usage: tfb probe [--anything] ARG...\n\nFlags:\n  --anything                      anything at all\n"

	tests := []struct {
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{[]string{"probe", "x", "--anything", "y"}, base.ExitUsage, "probed\n", "tfb probe: probe wants no \"x\"\n"},
		{[]string{"probe", "-h"}, base.ExitOK, probeHelp, ""},
		{[]string{"help", "probe"}, base.ExitOK, probeHelp, ""},
		{[]string{"help"}, base.ExitOK, "  probe       a command from elsewhere\n", ""},
		{[]string{"list", "--anything"}, base.ExitUsage, "", "tfb list: --anything does not apply to tfb list (its flags: tfb help list)\n"},
	}
	for _, tt := range tests {
		p := program()
		p.Commands = append(p.Commands, probe)
		var stdout, stderr bytes.Buffer
		if code := p.Run(context.Background(), tt.args, &stdout, &stderr); code != tt.wantCode {
			t.Errorf("tfb %q: exit %d, want %d (stderr %q)", tt.args, code, tt.wantCode, stderr.String())
		}
		if !strings.Contains(stdout.String(), tt.wantStdout) {
			t.Errorf("tfb %q: stdout %q lacks %q", tt.args, stdout.String(), tt.wantStdout)
		}
		if stderr.String() != tt.wantStderr {
			t.Errorf("tfb %q: stderr %q, want %q", tt.args, stderr.String(), tt.wantStderr)
		}
	}
	if !slices.Equal(gotArgs, []string{"x", "y"}) || !anything {
		t.Errorf("the command got %q and --anything %v, want its arguments x y and the flag set", gotArgs, anything)
	}
}
