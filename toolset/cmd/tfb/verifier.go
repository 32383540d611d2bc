package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/verify"
)

// verifyWithRuleEngine adapts the rule engine (toolset/verify) to the
// benchmark runner, giving it a pool on the entry's database so it can count
// queries with pg_stat_statements.
func verifyWithRuleEngine(ctx context.Context, baseURL string, test config.Test, databaseURL string, types []config.TestType) ([]verify.Result, error) {
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
	return verify.Run(ctx, target, types), nil
}

// databaseVersion asks the database at databaseURL for its version.
func databaseVersion(ctx context.Context, databaseURL string) (string, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return "", fmt.Errorf("connect to the database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var version string
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&version); err != nil {
		return "", fmt.Errorf("SELECT version(): %w", err)
	}
	return version, nil
}
