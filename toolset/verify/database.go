package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/go-tfb/suite/toolset/config"
)

// TFB's verifier counts queries while 512 clients send two requests each.
const (
	queryCountConcurrency = 512
	queryCountRepetitions = 2
	queryCountRequests    = queryCountConcurrency * queryCountRepetitions
)

// Margins as TFB's verifier applies them: none below the expected number of
// queries; 1% on rows read or updated (PostgreSQL's row counts are not
// exact); 5% on rows updated when the entry updates in bulk, since an id
// drawn twice in a request is written once.
const (
	rowsMargin      = 1.011
	bulkRowsMargin  = 1.05
	excessQueryWarn = 1.05
)

// tableStats is what pg_stat_statements says about the statements that
// name one table.
type tableStats struct {
	reads, readRows     int64 // statements other than UPDATE, and their rows
	updates, updateRows int64 // UPDATE statements, and the rows they changed
}

func (s tableStats) sub(o tableStats) tableStats {
	return tableStats{s.reads - o.reads, s.readRows - o.readRows, s.updates - o.updates, s.updateRows - o.updateRows}
}

// statsQuery sums pg_stat_statements over the statements naming a table.
// The table name is a parameter, so this query's own text never matches.
const statsQuery = `SELECT
  COALESCE(sum(calls) FILTER (WHERE query !~* '^\s*update'), 0)::bigint,
  COALESCE(sum(rows)  FILTER (WHERE query !~* '^\s*update'), 0)::bigint,
  COALESCE(sum(calls) FILTER (WHERE query ~* '^\s*update'), 0)::bigint,
  COALESCE(sum(rows)  FILTER (WHERE query ~* '^\s*update'), 0)::bigint
FROM pg_stat_statements WHERE query ~* ('\m' || $1 || '\M')`

func (v *verifier) tableStats(ctx context.Context, table string) (tableStats, error) {
	var s tableStats
	err := v.target.DB.QueryRow(ctx, statsQuery, table).Scan(&s.reads, &s.readRows, &s.updates, &s.updateRows)
	if err != nil {
		return s, fmt.Errorf("read pg_stat_statements: %w", err)
	}
	return s, nil
}

// load sends requests GET requests to path from concurrency clients and
// returns how many failed (a transport error or a status other than 200).
func (v *verifier) load(ctx context.Context, tt config.TestType, path string, concurrency, requests int) (failed int64, firstErr string) {
	var wg sync.WaitGroup
	var next, nfailed atomic.Int64
	var once sync.Once
	for range concurrency {
		wg.Go(func() {
			for next.Add(1) <= int64(requests) {
				r, err := v.get(ctx, tt, path)
				if err == nil && r.status == http.StatusOK {
					continue
				}
				nfailed.Add(1)
				once.Do(func() {
					if err != nil {
						firstErr = err.Error()
					} else {
						firstErr = fmt.Sprintf("status %d: %s", r.status, snippet(r.body))
					}
				})
			}
		})
	}
	wg.Wait()
	return nfailed.Load(), firstErr
}

// checkQueryCounts sends TFB's 1,024 requests at 512 concurrent clients and
// compares what pg_stat_statements counted with what the test type must
// issue: perRequest queries (1 for db and fortune, 20 for query and update
// at queries=20) reading perRequest rows, or 12 rows for fortunes.
func (v *verifier) checkQueryCounts(ctx context.Context, tt config.TestType, path string, perRequest int) []Problem {
	if v.target.DB == nil {
		return []Problem{{Warn, "query counts not checked: no database connection given", path}}
	}
	table, rowsPerRequest := "world", int64(perRequest)
	if tt == config.Fortune {
		table, rowsPerRequest = "fortune", 12
	}
	before, err := v.tableStats(ctx, table)
	if err != nil {
		return []Problem{{Fail, err.Error(), path}}
	}
	failed, firstErr := v.load(ctx, tt, path, queryCountConcurrency, queryCountRequests)
	after, err := v.tableStats(ctx, table)
	if err != nil {
		return []Problem{{Fail, err.Error(), path}}
	}
	d := after.sub(before)
	var ps []Problem
	if failed > 0 {
		ps = append(ps, Problem{Fail, fmt.Sprintf("%d of %d requests at concurrency %d failed; first: %s", failed, queryCountRequests, queryCountConcurrency, firstErr), path})
	}
	n := int64(queryCountRequests)
	label := fmt.Sprintf("%d requests at concurrency %d", n, queryCountConcurrency)
	ps = append(ps, countProblem(fmt.Sprintf("queries reading %s", table), d.reads, n*int64(perRequest), 1, label, path)...)
	ps = append(ps, countProblem(fmt.Sprintf("rows read from %s", table), d.readRows, n*rowsPerRequest, rowsMargin, label, path)...)
	if tt != config.Update {
		if d.updates > 0 {
			ps = append(ps, Problem{Fail, fmt.Sprintf("%d UPDATE statements on %s for a read-only test type", d.updates, table), path})
		}
		return ps
	}
	// One UPDATE per row, or one bulk UPDATE per request.
	bulk := d.updates < n*int64(perRequest)
	wantUpdates, margin := n*int64(perRequest), float64(rowsMargin)
	if bulk {
		wantUpdates, margin = n, bulkRowsMargin
	}
	ps = append(ps, countProblem("UPDATE statements on world", d.updates, wantUpdates, 1, label, path)...)
	return append(ps, countProblem("rows updated in world", d.updateRows, n*int64(perRequest), margin, label, path)...)
}

