// Package verify is the rule engine: it checks a running entry against
// TFB's rules (docs/spec.md) for each test type and says, per type, whether it
// passes, passes with warnings or fails, with the reasons a contributor needs
// to fix it.
//
// The conformance tests (go test ./...) and the toolset (tfb verify) both call
// Run, so both apply exactly the same rules.
package verify

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-tfb/suite/toolset/config"
)

// Severity grades a problem, and a result by its worst problem.
type Severity int

// Severities, from best to worst.
const (
	Pass Severity = iota
	Warn
	Fail
)

// String returns "pass", "warn" or "fail", as TFB's results.json spells them.
func (s Severity) String() string {
	switch s {
	case Pass:
		return "pass"
	case Warn:
		return "warn"
	}
	return "fail"
}

// Problem is one broken or doubtful rule.
type Problem struct {
	Severity Severity
	Message  string
	// URL is the request that showed the problem, relative to the entry.
	URL string
}

func (p Problem) String() string {
	if p.URL == "" {
		return fmt.Sprintf("%s: %s", p.Severity, p.Message)
	}
	return fmt.Sprintf("%s: %s (%s)", p.Severity, p.Message, p.URL)
}

// Result is the verdict on one test type of one entry.
type Result struct {
	Type     config.TestType
	Problems []Problem
	// Duration is how long the checks took.
	Duration time.Duration
}

// Status is the worst severity among the problems: Pass when there are none.
func (r Result) Status() Severity {
	worst := Pass
	for _, p := range r.Problems {
		worst = max(worst, p.Severity)
	}
	return worst
}

// String renders the result as the verification text a contributor reads.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (%s)\n", r.Type, r.Status(), r.Duration.Round(time.Millisecond))
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

// Target is a running entry to verify.
type Target struct {
	// BaseURL is where the entry listens, such as http://127.0.0.1:8080.
	BaseURL string
	// Test is the entry's benchmark_config.json entry: its URLs.
	Test config.Test
	// DB, when set, is a connection pool to the database the entry uses. It
	// enables the checks that need the database: query counts from
	// pg_stat_statements, that updates persist, and that the cache agrees
	// with the table. Without it those checks are skipped with a warning.
	DB *pgxpool.Pool
	// Client makes the requests; nil means a client suited to the
	// concurrency the checks use.
	Client *http.Client
}

// runOrder is the order the checks run in: update last, because it changes
// the table the cached_query check compares the cache with.
var runOrder = []config.TestType{
	config.JSON, config.Plaintext, config.DB, config.Query,
	config.CachedQuery, config.Fortune, config.Update,
}

// Run verifies the given test types of the target (all the entry declares
// when types is empty) and returns one Result per type, in TFB's order.
// Types the entry does not declare are left out.
func Run(ctx context.Context, t Target, types []config.TestType) []Result {
	if len(types) == 0 {
		types = t.Test.Types()
	}
	v := newVerifier(t)
	results := map[config.TestType]*Result{}
	for _, tt := range runOrder {
		if !slices.Contains(types, tt) || t.Test.URL(tt) == "" {
			continue
		}
		start := time.Now()
		r := &Result{Type: tt}
		r.Problems = v.check(ctx, tt)
		r.Duration = time.Since(start)
		results[tt] = r
	}
	if first := v.dateProbe; first != nil {
		r := results[first.testType]
		start := time.Now()
		r.Problems = append(r.Problems, v.checkDateChanges(ctx)...)
		r.Duration += time.Since(start)
	}
	var out []Result
	for _, tt := range config.TestTypes {
		if r, ok := results[tt]; ok {
			out = append(out, *r)
		}
	}
	return out
}

// RunWithDatabase verifies the entry at baseURL as Run does, with a pool of
// its own on the entry's database at databaseURL (empty for none) for the
// checks that need it. It is the shape the benchmark runner calls.
func RunWithDatabase(ctx context.Context, baseURL string, test config.Test, databaseURL string, types []config.TestType) ([]Result, error) {
	target := Target{BaseURL: baseURL, Test: test}
	if databaseURL != "" {
		cfg, err := pgxpool.ParseConfig(databaseURL)
		if err != nil {
			return nil, fmt.Errorf("database URL: %w", err)
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("connect to the database: %w", err)
		}
		defer pool.Close()
		target.DB = pool
	}
	return Run(ctx, target, types), nil
}
