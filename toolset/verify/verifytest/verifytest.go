// Package verifytest runs the rule engine from a Go test: each test type
// becomes a subtest, and every problem, warnings included, fails it. The
// project's own entries must pass without warnings.
package verifytest

import (
	"testing"

	"github.com/go-tfb/suite/toolset/verify"
)

// Check verifies every test type the target declares.
func Check(t *testing.T, target verify.Target) {
	t.Helper()
	results := verify.Run(t.Context(), target, nil)
	if len(results) == 0 {
		t.Fatalf("entry %s declares no test type", target.Test.Name)
	}
	for _, r := range results {
		t.Run(string(r.Type), func(t *testing.T) {
			for _, p := range r.Problems {
				t.Error(p)
			}
			t.Logf("%s in %s", r.Status(), r.Duration)
		})
	}
}
