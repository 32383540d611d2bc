package tfb

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-tfb/suite/toolset/fixture"
)

// TestPipeliner runs many concurrent world and fortune queries through one
// worker, so that they share pipelines, and checks every result against
// the tables; then it makes the fortune query fail and checks that only the
// fortune queries fail, while the world queries beside them in the same
// pipelines succeed. A canceled request in between must not stop the
// worker.
func TestPipeliner(t *testing.T) {
	db := fixture.ForTest(t)
	ctx := t.Context()
	cfg, err := poolConfig(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	worlds := map[int32]int32{}
	rows, _ := pool.Query(ctx, "SELECT id, randomnumber FROM world")
	var id, number int32
	if _, err := pgx.ForEachRow(rows, []any{&id, &number}, func() error { worlds[id] = number; return nil }); err != nil {
		t.Fatal(err)
	}
	rows, _ = pool.Query(ctx, "SELECT id, message FROM fortune")
	want, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Fortune])
	if err != nil {
		t.Fatal(err)
	}

	p := newPipeliner(ctx, pool, 1, DefaultDatabaseTimeout)
	const n = 300
	run := func(t *testing.T, fortunesOK bool) {
		var wg sync.WaitGroup
		before := p.pipelines.Load()
		for i := range n {
			wg.Go(func() {
				id := int32(i%WorldRows + 1)
				w, err := p.world(ctx, id)
				if err != nil || w.ID != id || w.RandomNumber != worlds[id] {
					t.Errorf("world(%d) = %+v, %v; want random number %d", id, w, err, worlds[id])
				}
			})
			wg.Go(func() {
				ws := []World{{ID: int32(i + 1)}, {ID: WorldRows}, {ID: int32(i + 1)}}
				err := p.worlds(ctx, ws)
				for _, w := range ws {
					if err != nil || w.RandomNumber != worlds[w.ID] {
						t.Errorf("worlds(%d, %d, %d): %+v, %v; want random number %d for %d", i+1, WorldRows, i+1, w, err, worlds[w.ID], w.ID)
					}
				}
			})
			wg.Go(func() {
				got, err := p.fortunes(ctx)
				if !fortunesOK {
					var pgErr *pgconn.PgError
					if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
						t.Errorf("fortunes with the table refused: err %v, want permission denied (42501)", err)
					}
					return
				}
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("fortunes() = %v, %v; want %v", got, err, want)
				}
			})
		}
		wg.Wait()
		if sent := p.pipelines.Load() - before; sent >= 3*n {
			t.Errorf("%d requests took %d pipelines: none were shared", 3*n, sent)
		} else {
			t.Logf("%d requests (%d queries) in %d pipelines", 3*n, 5*n, sent)
		}
	}
	t.Run("shared", func(t *testing.T) { run(t, true) })

	// A request whose context ends while it waits gets the context's
	// error, and the worker goes on serving.
	t.Run("canceled", func(t *testing.T) {
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := p.world(canceled, 1); !errors.Is(err, context.Canceled) {
			t.Errorf("world with a canceled context: err %v, want context.Canceled", err)
		}
		if w, err := p.world(ctx, 1); err != nil || w.ID != 1 {
			t.Errorf("world(1) after a canceled request = %+v, %v", w, err)
		}
	})

	// The writes of concurrent requests share pipelines too, each UPDATE a
	// transaction of its own: the table holds every request's numbers, and
	// an UPDATE or a read that names a missing row fails alone.
	t.Run("updates", func(t *testing.T) {
		const m = 200
		before := p.pipelines.Load()
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range m {
			wg.Go(func() {
				ids := []int32{int32(i + 1), int32(i + 1 + m)}
				numbers := []int32{int32(WorldRows - i), int32(i + 1)}
				if err := p.update(ctx, ids, numbers); err != nil {
					t.Errorf("update(%v, %v): %v", ids, numbers, err)
					return
				}
				mu.Lock()
				worlds[ids[0]], worlds[ids[1]] = numbers[0], numbers[1]
				mu.Unlock()
			})
			if i%50 == 0 {
				wg.Go(func() {
					err := p.update(ctx, []int32{WorldRows + 1}, []int32{1})
					if err == nil || !strings.Contains(err.Error(), "updated 0 rows, want 1") {
						t.Errorf("update of a missing row: err %v, want it to say no row was updated", err)
					}
				})
				// A read of a missing row gets the shortest answer a
				// pipelined query can have.
				wg.Go(func() {
					if _, err := p.world(ctx, WorldRows+1); !errors.Is(err, pgx.ErrNoRows) {
						t.Errorf("world(%d): err %v, want pgx.ErrNoRows", WorldRows+1, err)
					}
				})
			}
		}
		wg.Wait()
		if sent := p.pipelines.Load() - before; sent >= m {
			t.Errorf("%d updates took %d pipelines: none were shared", m, sent)
		}
		rows, _ := pool.Query(ctx, "SELECT id, randomnumber FROM world")
		var id, number int32
		if _, err := pgx.ForEachRow(rows, []any{&id, &number}, func() error {
			if number != worlds[id] {
				t.Errorf("world %d holds %d after the updates, want %d", id, number, worlds[id])
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		lowWatersSettled(t, pool)
	})

	if db.AdminURL == "" {
		t.Log("the fixture has no superuser (DATABASE_URL): the failing-query case is not run")
		return
	}
	admin, err := pgx.Connect(ctx, db.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	exec := func(sql string) {
		if _, err := admin.Exec(context.WithoutCancel(ctx), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec("REVOKE SELECT ON fortune FROM benchmarkdbuser")
	defer exec("GRANT SELECT ON fortune TO benchmarkdbuser")
	t.Run("one query fails", func(t *testing.T) { run(t, false) })
	exec("GRANT SELECT ON fortune TO benchmarkdbuser")
	t.Run("after the failure", func(t *testing.T) { run(t, true) })
	lowWatersSettled(t, pool)
}

// lowWatersSettled checks that pool's idle connections are batchReadConns
// whose pipelines left their low-water mark at 1.
func lowWatersSettled(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	conns := pool.AcquireAllIdle(t.Context())
	if len(conns) == 0 {
		t.Fatal("no idle connection to check")
	}
	for _, c := range conns {
		bc, ok := c.Conn().PgConn().Conn().(*batchReadConn)
		if !ok {
			t.Errorf("a pool connection is a %T, want a *batchReadConn", c.Conn().PgConn().Conn())
		} else if mark := lowWater(t, bc); mark != 1 {
			t.Errorf("a pool connection's SO_RCVLOWAT is %d after its pipelines, want 1", mark)
		}
		c.Release()
	}
}
