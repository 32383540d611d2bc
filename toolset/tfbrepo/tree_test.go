package tfbrepo_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/tfbrepo"
	"github.com/go-tfb/suite/toolset/tfbrepo/tfbrepotest"
)

func TestOpenNamesTestsAsTFB(t *testing.T) {
	tree, err := tfbrepo.Open(context.Background(), tfbrepotest.Tree(t))
	if err != nil {
		t.Fatal(err)
	}
	if tree.Commit != tfbrepo.UnknownCommit {
		t.Errorf("commit of a tree inside another repository = %q, want %q", tree.Commit, tfbrepo.UnknownCommit)
	}
	if len(tree.Problems) > 0 {
		t.Errorf("problems: %v", tree.Problems)
	}
	for _, tc := range []struct {
		name, testName, dockerfile, language string
		postgres                             bool
		types                                []config.TestType
	}{
		{"tfb-gotest", "gotest", "gotest.dockerfile", "Go", true, []config.TestType{config.JSON, config.Plaintext}},
		{"tfb-gotest-stages", "gotest-stages", "gotest-stages.dockerfile", "Go", true, []config.TestType{config.JSON, config.Plaintext}},
		{"tfb-gotest-mysql", "gotest-mysql", "gotest-mysql.dockerfile", "Go", false, []config.TestType{config.JSON}},
		{"tfb-gotest-nocompile", "gotest-nocompile", "nocompile.dockerfile", "Go", true, []config.TestType{config.JSON}},
		{"tfb-pytest", "pytest", "pytest.dockerfile", "Python", true, []config.TestType{config.JSON, config.DB, config.Plaintext}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test, err := tree.Test(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			o := test.Origin
			if o == nil || o.TestName != tc.testName || o.Dockerfile != tc.dockerfile || o.Language != tc.language {
				t.Fatalf("origin = %+v, want test %s, dockerfile %s, language %s", o, tc.testName, tc.dockerfile, tc.language)
			}
			if test.UsesPostgres() != tc.postgres {
				t.Errorf("UsesPostgres() = %v for database %q", !tc.postgres, test.Database)
			}
			if got := test.Types(); !equal(got, tc.types) {
				t.Errorf("types = %v, want %v", got, tc.types)
			}
			if _, err := os.Stat(filepath.Join(o.Dir, o.Dockerfile)); err != nil {
				t.Error(err)
			}
		})
	}
}

func equal(a, b []config.TestType) bool {
	return strings.Join(types(a), " ") == strings.Join(types(b), " ")
}

func types(tt []config.TestType) []string {
	var s []string
	for _, t := range tt {
		s = append(s, string(t))
	}
	return s
}

func TestUnknownNameListsCloseOnes(t *testing.T) {
	tree, err := tfbrepo.Open(context.Background(), tfbrepotest.Tree(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"tfb-gotset", "close: tfb-gotest"},
		{"tfb-gotest-stage", "tfb-gotest-stages"},
		{"tfb-zzzzzzzzzz", "tfb list --tfb-repo"},
	} {
		_, err := tree.Test(tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Test(%q) = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

func TestOpenRefusesOtherTrees(t *testing.T) {
	empty := t.TempDir()
	langs := t.TempDir()
	if err := os.MkdirAll(filepath.Join(langs, "frameworks", "Go", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{empty, "looked for frameworks/<Language>/<dir>/benchmark_config.json under it, found none (no frameworks directory)"},
		{langs, "frameworks/ holds 1 directories but none has a <dir>/benchmark_config.json"},
		{filepath.Join(empty, "missing"), "no such file or directory"},
	} {
		_, err := tfbrepo.Open(context.Background(), tc.dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%s) = %v, want an error with %q", tc.dir, err, tc.want)
		}
	}
}
