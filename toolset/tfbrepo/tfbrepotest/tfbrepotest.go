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
	"syscall"
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

// GotestPort is the port every test of the tree's frameworks/Go/gotest
// serves on, as its benchmark_config.json, dockerfile and source say.
const GotestPort = 28180

// HoldGotestPort keeps GotestPort to the calling test until it ends: tests
// that start the gotest server, in this package's process or in another
// package's (go test runs packages in parallel), wait here for each other
// instead of colliding on the port.
func HoldGotestPort(t testing.TB) {
	t.Helper()
	path := filepath.Join(os.TempDir(), "tfbrepotest-gotest-port.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("tfbrepotest: open the gotest port lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("tfbrepotest: lock %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() }) // closing the file releases the lock
}