// countProblem compares a count with what was expected: below expected
// (after the margin) fails, well above it warns.
func countProblem(what string, got, want int64, margin float64, label, path string) []Problem {
	switch {
	case float64(got)*margin < float64(want):
		return []Problem{{Fail, fmt.Sprintf("%s: %d for %s, want %d (%.2f per request, want %.2f)",
			what, got, label, want, perReq(got), perReq(want)), path}}
	case float64(got) > float64(want)*excessQueryWarn:
		return []Problem{{Warn, fmt.Sprintf("%s: %d for %s, more than the %d expected (%.2f per request)",
			what, got, label, want, perReq(got)), path}}
	}
	return nil
}

func perReq(n int64) float64 { return float64(n) / queryCountRequests }

// readWorldTable returns every row of the world table.
func (v *verifier) readWorldTable(ctx context.Context) (map[int]int, error) {
	rows, err := v.target.DB.Query(ctx, "SELECT id, randomnumber FROM world")
	if err != nil {
		return nil, fmt.Errorf("read the world table: %w", err)
	}
	defer rows.Close()
	table := make(map[int]int, 10000)
	var id, n int
	for rows.Next() {
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("read the world table: %w", err)
		}
		table[id] = n
	}
	return table, rows.Err()
}

// checkUpdatesPersist requests 500 updates and compares the table before
// and after with the response: at least 90% of the rows must have changed,
// and every id drawn once must hold the number the response gives it.
func (v *verifier) checkUpdatesPersist(ctx context.Context, path string) []Problem {
	if v.target.DB == nil {
		return []Problem{{Warn, "persistence of updates not checked: no database connection given", path}}
	}
	before, err := v.readWorldTable(ctx)
	if err != nil {
		return []Problem{{Fail, err.Error(), path}}
	}
	r, ps := v.fetch(ctx, config.Update, path)
	if r == nil {
		return ps
	}
	worlds, p := worldArray(r.body, path)
	if p != nil {
		return append(ps, *p)
	}
	after, err := v.readWorldTable(ctx)
	if err != nil {
		return append(ps, Problem{Fail, err.Error(), path})
	}
	drawn := map[int]int{} // id → how many times the response has it
	for _, w := range worlds {
		drawn[w.ID]++
	}
	changed := 0
	for id := range drawn {
		if before[id] != after[id] {
			changed++
		}
	}
	disagree := 0
	for _, w := range worlds {
		if drawn[w.ID] == 1 && after[w.ID] != w.RandomNumber {
			disagree++
		}
	}
	if distinct := len(drawn); float64(changed) < 0.9*float64(distinct) {
		ps = append(ps, Problem{Fail, fmt.Sprintf("only %d of %d rows changed in the table after an update of 500; want at least 90%%", changed, distinct), path})
	}
	if disagree > 0 {
		ps = append(ps, Problem{Fail, fmt.Sprintf("%d rows of the response disagree with the table after the update", disagree), path})
	}
	return ps
}

// checkCache checks that cached rows equal the table, and that once warm
// the cache issues no queries.
func (v *verifier) checkCache(ctx context.Context, url string) []Problem {
	path := url + "100"
	if v.target.DB == nil {
		return []Problem{{Warn, "cache contents and query counts not checked: no database connection given", path}}
	}
	// Warm the cache through the entry, then compare it with the table.
	if failed, firstErr := v.load(ctx, config.CachedQuery, path, 16, 200); failed > 0 {
		return []Problem{{Fail, fmt.Sprintf("%d of 200 requests failed; first: %s", failed, firstErr), path}}
	}
	table, err := v.readWorldTable(ctx)
	if err != nil {
		return []Problem{{Fail, err.Error(), path}}
	}
	var ps []Problem
	r, fps := v.fetch(ctx, config.CachedQuery, path)
	ps = append(ps, fps...)
	if r != nil {
		var worlds []world
		if err := json.Unmarshal(r.body, &worlds); err == nil {
			for _, w := range worlds {
				if table[w.ID] != w.RandomNumber {
					ps = append(ps, Problem{Fail, fmt.Sprintf("cached world %d has randomNumber %d, the table %d", w.ID, w.RandomNumber, table[w.ID]), path})
					break
				}
			}
		}
	}
	before, err := v.tableStats(ctx, "world")
	if err != nil {
		return append(ps, Problem{Fail, err.Error(), path})
	}
	if failed, firstErr := v.load(ctx, config.CachedQuery, path, 16, 200); failed > 0 {
		ps = append(ps, Problem{Fail, fmt.Sprintf("%d of 200 requests failed; first: %s", failed, firstErr), path})
	}
	after, err := v.tableStats(ctx, "world")
	if err != nil {
		return append(ps, Problem{Fail, err.Error(), path})
	}
	if d := after.sub(before); d.reads > 0 {
		ps = append(ps, Problem{Fail, fmt.Sprintf("%d queries on world for 200 requests of a warm cache; want none", d.reads), path})
	}
	return ps
}
