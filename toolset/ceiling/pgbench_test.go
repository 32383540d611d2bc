package ceiling

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/go-tfb/suite/toolset/fixture"
)

// TestPipelineScriptRunsEveryStatement runs each select's pipeline script
// through pgbench against a real database and checks, in
// pg_stat_statements, that every transaction ran depth statements: the rate
// the sweep reports is pgbench's tps times depth.
func TestPipelineScriptRunsEveryStatement(t *testing.T) {
	pgbench, err := exec.LookPath("pgbench")
	if err != nil {
		fixture.Unavailable(t, err)
	}
	db := fixture.ForTest(t)
	conn, err := pgx.Connect(t.Context(), db.URL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(t.Context()) })
	calls := func(query string) int64 {
		t.Helper()
		var n int64
		if err := conn.QueryRow(t.Context(),
			"SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE query = $1", query).Scan(&n); err != nil {
			t.Fatalf("pg_stat_statements: %v", err)
		}
		return n
	}
	const depth, transactions, clients = 5, 4, 2
	tests := []struct {
		q        Query
		recorded string // the statement as pg_stat_statements records it
	}{
		{WorldQuery, "SELECT id, randomnumber FROM world WHERE id = $1"},
		{FortuneQuery, "SELECT id, message FROM fortune"},
	}
	for _, tt := range tests {
		t.Run(tt.q.Name, func(t *testing.T) {
			script := filepath.Join(t.TempDir(), "script.sql")
			if err := os.WriteFile(script, []byte(PipelineScript(tt.q, depth)), 0o644); err != nil {
				t.Fatal(err)
			}
			before := calls(tt.recorded)
			out, err := exec.CommandContext(t.Context(), pgbench, "-n", "-M", "prepared", "-f", script,
				"-c", strconv.Itoa(clients), "-t", strconv.Itoa(transactions), db.URL).CombinedOutput()
			if err != nil {
				t.Fatalf("pgbench: %v\n%s", err, out)
			}
			if _, err := parseTPS(out); err != nil {
				t.Error(err)
			}
			if got, want := calls(tt.recorded)-before, int64(depth*transactions*clients); got != want {
				t.Errorf("%d calls of %q, want %d (depth %d x %d transactions x %d clients)", got, tt.recorded, want, depth, transactions, clients)
			}
		})
	}
}
