package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/verify"
)

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

// countStatements counts the statements an entry's database executes for
// it, level by level (verify.StatementCounter).
func countStatements(ctx context.Context, databaseURL string) (benchmark.QueryCounter, error) {
	return verify.NewStatementCounter(ctx, databaseURL)
}
