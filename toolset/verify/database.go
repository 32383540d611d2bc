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

// TFB's verifier allows no margin below the expected counts and warns
// ("excessively high") above 1.05 times them. An update that writes each
// request's rows with one bulk statement may update 5% fewer rows, since an
// id drawn twice in a request is written once.
const (
	excessWarn     = 1.05
	bulkRowsMargin = 1.05
)

// tableStats is what pg_stat_statements says about the statements whose
// text names one table, counted as TFB's verifier counts them.
type tableStats struct {
	queries     int64 // calls of every statement naming the table
	rowsRead    int64 // rows of those whose text also matches "select"
	rowsUpdated int64 // rows of those whose text also matches "update"
}

func (s tableStats) sub(o tableStats) tableStats {
	return tableStats{s.queries - o.queries, s.rowsRead - o.rowsRead, s.rowsUpdated - o.rowsUpdated}
}

// statsQuery sums pg_stat_statements with TFB's regular expressions, all
// case-insensitive: a statement counts when its text matches the table name
// as a word; its rows count as read when the text matches select anywhere,
// and as updated when it matches update anywhere, so an UPDATE holding a
// sub-SELECT counts its rows twice, as in TFB. The table name is a
// parameter, so this query's own text never matches.
const statsQuery = `SELECT
  COALESCE(sum(calls), 0)::bigint,
  COALESCE(sum(rows) FILTER (WHERE query ~* 'select'), 0)::bigint,
  COALESCE(sum(rows) FILTER (WHERE query ~* 'update'), 0)::bigint
FROM pg_stat_statements WHERE query ~* ('\m' || $1 || '\M')`

func (v *verifier) tableStats(ctx context.Context, table string) (tableStats, error) {
	var s tableStats
	err := v.target.DB.QueryRow(ctx, statsQuery, table).Scan(&s.queries, &s.rowsRead, &s.rowsUpdated)
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
// judges what pg_stat_statements counted as TFB's verifier does: perRequest
// queries (1 for db and fortune, 20 for query at queries=20) reading
// perRequest rows, or 12 rows for fortunes. An update at queries=20 reads 20
// rows and updates 20 with either 21 statements per request (one bulk
// UPDATE, told apart by a count within 0.1% of that) or 40.
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
	wantQueries, wantRows := n*int64(perRequest), n*rowsPerRequest
	if tt != config.Update {
		ps = append(ps, judgeCount("executed queries", float64(d.queries), d.queries, wantQueries, path)...)
		return append(ps, judgeCount("rows read", float64(d.rowsRead), d.rowsRead, wantRows, path)...)
	}
	wantQueries += n // one bulk UPDATE per request
	bulk := float64(d.queries) > 0.999*float64(wantQueries) && float64(d.queries) < 1.001*float64(wantQueries)
	updatedMargin := 1.0
	if bulk {
		updatedMargin = bulkRowsMargin
	} else {
		wantQueries = 2 * n * int64(perRequest) // a SELECT and an UPDATE per row
	}
	ps = append(ps, judgeCount("executed queries", float64(d.queries), d.queries, wantQueries, path)...)
	ps = append(ps, judgeCount("rows read", float64(d.rowsRead), d.rowsRead, wantRows, path)...)
	return append(ps, judgeCount("rows updated", float64(d.rowsUpdated)*updatedMargin, d.rowsUpdated, wantRows, path)...)
}

// judgeCount is TFB's verdict on a count: result, the count with any margin
// applied, below want fails and above 1.05 times want warns. got is the
// count as measured, for the message.
func judgeCount(what string, result float64, got, want int64, path string) []Problem {
	switch {
	case result > float64(want)*excessWarn:
		return []Problem{{Warn, fmt.Sprintf("%d %s in the database instead of %d expected (%.2f per request, want %.2f): excessively high",
			got, what, want, perReq(got), perReq(want)), path}}
	case result < float64(want):
		return []Problem{{Fail, fmt.Sprintf("only %d %s in the database out of %d expected (%.2f per request, want %.2f)",
			got, what, want, perReq(got), perReq(want)), path}}
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
	if d := after.sub(before); d.queries > 0 {
		ps = append(ps, Problem{Fail, fmt.Sprintf("%d queries on world for 200 requests of a warm cache; want none", d.queries), path})
	}
	return ps
}
