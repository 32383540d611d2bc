package tfbrepo_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/tfbrepo"
	"github.com/go-tfb/suite/toolset/tfbrepo/tfbrepotest"
)

// TestCheckoutBuilds builds Go tests of a real checkout on this machine:
// those TFB_TEST_CHECKOUT_TESTS lists, by default fiber, fasthttp,
// atreugo and go-std's pgx, which build at Round 20's commit and today's.
func TestCheckoutBuilds(t *testing.T) {
	dir := tfbrepotest.Checkout(t)
	tree, err := tfbrepo.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Fields(os.Getenv("TFB_TEST_CHECKOUT_TESTS"))
	if len(names) == 0 {
		names = []string{"tfb-fiber", "tfb-fasthttp", "tfb-atreugo", "tfb-go-pgx"}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			test, err := tree.Test(name)
			if err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			res, err := tfbrepo.Build(context.Background(), test, tfbrepo.Options{Dir: t.TempDir(), Log: &log})
			if err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			t.Logf("%s: %q in %s; notes:\n%s", name, res.Command, res.Dir, strings.Join(res.Notes, "\n"))
		})
	}
}
