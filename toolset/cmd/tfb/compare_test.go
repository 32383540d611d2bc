package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// TestCompareCommand runs `tfb compare` on the compare package's sample runs.
func TestCompareCommand(t *testing.T) {
	const (
		runA = "../../compare/testdata/run-a"
		runB = "../../compare/testdata/run-b"
		tfb  = "../../runs/testdata/tfb-results.json"
		// Runs with CPU profiles.
		profA = "../../report/testdata/run-profiles"
		profB = "../../report/testdata/run-profiles-b"
	)
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "results.json")
	if err := os.WriteFile(corrupt, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.json")
	if err := os.WriteFile(other, []byte(`{"environment": {}, "rawData": {"db": {"fiber": [{"connections": 16, "requestsPerSecond": 1}]}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// run-a with the platforms a run now records: gin on nethttp, and fiber
	// on fasthttp, which the run lacks.
	withPlatforms := filepath.Join(dir, "platforms.json")
	data, err := os.ReadFile(filepath.Join(runA, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("{"), []byte(`{"platforms": {"gin": "nethttp"},`), 1)
	if err := os.WriteFile(withPlatforms, data, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // substrings
		stderrLine string   // substring of the one line on stderr
	}{
		{"side by side", []string{runA, runB}, base.ExitOK, []string{"Requests per second", "faster", "slower", "within noise", "Verdict rule:"}, ""},
		{"flags after runs", []string{runA, runB, "--format", "markdown"}, base.ExitOK, []string{"| type | entry |", "**faster**"}, ""},
		{"flag with =", []string{"--format=html", runA, runB}, base.ExitOK, []string{"<!DOCTYPE html>", "<table>"}, ""},
		{"TFB's file beside a run", []string{runA, tfb}, base.ExitOK, []string{"tfb-results.json", "no claim"}, ""},
		{"round 20", []string{"--round", "20", runA}, base.ExitOK, []string{"TechEmpower Round 20 (source)", "Xeon Gold 5120", "go-pgx", "Ranking:"}, ""},
		{"help", []string{"--help"}, base.ExitOK, []string{"tfb compare RUN RUN"}, ""},
		{"profiles side by side", []string{profA, profB}, base.ExitOK, []string{"json, gin: CPU profile, run-profiles-b beside run-profiles", "json, nethttp: CPU profile", "flat change"}, ""},
		{"two entries of a run", []string{profA, "--entries", "gin", "nethttp"}, base.ExitOK, []string{"nethttp beside gin, run run-profiles", "json: CPU profile, nethttp beside gin", "plaintext: CPU profile"}, ""},
		{"two entries, markdown", []string{profA, "--format", "markdown", "--entries", "gin", "nethttp"}, base.ExitOK, []string{"| function | flat gin | flat nethttp |"}, ""},
		{"two entries without profiles", []string{runA, "--entries", "gin", "nethttp"}, base.ExitOK, []string{"nethttp beside gin"}, ""},
		{"entries: one entry", []string{profA, "--entries", "gin"}, base.ExitUsage, nil, "tfb compare: --entries takes two entries, got 1"},
		{"entries: run after the flag", []string{"--entries", "gin", "nethttp", profA}, base.ExitUsage, nil, "the run goes before the flag"},
		{"entries: two runs", []string{profA, profB, "--entries", "gin", "nethttp"}, base.ExitUsage, nil, "--entries compares two entries of one run, got 2 runs"},
		{"entries: unknown entry", []string{profA, "--entries", "gin", "chi"}, base.ExitFailed, nil, "no test type measured for both gin and chi"},
		{"overhead", []string{"--overhead", withPlatforms}, base.ExitOK, []string{"json: framework overhead", "gin    nethttp", "server CPU/req ÷ platform's"}, ""},
		{"overhead, json", []string{"--overhead", withPlatforms, "--format", "json"}, base.ExitOK, []string{`"platform": "nethttp"`, `"verdict": "`}, ""},
		{"overhead without platforms", []string{"--overhead", runA}, base.ExitFailed, nil, "no measured entry runs on another entry"},
		{"overhead of two runs", []string{"--overhead", runA, runB}, base.ExitUsage, nil, "--overhead reads one run, got 2"},
		{"one run", []string{runA}, base.ExitUsage, nil, "tfb compare: need at least two runs"},
		{"unknown format", []string{"--format", "yaml", runA, runB}, base.ExitUsage, nil, `tfb compare: --format: unknown format "yaml"`},
		{"unknown flag", []string{"--colour", runA, runB}, base.ExitUsage, nil, "tfb compare: unknown flag --colour"},
		{"other round", []string{"--round", "21", runA}, base.ExitUsage, nil, "tfb compare: --round 21: only Round 20"},
		{"round without run", []string{"--round", "20"}, base.ExitUsage, nil, "tfb compare: --round 20 needs a run"},
		{"missing run", []string{runA, filepath.Join(dir, "nope")}, base.ExitFailed, nil, filepath.Join(dir, "nope") + ": no such file or directory"},
		{"corrupt run", []string{runA, dir}, base.ExitFailed, nil, corrupt + ": not a valid results.json: line 1, column 2: invalid character"},
		{"no overlap", []string{tfb, other}, base.ExitFailed, nil, "no entry and test type of " + tfb + " is measured in " + other + " too"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"compare"}, tc.args...), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if tc.stderrLine == "" {
				if stderr.Len() > 0 {
					t.Errorf("stderr: %s", stderr.String())
				}
				return
			}
			if !strings.Contains(stderr.String(), tc.stderrLine) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr %q, want one line with %q", stderr.String(), tc.stderrLine)
			}
			if strings.Contains(stdout.String()+stderr.String(), "\x1b[") {
				t.Error("colour in output that is not a terminal")
			}
		})
	}
}

// TestCompareCommandJSON: --format json is valid JSON for both modes.
func TestCompareCommandJSON(t *testing.T) {
	tests := []struct {
		args []string
		into any
	}{
		{[]string{"--format", "json", "../../compare/testdata/run-a", "../../compare/testdata/run-b"}, &map[string]any{}},
		{[]string{"--format", "json", "--round", "20", "../../compare/testdata/run-a", "../../compare/testdata/run-b"}, &[]map[string]any{}},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"compare"}, tc.args...), &stdout, &stderr); code != base.ExitOK {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr.String())
		}
		if err := json.Unmarshal(stdout.Bytes(), tc.into); err != nil {
			t.Errorf("%v: output is not JSON of the documented shape: %v", tc.args, err)
		}
	}
	var runs []map[string]any
	var stdout, stderr bytes.Buffer
	run([]string{"compare", "--format", "json", "--round", "20", "../../compare/testdata/run-a", "../../compare/testdata/run-b"}, &stdout, &stderr)
	if err := json.Unmarshal(stdout.Bytes(), &runs); err != nil || len(runs) != 2 {
		t.Errorf("--round 20 of two runs: %d objects (%v), want 2", len(runs), err)
	}
}

// TestColorWanted: no colour for a buffer, a pipe, or with NO_COLOR set.
func TestColorWanted(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if colorWanted(&bytes.Buffer{}) || colorWanted(w) {
		t.Error("colour wanted for a buffer or a pipe")
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return // no terminal here; the pipe case above still ran
	}
	defer tty.Close()
	t.Setenv("NO_COLOR", "")
	if !colorWanted(tty) {
		t.Error("no colour for a terminal")
	}
	t.Setenv("NO_COLOR", "1")
	if colorWanted(tty) {
		t.Error("colour with NO_COLOR set")
	}
}
