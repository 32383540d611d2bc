package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/verify"
)

// verifyWithRuleEngine adapts the rule engine (toolset/verify) to the
// benchmark runner, giving it a pool on the entry's database so it can count
// queries with pg_stat_statements.
func verifyWithRuleEngine(ctx context.Context, baseURL string, test config.Test, databaseURL string, types []config.TestType) ([]benchmark.Verdict, error) {
	target := verify.Target{BaseURL: baseURL, Test: test}
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
	var verdicts []benchmark.Verdict
	for _, r := range verify.Run(ctx, target, types) {
		v := benchmark.Verdict{Type: r.Type, Status: r.Status().String()}
		for _, p := range r.Problems {
			v.Problems = append(v.Problems, benchmark.Problem{Severity: p.Severity.String(), Message: p.Message, URL: p.URL})
		}
		verdicts = append(verdicts, v)
	}
	return verdicts, nil
}
