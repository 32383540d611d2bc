package tfb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A pipeliner carries the one-statement queries of concurrent requests (the
// db and fortune test types) over a few pooled connections, many per round
// trip. Each of its workers takes every query waiting, sends them to
// PostgreSQL in one write, each followed by its own Sync, and hands every
// request its result.
//
// Every query stays a separate statement and transaction, as TFB requires
// (a batch under one Sync would not qualify); what the requests share is the
// write and the wake-ups, which on a loaded machine cost more than the
// query itself. A query that fails, such as one denied permission, fails its
// own request only; a broken connection fails the queries it carried.
type pipeliner struct {
	pool      *pgxpool.Pool
	queue     chan *query
	pipelines atomic.Int64 // sent so far
}

// maxPipeline bounds the queries one worker sends at once.
const maxPipeline = 256

// queryKind says which statement a query runs and where its result goes.
type queryKind uint8

const (
	queryWorld    queryKind = iota // selectWorld for world.ID into world
	queryFortunes                  // selectFortunes into fortunes
)

const selectFortunes = "SELECT id, message FROM fortune"

// statements are the prepared statements a pipeliner runs, by kind.
var statements = [...]struct{ name, sql string }{
	queryWorld:    {"select_world", selectWorld},
	queryFortunes: {"select_fortunes", selectFortunes},
}

// A query is one request's statement, waiting in a pipeliner's queue. The
// requester owns it again once done has been signalled.
type query struct {
	ctx      context.Context
	kind     queryKind
	world    World
	fortunes []Fortune
	param    [4]byte
	params   [1][]byte
	err      error
	done     chan struct{}
}

var queries = sync.Pool{New: func() any { return &query{done: make(chan struct{}, 1)} }}

// newPipeliner starts workers that share pool's connections.
func newPipeliner(ctx context.Context, pool *pgxpool.Pool, workers int) *pipeliner {
	p := &pipeliner{pool: pool, queue: make(chan *query, 4096)}
	for range workers {
		go p.work(ctx)
	}
	return p
}

// do queues q and waits for its result or for ctx. A query abandoned to ctx
// is not recycled: its worker may still write to it.
func (p *pipeliner) do(ctx context.Context, q *query) error {
	q.ctx = ctx
	select {
	case p.queue <- q:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-q.done:
		return q.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// world reads the world row with the given id.
func (p *pipeliner) world(ctx context.Context, id int32) (World, error) {
	q := queries.Get().(*query)
	q.kind, q.world, q.err = queryWorld, World{ID: id}, nil
	if err := p.do(ctx, q); err != nil {
		return World{}, fmt.Errorf("read world %d: %w", id, err)
	}
	w := q.world
	queries.Put(q)
	return w, nil
}

// fortunes reads every fortune into a new slice with room for one more.
func (p *pipeliner) fortunes(ctx context.Context) ([]Fortune, error) {
	q := queries.Get().(*query)
	q.kind, q.fortunes, q.err = queryFortunes, make([]Fortune, 0, 16), nil
	if err := p.do(ctx, q); err != nil {
		return nil, fmt.Errorf("read fortunes: %w", err)
	}
	f := q.fortunes
	q.fortunes = nil
	queries.Put(q)
	return f, nil
}

// work sends whatever is queued, as one pipeline, until ctx ends.
func (p *pipeliner) work(ctx context.Context) {
	batch := make([]*query, 0, maxPipeline)
	for {
		select {
		case q := <-p.queue:
			batch = append(batch[:0], q)
		case <-ctx.Done():
			return
		}
	more:
		for len(batch) < maxPipeline {
			select {
			case q := <-p.queue:
				batch = append(batch, q)
			default:
				break more
			}
		}
		p.run(ctx, batch)
		for _, q := range batch {
			q.done <- struct{}{}
		}
	}
}

// run executes batch on one connection; it sets every query's err.
func (p *pipeliner) run(ctx context.Context, batch []*query) {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		fail(batch, fmt.Errorf("acquire connection: %w", err))
		return
	}
	defer conn.Release()
	var stmts [len(statements)]*pgconn.StatementDescription
	for i, s := range statements {
		if stmts[i], err = conn.Conn().Prepare(ctx, s.name, s.sql); err != nil {
			fail(batch, fmt.Errorf("prepare %s: %w", s.name, err))
			return
		}
	}
	p.pipelines.Add(1)
	pl := conn.Conn().PgConn().StartPipeline(ctx)
	for _, q := range batch {
		if q.err = q.ctx.Err(); q.err != nil {
			continue
		}
		var params [][]byte
		var formats []int16
		if q.kind == queryWorld {
			binary.BigEndian.PutUint32(q.param[:], uint32(q.world.ID))
			q.params[0] = q.param[:]
			params, formats = q.params[:], binaryFormat
		}
		pl.SendQueryStatement(stmts[q.kind], params, formats, binaryFormats2)
		pl.SendPipelineSync()
	}
	if err := pl.Flush(); err != nil {
		pl.Close()
		fail(batch, fmt.Errorf("send queries: %w", err))
		return
	}
	for i, q := range batch {
		if q.err != nil {
			continue // never sent
		}
		q.err = receive(pl, q)
		var pgErr *pgconn.PgError
		if q.err != nil && !errors.As(q.err, &pgErr) {
			pl.Close()
			fail(batch[i+1:], q.err)
			return
		}
	}
	if err := pl.Close(); err != nil {
		// Every query has its result; the connection is what failed, and
		// the pool discards it.
		return
	}
}

// receive reads q's result and its Sync from pl. An error from the server
// (a PgError) ends q's query only: the server skips to q's Sync, and the
// queries after it run. Any other error leaves the pipeline unusable.
func receive(pl *pgconn.Pipeline, q *query) error {
	res, err := pl.GetResults()
	if err == nil {
		err = scan(res, q)
	}
	var pgErr *pgconn.PgError
	if err != nil && !errors.As(err, &pgErr) {
		return err
	}
	res, serr := pl.GetResults()
	if serr != nil {
		return errors.Join(err, serr)
	}
	if _, ok := res.(*pgconn.PipelineSync); !ok {
		return errors.Join(err, fmt.Errorf("unexpected pipeline result %T, want the Sync", res))
	}
	return err
}

// scan reads the rows of one query's result into q.
func scan(res any, q *query) error {
	rr, ok := res.(*pgconn.ResultReader)
	if !ok {
		return fmt.Errorf("unexpected pipeline result %T", res)
	}
	found := false
	for rr.NextRow() {
		v := rr.Values()
		if len(v) != 2 || len(v[0]) != 4 {
			continue
		}
		id := int32(binary.BigEndian.Uint32(v[0]))
		switch q.kind {
		case queryWorld:
			if len(v[1]) == 4 {
				q.world = World{ID: id, RandomNumber: int32(binary.BigEndian.Uint32(v[1]))}
				found = true
			}
		case queryFortunes:
			q.fortunes = append(q.fortunes, Fortune{ID: id, Message: string(v[1])})
			found = true
		}
	}
	if _, err := rr.Close(); err != nil {
		return err
	}
	if !found && q.kind == queryWorld {
		return pgx.ErrNoRows
	}
	return nil
}

func fail(batch []*query, err error) {
	for _, q := range batch {
		if q.err == nil {
			q.err = err
		}
	}
}
