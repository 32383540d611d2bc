package verify

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// entryTables matches, as statsQuery's table name, every table an entry
// queries: the statements of any test type.
const entryTables = "(world|fortune)"

// StatementCounter counts the statements PostgreSQL has executed for an
// entry, as TFB's verifier counts queries: pg_stat_statements' calls of the
// statements whose text names world or fortune. Its own reads name neither.
type StatementCounter struct {
	conn *pgx.Conn
}

// NewStatementCounter connects to the entry's database at url, which must
// have pg_stat_statements loaded (the fixture's settings do).
func NewStatementCounter(ctx context.Context, url string) (*StatementCounter, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("count statements: connect to the database: %w", err)
	}
	return &StatementCounter{conn: conn}, nil
}

// Count returns how many statements the entry's database has executed so
// far for the entry.
func (c *StatementCounter) Count(ctx context.Context) (int64, error) {
	var calls, rowsRead, rowsUpdated int64
	if err := c.conn.QueryRow(ctx, statsQuery, entryTables).Scan(&calls, &rowsRead, &rowsUpdated); err != nil {
		return 0, fmt.Errorf("read pg_stat_statements: %w", err)
	}
	return calls, nil
}

// Close closes the counter's connection.
func (c *StatementCounter) Close(ctx context.Context) error { return c.conn.Close(ctx) }
