package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/tfbrepo"
	"github.com/go-tfb/suite/toolset/tfbrepo/tfbrepotest"
)

// TestTFBRepoSelection checks how --tfb-repo (and TFB_REPO) add a
// FrameworkBenchmarks tree's tests to the entries, and what is said of bad
// input.
func TestTFBRepoSelection(t *testing.T) {
	tree := tfbrepotest.Tree(t)
	empty := t.TempDir()
	for _, tc := range []struct {
		name   string
		env    string
		args   []string
		code   int
		stdout []string // lines of list's output that must appear (their first words)
		absent string
		stderr string
	}{
		{"list takes the tree's tests", "", []string{"list", "--tfb-repo", tree}, base.ExitOK,
			[]string{"gin ", "tfb-gotest ", "tfb-gotest-mysql ", "tfb-pytest "}, "", ""},
		{"list shows the database, refused ones marked", "", []string{"list", "--tfb-repo", tree, "--test", "tfb-gotest-mysql"}, base.ExitOK,
			[]string{"tfb-gotest-mysql", "MySQL (not run: PostgreSQL only)"}, "gin ", ""},
		{"ours beside theirs", "", []string{"list", "--tfb-repo", tree, "--test", "gin", "tfb-gotest", "fiber", "tfb-pytest"}, base.ExitOK,
			[]string{"gin ", "fiber ", "tfb-gotest ", "tfb-pytest "}, "echo ", ""},
		{"TFB_REPO", tree, []string{"list", "--test", "tfb-gotest-stages"}, base.ExitOK, []string{"tfb-gotest-stages "}, "", ""},
		{"exclude a test of the tree", "", []string{"list", "--tfb-repo", tree, "--exclude", "tfb-pytest"}, base.ExitOK,
			[]string{"tfb-gotest "}, "tfb-pytest", ""},
		{"a name the tree lacks lists the close ones", "", []string{"list", "--tfb-repo", tree, "--test", "tfb-gotset"}, base.ExitUsage, nil, "",
			"tfb list: " + mustAbs(t, tree) + " has no test gotset (close: tfb-gotest"},
		{"not a tree", "", []string{"list", "--tfb-repo", empty}, base.ExitUsage, nil, "",
			"tfb list: --tfb-repo: tfb repo " + empty + ": not a FrameworkBenchmarks tree: looked for frameworks/<Language>/<dir>/benchmark_config.json under it"},
		{"a tfb- name without a tree", "", []string{"list", "--test", "tfb-fiber"}, base.ExitUsage, nil, "",
			"tfb list: tfb-fiber: a test of a FrameworkBenchmarks tree; name the tree with --tfb-repo DIR or TFB_REPO"},
		{"another database is refused", "", []string{"verify", "--tfb-repo", tree, "--test", "tfb-gotest-mysql", "--runtime", "local"}, base.ExitUsage, nil, "",
			"tfb verify: tfb-gotest-mysql uses MySQL, and this suite runs PostgreSQL (or no database) only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tfbrepo.EnvVar, tc.env)
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if tc.absent != "" && strings.Contains(stdout.String(), tc.absent) {
				t.Errorf("stdout has %q:\n%s", tc.absent, stdout.String())
			}
			if !strings.HasPrefix(stderr.String(), tc.stderr) {
				t.Errorf("stderr = %q, want it to start %q", stderr.String(), tc.stderr)
			}
		})
	}
}

func mustAbs(t *testing.T, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestBenchmarkBesideFrameworkBenchmarksTests benchmarks one of this suite's
// entries beside the test tree's Go test with the local runtime, in one
// run, and checks results.json records both, the tree and the build's
// substitutions, and that compare --round 20 takes the run.
func TestBenchmarkBesideFrameworkBenchmarksTests(t *testing.T) {
	needLocalTools(t, true)
	if os.Geteuid() != 0 {
		fixture.Unavailable(t, errors.New("the local runtime runs TFB's tests in a private mount namespace, which needs root"))
	}
	tfbrepotest.HoldGotestPort(t)
	tmp, port := scratchDir(t), freeTCPPort(t)
	file, _ := runBenchmark(t, tmp, 5*time.Minute, "--tfb-repo", tfbrepotest.Tree(t), "--test", "nethttp", "tfb-gotest",
		"--type", "json", "--duration", "1", "--concurrency-levels", "8", "--no-primer", "--sleep", "0",
		"--runtime", "local", "--server-port", strconv.Itoa(port))
	loaded, err := runs.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	d := loaded.Doc
	for _, entry := range []string{"nethttp", "tfb-gotest"} {
		if len(d.RawData["json"][entry]) != 1 || d.Verify[entry]["json"] != "pass" {
			t.Errorf("%s: rawData %v, verify %v", entry, d.RawData["json"][entry], d.Verify[entry])
		}
	}
	repo := d.Environment.TFBRepo
	if repo == nil || repo.Commit != tfbrepo.UnknownCommit || !strings.Contains(strings.Join(repo.Substitutions["tfb-gotest"], "\n"), "this machine stands in") {
		t.Errorf("environment.tfbRepo = %+v", repo)
	}
	log, err := os.ReadFile(filepath.Join(filepath.Dir(file), "tfb-gotest", "server.log"))
	if err != nil || !strings.Contains(string(log), "tfb: stage 0 (FROM docker.io/golang:1.24.2)") {
		t.Errorf("server.log lacks the substitutions: %v\n%s", err, log)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"compare", "--round", "20", file}, &stdout, &stderr); code != base.ExitOK {
		t.Errorf("compare --round 20: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "tfb-gotest: Round 20's gotest has no json result.") {
		t.Errorf("compare --round 20 does not set tfb-gotest beside Round 20:\n%s", stdout.String())
	}
	assertNothingLeft(t, tmp, port)
}
