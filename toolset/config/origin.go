package config

import "strings"

// TFBPrefix starts the name of every entry that comes from a
// FrameworkBenchmarks tree: "tfb-" and TFB's own test name.
const TFBPrefix = "tfb-"

// Origin says where an entry comes from when it is not this suite's own: a
// test of a FrameworkBenchmarks tree (a checkout of TechEmpower's
// repository, or any tree with its frameworks/<Language>/<dir> layout),
// built from the test's own dockerfile with its directory as context, as
// TFB builds it.
type Origin struct {
	// Tree is the root of the FrameworkBenchmarks tree.
	Tree string
	// Dir is the test's directory, frameworks/<Language>/<dir> under Tree.
	Dir string
	// Language is the <Language> of that path, as TFB's tree spells it
	// ("Go", "Python", "JavaScript", ...).
	Language string
	// TestName is TFB's name of the test: the framework's name for the
	// "default" test, else "<framework>-<key>".
	TestName string
	// Dockerfile is the test's dockerfile, a path relative to Dir:
	// "<TestName>.dockerfile" unless benchmark_config.json names another.
	Dockerfile string
	// Tags are the test's tags in benchmark_config.json ("broken", ...).
	Tags []string
	// Commit is the tree's git commit, "unknown" when it has none.
	Commit string
}

// IsGo reports whether the test is written in Go, which the local runtime
// alone can build.
func (o *Origin) IsGo() bool { return strings.EqualFold(o.Language, "Go") }

// FromTFB reports whether the entry is a test of a FrameworkBenchmarks tree.
func (t Test) FromTFB() bool { return t.Origin != nil }

// UsesPostgres reports whether the entry's database is PostgreSQL or none,
// the databases this suite runs: TFB spells them "Postgres" and "None",
// this suite "postgres" and "none".
func (t Test) UsesPostgres() bool {
	switch strings.ToLower(t.Database) {
	case "", "none", "postgres", "postgresql":
		return true
	}
	return false
}
