package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestRunCommandLine(t *testing.T) {
	badConfig := filepath.Join(t.TempDir(), "benchmark_config.json")
	if err := os.WriteFile(badConfig, []byte(`{"framework":"go","tests":[{"x":{"port":99999,"json_url":"/json"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	allCommands := strings.Join(commandNames(), ", ")
	for _, name := range []string{"list", "verify", "benchmark", "debug", "ceiling", "version", "help"} {
		if !slices.Contains(commandNames(), name) {
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
		{"no command", nil, exitUsage, "", ""},
		{"help", []string{"help"}, exitOK, "tfb help <command>", ""},
		{"--help", []string{"--help"}, exitOK, "Commands:", ""},
		{"help lists ceiling", []string{"help"}, exitOK, "  ceiling     measure /db and /fortunes", ""},
		{"help lists version", []string{"help"}, exitOK, "  version     print tfb's version", ""},
		{"help of an unknown command", []string{"help", "bench"}, exitUsage, "",
			`tfb help: unknown command "bench" (commands: ` + allCommands + `)`},
		{"unknown command", []string{"bench"}, exitUsage, "",
			`tfb: unknown command "bench"; did you mean "benchmark"? (commands: ` + allCommands + `; run 'tfb help')`},
		{"unknown command far from any", []string{"zzzzzz"}, exitUsage, "",
			`tfb: unknown command "zzzzzz" (commands: ` + allCommands + `; run 'tfb help')`},

		{"duration not a number", []string{"benchmark", "--duration", "abc"}, exitUsage, "",
			`tfb benchmark: --duration: "abc" is not a whole number of seconds`},
		{"duration with a unit", []string{"benchmark", "--duration=15s"}, exitUsage, "",
			`tfb benchmark: --duration: "15s" is not a whole number of seconds`},
		{"unknown flag with a suggestion", []string{"benchmark", "--duraton", "3"}, exitUsage, "",
			"tfb benchmark: unknown flag --duraton; did you mean --duration?"},
		{"unknown flag, single dash", []string{"verify", "-exlude", "gin"}, exitUsage, "",
			"tfb verify: unknown flag --exlude; did you mean --exclude?"},
		{"unknown flag without a suggestion", []string{"list", "--nope"}, exitUsage, "",
			"tfb list: unknown flag --nope (its flags: tfb help list)"},
		{"server-host not an endpoint", []string{"verify", "--server-host", "bogus"}, exitUsage, "",
			`tfb verify: --server-host: "bogus" is not a Docker endpoint such as unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://user@host`},
		{"client-host without a scheme", []string{"benchmark", "--client-host", "10.0.0.2:2375"}, exitUsage, "",
			`tfb benchmark: --client-host: "10.0.0.2:2375" is not a Docker endpoint such as unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://user@host`},
		{"flag without its value", []string{"list", "--test"}, exitUsage, "", "tfb list: --test needs a value: --test NAME..."},
		{"bad level", []string{"benchmark", "--concurrency-levels", "16", "x"}, exitUsage, "",
			`tfb benchmark: --concurrency-levels: "x" is not a positive whole number`},
		{"bad port", []string{"verify", "--server-port", "70000"}, exitUsage, "",
			`tfb verify: --server-port: "70000" is not a TCP port (1-65535)`},
		{"bad memory", []string{"verify", "--memory", "lots"}, exitUsage, "",
			`tfb verify: --memory: "lots" is not a size such as 512m or 2g`},
		{"bad switch value", []string{"verify", "--no-build=maybe"}, exitUsage, "",
			`tfb verify: --no-build: "maybe" is not true or false`},
		{"stray argument", []string{"list", "gin"}, exitUsage, "",
			`tfb list: unexpected argument "gin" (flags take values as --test gin echo)`},
		{"flag of another command", []string{"list", "--duration", "3"}, exitUsage, "",
			"tfb list: --duration does not apply to tfb list (its flags: tfb help list)"},
		{"zero repeats", []string{"benchmark", "--repeat", "0", "--runtime", "local"}, exitUsage, "",
			`tfb benchmark: --repeat: "0" is not a positive whole number`},
		{"negative sleep", []string{"benchmark", "--sleep", "-1", "--runtime", "local"}, exitUsage, "",
			`tfb benchmark: --sleep: "-1" is not 0 or more whole seconds`},
		{"repeat is for benchmark", []string{"verify", "--repeat", "3", "--runtime", "local"}, exitUsage, "",
			"tfb verify: --repeat does not apply to tfb verify (its flags: tfb help verify)"},
		{"ceiling: no-primer", []string{"ceiling", "--no-primer", "--runtime", "local"}, exitUsage, "",
			"tfb ceiling: --no-primer does not apply to tfb ceiling (its flags: tfb help ceiling)"},
		{"version -h", []string{"version", "-h"}, exitOK, "usage: tfb version", ""},
		{"version takes no argument", []string{"version", "x"}, exitUsage, "", `tfb version: takes no arguments, got "x"`},

		{"ceiling: benchmark flag", []string{"ceiling", "--concurrency-levels", "16", "--runtime", "local"}, exitUsage, "",
			"tfb ceiling: --concurrency-levels does not apply to tfb ceiling (its flags: tfb help ceiling)"},
		{"ceiling: zero duration", []string{"ceiling", "--duration", "0", "--runtime", "local"}, exitUsage, "",
			"tfb ceiling: --duration: must be at least 1 second, got 0"},
		{"ceiling: unknown entry", []string{"ceiling", "--test", "nope", "--runtime", "local"}, exitUsage, "",
			`tfb ceiling: unknown entry "nope" (entries: `},
		{"ceiling: unknown runtime", []string{"ceiling", "--runtime", "podman"}, exitUsage, "",
			`tfb ceiling: --runtime: unknown runtime "podman" (docker or local)`},
		{"unknown entry", []string{"list", "--test", "nope"}, exitUsage, "", `tfb list: unknown entry "nope" (entries: `},
		{"unknown type", []string{"list", "--type", "json", "xml"}, exitUsage, "",
			`tfb list: --type: unknown test type "xml" (valid: json, db, query, fortune, update, plaintext, cached_query)`},
		{"unknown profile", []string{"benchmark", "--profile", "round99", "--runtime", "local"}, exitUsage, "",
			`tfb benchmark: --profile: unknown profile "round99" (known: round20)`},
		{"bad config is one line naming the field", []string{"list", "--config", badConfig}, exitFailed, "", ""},
		{"roles need docker", []string{"verify", "--runtime", "local", "--server-host", "tcp://127.0.0.1:2375"}, exitUsage, "",
			"tfb verify: --server-host, --database-host and --client-host need --runtime docker"},
		{"debug wants one entry", []string{"debug", "--runtime", "local"}, exitUsage, "",
			"tfb debug: debug runs one entry: name it with --test (entries: "},

		{"list selected types", []string{"list", "--test", "gin", "--type", "json,plaintext"}, exitOK, "json plaintext", ""},
		{"list excludes", []string{"list", "--exclude", "gin", "echo"}, exitOK, "fiber", ""},
		{"version", []string{"version"}, exitOK, runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, ""},
		{"--version", []string{"--version"}, exitOK, "tfb ", ""},
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
			if tt.wantCode == exitOK && stderr.Len() > 0 {
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
	if code := run([]string{"list", "--config", badConfig}, &stdout, &stderr); code != exitFailed {
		t.Errorf("exit code %d, want %d", code, exitFailed)
	}
	msg := stderr.String()
	if !strings.HasPrefix(msg, "tfb list: ") || !strings.Contains(msg, `field "port": 99999 is not a TCP port`) || strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr = %q, want one line naming the field", msg)
	}
}

func TestNoCommandPrintsUsageOnStderr(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(nil, &stdout, &stderr); code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if stdout.Len() != 0 || stderr.String() != mainUsage() {
		t.Errorf("want the usage on stderr only; stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}

// TestCommandHelp checks, for every command, that `tfb help NAME` and
// `tfb NAME -h` print the same help on stdout with exit 0, and that it lists
// exactly the flags the command accepts.
func TestCommandHelp(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			var viaHelp, viaHelpErr bytes.Buffer
			if code := run([]string{"help", c.name}, &viaHelp, &viaHelpErr); code != exitOK || viaHelpErr.Len() > 0 {
				t.Fatalf("tfb help %s: exit %d, stderr %q", c.name, code, viaHelpErr.String())
			}
			if c.run != nil || c.name == "help" {
				// A self-contained command's help is its own text; its -h is
				// its own flag set's.
				if viaHelp.String() != c.help {
					t.Errorf("tfb help %s is not the command's help text:\n%s", c.name, viaHelp.String())
				}
				return
			}
			if !strings.HasPrefix(viaHelp.String(), "usage: tfb "+c.name) {
				t.Errorf("help does not start with its usage line:\n%s", viaHelp.String())
			}
			for _, flagArg := range []string{"-h", "--help"} {
				var viaFlag, viaFlagErr bytes.Buffer
				if code := run([]string{c.name, flagArg}, &viaFlag, &viaFlagErr); code != exitOK || viaFlagErr.Len() > 0 {
					t.Fatalf("tfb %s %s: exit %d, stderr %q", c.name, flagArg, code, viaFlagErr.String())
				}
				if viaFlag.String() != viaHelp.String() {
					t.Errorf("tfb %s %s differs from tfb help %s", c.name, flagArg, c.name)
				}
			}
			for _, d := range flagDefs {
				listed := strings.Contains(viaHelp.String(), "\n  --"+d.name+" ") || strings.Contains(viaHelp.String(), "\n  --"+d.name+"\n") ||
					strings.Contains(viaHelp.String(), ", --"+d.name+" ")
				if accepted := strings.Contains(" "+strings.Join(c.flags, " ")+" ", " "+d.name+" "); listed != accepted {
					t.Errorf("--%s listed %v, accepted %v", d.name, listed, accepted)
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

// TestSelfContainedCommandPlugsIn adds a command the way report, compare,
// new, lint and changed are wired in, one entry with its own run function,
// and checks that tfb lists it, shows its help and hands it its raw
// arguments, a live context and stdout, and returns its exit status.
func TestSelfContainedCommandPlugsIn(t *testing.T) {
	const probeHelp = "Usage: tfb probe [--anything]\n"
	var gotArgs []string
	probe := func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		if ctx.Err() != nil {
			t.Error("the command's context is already done")
		}
		gotArgs = args
		fmt.Fprintln(stdout, "probed")
		return 3
	}
	saved := commands
	t.Cleanup(func() { commands = saved })
	commands = append(slices.Clone(commands), command{name: "probe", summary: "a command from elsewhere", help: probeHelp, run: probe})

	tests := []struct {
		args       []string
		wantCode   int
		wantStdout string
	}{
		{[]string{"probe", "--anything", "x", "-h"}, 3, "probed\n"},
		{[]string{"help", "probe"}, exitOK, probeHelp},
		{[]string{"help"}, exitOK, "  probe       a command from elsewhere\n"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, &stdout, &stderr); code != tt.wantCode {
			t.Errorf("tfb %q: exit %d, want %d (stderr %q)", tt.args, code, tt.wantCode, stderr.String())
		}
		if !strings.Contains(stdout.String(), tt.wantStdout) {
			t.Errorf("tfb %q: stdout %q lacks %q", tt.args, stdout.String(), tt.wantStdout)
		}
	}
	if !slices.Equal(gotArgs, []string{"--anything", "x", "-h"}) {
		t.Errorf("the command got %q, want its raw arguments", gotArgs)
	}
}
