package local

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/tfbrepo"
	"github.com/go-tfb/suite/toolset/tfbrepo/tfbrepotest"
	"github.com/go-tfb/suite/toolset/verify"
)

// TestFrameworkBenchmarksTest builds the test tree's Go tests as their
// dockerfiles say, starts each against a cluster that it reaches as
// tfb-database:5432, and verifies it.
func TestFrameworkBenchmarksTest(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the private /etc/hosts of TFB's tests needs root")
		}
		t.Skip("the private /etc/hosts of TFB's tests needs root")
	}
	tfbrepotest.HoldGotestPort(t)
	tree, err := tfbrepo.Open(t.Context(), tfbrepotest.Tree(t))
	if err != nil {
		t.Fatal(err)
	}
	rt := New(Options{})
	ctx := t.Context()
	if err := rt.Prepare(ctx, false); err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.WithoutCancel(ctx))
	for _, tc := range []struct {
		name  string
		notes string
	}{
		{"tfb-gotest", "this machine stands in for the image"},
		{"tfb-gotest-stages", "skipped apk add --no-cache git"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test, err := tree.Test(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			if err := rt.Build(ctx, test, &log); err != nil {
				t.Fatalf("build: %v\n%s", err, log.String())
			}
			if notes := strings.Join(rt.BuildNotes(test.Name), "\n"); !strings.Contains(notes, tc.notes) {
				t.Errorf("build notes lack %q:\n%s", tc.notes, notes)
			}
			started, err := backend.Start(ctx, rt, test, &log, nil)
			if err != nil {
				t.Fatalf("start: %v\n%s", err, log.String())
			}
			defer started.Stop(context.WithoutCancel(ctx))
			if !strings.Contains(started.DB.URL(), ":5432/") {
				t.Errorf("database at %s, want port 5432", started.DB.URL())
			}
			results, err := verify.RunWithDatabase(ctx, started.Server.BaseURL(), test, started.DB.URL(), test.Types())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				if r.Status() != verify.Pass {
					t.Errorf("%s: %s", r.Type, r)
				}
			}
			if !strings.Contains(log.String(), "database tfb-database:5432 reachable at 127.") {
				t.Errorf("the entry did not reach tfb-database:5432:\n%s", log.String())
			}
		})
	}
}

func TestFrameworkBenchmarksTestsOtherThanGo(t *testing.T) {
	tree, err := tfbrepo.Open(t.Context(), tfbrepotest.Tree(t))
	if err != nil {
		t.Fatal(err)
	}
	test, err := tree.Test("tfb-pytest")
	if err != nil {
		t.Fatal(err)
	}
	rt := New(Options{})
	if err := rt.Prepare(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.WithoutCancel(t.Context()))
	err = rt.Build(t.Context(), test, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "Python: the local runtime builds Go tests only") {
		t.Errorf("Build(tfb-pytest) = %v, want the local runtime to refuse Python", err)
	}
}
