// Package tfbrepotest gives the tests of several packages the small
// FrameworkBenchmarks tree written for them (frameworks/Go/gotest, a
// net/http server of the standard library alone, and frameworks/Python/pytest,
// on Debian's python3), and the real checkout named by an environment
// variable, for the tests that need one.
package tfbrepotest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// CheckoutEnv names the environment variable that points the tests at a
// real FrameworkBenchmarks checkout; the tests that need one are skipped
// without it (they fail under CI=true only in the nightly job, which sets
// it).
const CheckoutEnv = "TFB_TEST_CHECKOUT"

// Tree is the test tree's root.
func Tree(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("tfbrepotest: no caller information")
	}
	return filepath.Join(filepath.Dir(file), "..", "testdata", "tree")
}

// Checkout is the FrameworkBenchmarks checkout CheckoutEnv names; the test
// is skipped when it names none.
func Checkout(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(CheckoutEnv)
	if dir == "" {
		t.Skipf("%s names no FrameworkBenchmarks checkout", CheckoutEnv)
	}
	return dir
}
