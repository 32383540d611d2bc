package docker

import (
	"context"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/backend/backendtest"
	"github.com/go-tfb/suite/toolset/tfbrepo"
	"github.com/go-tfb/suite/toolset/tfbrepo/tfbrepotest"
	"github.com/go-tfb/suite/toolset/verify"
)

// TestFrameworkBenchmarksTests builds the test tree's tests from their own
// dockerfiles — the Go ones and the Python one — runs each as TFB does,
// reaching its database as tfb-database:5432, and verifies it. Where no
// registry answers, the build notes say which images stood in and where
// the Go modules came from.
func TestFrameworkBenchmarksTests(t *testing.T) {
	tfbrepotest.HoldGotestPort(t)
	d := dockerRuntime(t, Options{RepoDir: backendtest.RepoRoot(t)})
	ctx := t.Context()
	if err := d.Prepare(ctx, false); err != nil {
		t.Fatal(err)
	}
	tree, err := tfbrepo.Open(ctx, tfbrepotest.Tree(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		offline []string // notes an offline build has
		log     string   // a line the entry prints
	}{
		{"tfb-gotest", []string{"FROM docker.io/golang:1.24.2: no registry answers; the local golang:1.26-bookworm stands in for it", "module proxy"},
			"database tfb-database:5432 reachable at 127."},
		{"tfb-gotest-stages", []string{"skipped apk add --no-cache git", "FROM alpine:latest: no registry answers; the local debian:bookworm-slim stands in"}, ""},
		{"tfb-pytest", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test, err := tree.Test(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			if err := d.Build(ctx, test, &log); err != nil {
				t.Fatalf("build: %v\n%s", err, log.String())
			}
			notes := strings.Join(d.BuildNotes(test.Name), "\n")
			if strings.Contains(log.String(), "tfb: docker pull ") {
				for _, n := range tc.offline {
					if !strings.Contains(notes, n) {
						t.Errorf("offline build notes lack %q:\n%s", n, notes)
					}
				}
			}
			started, err := backend.Start(ctx, d, test, &log, nil)
			if err != nil {
				t.Fatalf("start: %v\n%s", err, log.String())
			}
			defer started.Stop(context.WithoutCancel(ctx))
			results, err := verify.RunWithDatabase(ctx, started.Server.BaseURL(), test, started.DB.URL(), test.Types())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				if r.Status() == verify.Fail {
					t.Errorf("%s: %s", r.Type, r)
				}
			}
			if tc.log != "" && !strings.Contains(log.String(), tc.log) {
				t.Errorf("the entry's log lacks %q:\n%s", tc.log, log.String())
			}
		})
	}
}
