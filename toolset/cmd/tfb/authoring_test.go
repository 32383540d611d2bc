package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// TestAuthoringCommands checks the command lines of tfb new, lint and
// changed: usage errors exit 2 with one line, failures 1, help 0.
func TestAuthoringCommands(t *testing.T) {
	tmp := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "benchmark_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A configuration that config.Load accepts but lint does not: the
	// directory has no frameworks/ and no docker-compose.yml.
	lintBad := filepath.Join(tmp, "benchmark_config.json")
	if err := os.WriteFile(lintBad, bytes.Replace(data, []byte(`"language": "Go"`), []byte(`"language": "Golang"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"new: help", []string{"new", "--help"}, base.ExitOK, "Usage: tfb new NAME --framework MODULE", ""},
		{"new: no name", []string{"new", "--framework", "github.com/go-chi/chi/v5"}, base.ExitUsage, "", "tfb new: usage: tfb new NAME"},
		{"new: no framework", []string{"new", "demo"}, base.ExitUsage, "", "tfb new: usage: tfb new NAME --framework"},
		{"new: unknown flag", []string{"new", "demo", "--frame", "x"}, base.ExitUsage, "", "tfb new: unknown flag --frame; did you mean --framework?"},
		{"new: two names", []string{"new", "demo", "--framework", "github.com/go-chi/chi/v5", "other"}, base.ExitUsage, "", `tfb new: unexpected argument "other"`},
		{"new: bad name", []string{"new", "Demo", "--framework", "github.com/go-chi/chi/v5"}, base.ExitFailed, "", `tfb new: name "Demo": want a Go package name`},
		{"new: taken name", []string{"new", "gin", "--framework", "github.com/go-chi/chi/v5"}, base.ExitFailed, "", `tfb new: name "gin": frameworks/gin already exists`},
		{"new: bad module", []string{"new", "demo", "--framework", "chi"}, base.ExitFailed, "", "tfb new: --framework chi: malformed module path"},
		{"new: dry run", []string{"new", "demo", "--framework", "github.com/go-chi/chi/v5@v5.5.0", "--dry-run"}, base.ExitOK, "would create frameworks/demo/main.go", ""},
		{"lint: help", []string{"lint", "--help"}, base.ExitOK, "Usage: tfb lint", ""},
		{"lint: the repository", []string{"lint"}, base.ExitOK, "", ""},
		{"lint: problems", []string{"lint", "--config", lintBad}, base.ExitFailed, `benchmark_config.json: tests[0].nethttp.language: "Golang", want Go`, "tfb lint: "},
		{"lint: argument", []string{"lint", "gin"}, base.ExitUsage, "", `tfb lint: unexpected argument "gin"`},
		{"verify lints first", []string{"verify", "--config", lintBad, "--runtime", "local"}, base.ExitFailed, "", "problem(s) in the entries' metadata (tfb lint lists them)"},
		{"changed: help", []string{"changed", "--help"}, base.ExitOK, "Usage: tfb changed --base REF", ""},
		{"changed: no base", []string{"changed"}, base.ExitUsage, "", "tfb changed: missing --base REF"},
		{"changed: unknown base", []string{"changed", "--base", "no-such-ref-here"}, base.ExitFailed, "", "tfb changed: --base no-such-ref-here: git merge-base:"},
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
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
			if tt.args[0] != "verify" && tt.wantCode != base.ExitOK && strings.Count(strings.TrimSpace(stderr.String()), "\n") > 0 {
				t.Errorf("error is not one line:\n%s", stderr.String())
			}
		})
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "frameworks", "demo")); err == nil {
		t.Error("tfb new --dry-run created frameworks/demo")
	}
}
