package ceiling

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-tfb/suite/toolset/fixture"
)

// BenchmarkPipelineSync prices what pgbench's pipeline mode before
// PostgreSQL 17 cannot: a Sync after every statement, as TFB's rules ask of
// the entries (each query its own transaction), against one Sync per
// pipeline, as pgbench sends. Both send the world select 64 deep on 8
// connections and report queries/s.
//
//	go test -run '^$' -bench PipelineSync -count 3 ./toolset/ceiling/
func BenchmarkPipelineSync(b *testing.B) {
	const depth, conns = 64, 8
	db := fixture.ForTest(b)
	for _, bb := range []struct {
		name     string
		syncEach bool
	}{{"one-sync-per-pipeline", false}, {"sync-per-statement", true}} {
		b.Run(bb.name, func(b *testing.B) {
			pool := make(chan *pgconn.PgConn, conns)
			for range conns {
				c, err := pgconn.Connect(b.Context(), db.URL)
				if err != nil {
					b.Fatalf("connect: %v", err)
				}
				defer c.Close(b.Context())
				if _, err := c.Prepare(b.Context(), "world", "SELECT id, randomnumber FROM world WHERE id = $1", nil); err != nil {
					b.Fatalf("prepare: %v", err)
				}
				pool <- c
			}
			b.SetParallelism(conns) // at least conns goroutines, whatever GOMAXPROCS is
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				c := <-pool
				defer func() { pool <- c }()
				for more := true; more; {
					p := c.StartPipeline(b.Context())
					sent := 0
					for sent < depth && pb.Next() {
						p.SendQueryPrepared("world", [][]byte{strconv.AppendInt(nil, int64(rand.IntN(10000)+1), 10)}, nil, nil)
						if bb.syncEach {
							p.SendPipelineSync()
						}
						sent++
					}
					more = sent == depth
					if sent == 0 {
						p.Close()
						break
					}
					if !bb.syncEach {
						p.SendPipelineSync()
					}
					if err := p.Flush(); err != nil {
						b.Errorf("flush: %v", err)
						return
					}
					for {
						r, err := p.GetResults()
						if err != nil {
							b.Errorf("results: %v", err)
							return
						}
						if r == nil {
							break
						}
						if rr, ok := r.(*pgconn.ResultReader); ok {
							if _, err := rr.Close(); err != nil {
								b.Errorf("select: %v", err)
								return
							}
						}
					}
					if err := p.Close(); err != nil {
						b.Errorf("pipeline: %v", err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
		})
	}
}
