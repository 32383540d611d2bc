package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunCommandLine(t *testing.T) {
	badConfig := filepath.Join(t.TempDir(), "benchmark_config.json")
	if err := os.WriteFile(badConfig, []byte(`{"framework":"go","tests":[{"x":{"port":99999,"json_url":"/json"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"no command", nil, exitUsage, "", "Usage:"},
		{"help", []string{"help"}, exitOK, "--pipeline-concurrency-levels", ""},
		{"--help after a command", []string{"verify", "--help"}, exitOK, "Commands:", ""},
		{"unknown command", []string{"bench"}, exitUsage, "", `unknown command "bench"`},
		{"unknown command lists ceiling", []string{"bench"}, exitUsage, "", "debug, ceiling, help"},
		{"help lists ceiling", []string{"help"}, exitOK, "tfb ceiling --runtime local", ""},
		{"ceiling: unknown flag", []string{"ceiling", "--nope"}, exitUsage, "", "flag provided but not defined"},
		{"ceiling: benchmark flag", []string{"ceiling", "--concurrency-levels", "16", "--runtime", "local"}, exitUsage, "", "does not apply to ceiling"},
		{"ceiling: zero duration", []string{"ceiling", "--duration", "0", "--runtime", "local"}, exitUsage, "", "--duration must be at least 1 second"},
		{"ceiling: unknown entry", []string{"ceiling", "--test", "nope", "--runtime", "local"}, exitUsage, "", `unknown entry "nope"`},
		{"ceiling: unknown runtime", []string{"ceiling", "--runtime", "podman"}, exitUsage, "", "unknown runtime"},
		{"unknown flag", []string{"list", "--nope"}, exitUsage, "", "flag provided but not defined"},
		{"unknown entry", []string{"list", "--test", "nope"}, exitUsage, "", `unknown entry "nope"`},
		{"unknown type", []string{"list", "--type", "json", "xml"}, exitUsage, "", `unknown test type "xml"`},
		{"bad level", []string{"benchmark", "--concurrency-levels", "16", "x"}, exitUsage, "", "flag -concurrency-levels"},
		{"zero repeats", []string{"benchmark", "--repeat", "0", "--runtime", "local"}, exitUsage, "", "--repeat: 0 is not a positive whole number"},
		{"negative sleep", []string{"benchmark", "--sleep", "-1", "--runtime", "local"}, exitUsage, "", "--sleep: -1 is not 0 or more seconds"},
		{"repeat is for benchmark", []string{"verify", "--repeat", "3", "--runtime", "local"}, exitUsage, "", "--repeat applies to benchmark only"},
		{"ceiling: repeat", []string{"ceiling", "--repeat", "3", "--runtime", "local"}, exitUsage, "", "--repeat does not apply to ceiling"},
		{"unknown profile", []string{"benchmark", "--profile", "round99", "--runtime", "local"}, exitUsage, "", "unknown profile"},
		{"bad config is one line naming the field", []string{"list", "--config", badConfig}, exitFailed, "", `field "port": 99999 is not a TCP port`},
		{"roles need docker", []string{"verify", "--runtime", "local", "--server-host", "tcp://127.0.0.1:2375"}, exitUsage, "", "need --runtime docker"},
		{"debug wants one entry", []string{"debug", "--runtime", "local"}, exitUsage, "", "debug runs one entry"},
		{"list selected types", []string{"list", "--test", "gin", "--type", "json,plaintext"}, exitOK, "json plaintext", ""},
		{"list excludes", []string{"list", "--exclude", "gin", "echo"}, exitOK, "fiber", ""},
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
			if tt.wantCode != exitOK && strings.Count(strings.TrimSpace(stderr.String()), "\n") > 0 && tt.wantStderr != "Usage:" && !strings.Contains(stderr.String(), "flag") {
				t.Errorf("error is not one line:\n%s", stderr.String())
			}
		})
	}
	if out := func() string {
		var b bytes.Buffer
		run([]string{"list", "--exclude", "gin", "echo"}, &b, &b)
		return b.String()
	}(); strings.Contains(out, "gin ") || strings.Contains(out, "echo ") {
		t.Errorf("excluded entries listed:\n%s", out)
	}
}
