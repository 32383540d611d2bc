package tfb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A pipeliner carries the queries of concurrent requests (every read of the
// db, query, fortune and update test types, and the update type's writes)
// over a few pooled connections, many per round trip. Each of its workers
// takes every request waiting, sends all their queries to PostgreSQL in one
// write, each query followed by its own Sync, and hands every request its
// rows.
//
// Every query stays a separate statement and transaction, as TFB requires
// (a batch under one Sync would not qualify); what the requests share is the
// write and the wake-ups, which on a loaded machine cost more than the
// query itself. A query that fails, such as one denied permission, fails its
// own request only; a broken connection fails the requests it carried.
type pipeliner struct {
	pool      *pgxpool.Pool
	timeout   time.Duration // of one pipeline's round trip
	queue     chan *request
	pipelines atomic.Int64 // sent so far
}

// maxPipeline is how many queries a worker gathers before it sends them;
// it always takes at least one request, whatever its size.
const maxPipeline = 512

// queryKind says which statement a request's queries run.
type queryKind uint8

const (
	queryWorld    queryKind = iota // selectWorld, once per world
	queryFortunes                  // selectFortunes, once
	queryUpdate                    // updateWorlds, once
)

const selectFortunes = "SELECT id, message FROM fortune"

// statements are the prepared statements a pipeliner runs, by kind.
var statements = [...]struct{ name, sql string }{
	queryWorld:    {"select_world", selectWorld},
	queryFortunes: {"select_fortunes", selectFortunes},
	queryUpdate:   {"update_worlds", updateWorlds},
}

// A request is one HTTP request's queries, waiting in a pipeliner's queue.
// The requester owns it again once done has been signalled.
type request struct {
	ctx      context.Context
	kind     queryKind
	worlds   []World  // queryWorld: the ids to read, filled in place
	one      [1]World // worlds' storage for a single read
	fortunes []Fortune
	ids      []int32 // queryUpdate: the rows to write, ascending
	numbers  []int32 // queryUpdate: their new random numbers
	err      error
	done     chan struct{}
}

// queries is how many queries r runs.
func (r *request) queries() int {
	if r.kind == queryWorld {
		return len(r.worlds)
	}
	return 1
}

var requests = sync.Pool{New: func() any { return &request{done: make(chan struct{}, 1)} }}

func newRequest(kind queryKind) *request {
	r := requests.Get().(*request)
	r.kind, r.err = kind, nil
	return r
}

// recycle returns r to the pool once its requester is done with it.
func recycle(r *request) {
	r.ctx, r.worlds, r.fortunes, r.ids, r.numbers = nil, nil, nil, nil, nil
	requests.Put(r)
}

// newPipeliner starts workers that share pool's connections. A pipeline
// that takes longer than timeout (a frozen connection) is abandoned and its
// connection closed, so no worker stays stuck behind it.
func newPipeliner(ctx context.Context, pool *pgxpool.Pool, workers int, timeout time.Duration) *pipeliner {
	p := &pipeliner{pool: pool, timeout: timeout, queue: make(chan *request, 4096)}
	for range workers {
		go p.work(ctx)
	}
	return p
}

// do queues r and waits for its result or for ctx. A request abandoned to
// ctx is not recycled: its worker may still write to it.
func (p *pipeliner) do(ctx context.Context, r *request) error {
	r.ctx = ctx
	select {
	case p.queue <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// world reads the world row with the given id.
func (p *pipeliner) world(ctx context.Context, id int32) (World, error) {
	r := newRequest(queryWorld)
	r.one[0] = World{ID: id}
	r.worlds = r.one[:]
	if err := p.do(ctx, r); err != nil {
		return World{}, fmt.Errorf("read world %d: %w", id, err)
	}
	w := r.one[0]
	recycle(r)
	return w, nil
}

// worlds reads the world rows whose ids worlds holds, one query each, into
// worlds. The queries travel together, in one pipeline.
func (p *pipeliner) worlds(ctx context.Context, worlds []World) error {
	r := newRequest(queryWorld)
	r.worlds = worlds
	if err := p.do(ctx, r); err != nil {
		return fmt.Errorf("read %d worlds: %w", len(worlds), err)
	}
	recycle(r)
	return nil
}

// fortunes reads every fortune into a new slice with room for one more.
func (p *pipeliner) fortunes(ctx context.Context) ([]Fortune, error) {
	r := newRequest(queryFortunes)
	r.fortunes = make([]Fortune, 0, 16)
	if err := p.do(ctx, r); err != nil {
		return nil, fmt.Errorf("read fortunes: %w", err)
	}
	f := r.fortunes
	recycle(r)
	return f, nil
}

// update writes numbers into the world rows whose ids ids holds, in
// ascending order, with one UPDATE in its own transaction.
func (p *pipeliner) update(ctx context.Context, ids, numbers []int32) error {
	r := newRequest(queryUpdate)
	r.ids, r.numbers = ids, numbers
	if err := p.do(ctx, r); err != nil {
		return err
	}
	recycle(r)
	return nil
}

// work sends whatever is queued, as one pipeline, until ctx ends.
func (p *pipeliner) work(ctx context.Context) {
	var batch []*request
	for {
		select {
		case r := <-p.queue:
			batch = append(batch[:0], r)
		case <-ctx.Done():
			return
		}
		n := batch[0].queries()
	more:
		for n < maxPipeline {
			select {
			case r := <-p.queue:
				batch = append(batch, r)
				n += r.queries()
			default:
				break more
			}
		}
		p.run(ctx, batch)
		for _, r := range batch {
			r.done <- struct{}{}
		}
	}
}

// Formats of the pipelined queries: binary parameter, binary columns.
var (
	binaryFormat   = []int16{1}
	binaryFormats2 = []int16{1, 1}
)

// run executes batch on one connection within the pipeliner's timeout; it
// sets every request's err.
func (p *pipeliner) run(ctx context.Context, batch []*request) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
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
	// pgconn encodes a query's parameters as it is sent, so one buffer
	// serves them all.
	var param [4]byte
	params := [][]byte{param[:]}
	var arrays [2][]byte
	sent := 0
	for _, r := range batch {
		if r.err = r.ctx.Err(); r.err != nil {
			continue
		}
		switch r.kind {
		case queryWorld:
			for _, w := range r.worlds {
				binary.BigEndian.PutUint32(param[:], uint32(w.ID))
				pl.SendQueryStatement(stmts[queryWorld], params, binaryFormat, binaryFormats2)
				pl.SendPipelineSync()
			}
		case queryFortunes:
			pl.SendQueryStatement(stmts[queryFortunes], nil, nil, binaryFormats2)
			pl.SendPipelineSync()
		case queryUpdate:
			types := conn.Conn().TypeMap()
			if arrays[0], r.err = types.Encode(pgtype.Int4ArrayOID, pgtype.BinaryFormatCode, r.ids, arrays[0][:0]); r.err != nil {
				continue
			}
			if arrays[1], r.err = types.Encode(pgtype.Int4ArrayOID, pgtype.BinaryFormatCode, r.numbers, arrays[1][:0]); r.err != nil {
				continue
			}
			pl.SendQueryStatement(stmts[queryUpdate], arrays[:], binaryFormats2, nil)
			pl.SendPipelineSync()
		}
		sent += r.queries()
	}
	if c, ok := conn.Conn().PgConn().Conn().(*batchReadConn); ok {
		c.expect(sent)
		defer c.settle()
	}
	if err := pl.Flush(); err != nil {
		pl.Close()
		fail(batch, fmt.Errorf("send queries: %w", err))
		return
	}
	for i, r := range batch {
		if r.err != nil {
			continue // never sent
		}
		var broken error
		r.err, broken = receive(pl, r)
		if broken != nil {
			pl.Close()
			r.err = broken
			fail(batch[i+1:], broken)
			return
		}
	}
	// The connection may fail here though every request has its rows; the
	// pool then discards it.
	pl.Close()
}

// receive reads the results of r's queries, each with its Sync, from pl.
// An error from the server (a PgError) ends that query only: the server
// skips to the query's Sync and runs the queries after it; so does a result
// that does not answer its query. It returns the first such error as err,
// and any other error, which leaves the pipeline unusable, as broken.
func receive(pl *pgconn.Pipeline, r *request) (err, broken error) {
	n := r.queries()
	for i := range n {
		res, qerr := pl.GetResults()
		var wrong error
		if qerr == nil {
			wrong, qerr = scan(res, r, i)
		}
		var pgErr *pgconn.PgError
		if qerr != nil && !errors.As(qerr, &pgErr) {
			return nil, qerr
		}
		if res, serr := pl.GetResults(); serr != nil {
			return nil, serr
		} else if _, ok := res.(*pgconn.PipelineSync); !ok {
			return nil, fmt.Errorf("unexpected pipeline result %T, want the Sync", res)
		}
		if qerr == nil {
			qerr = wrong
		}
		if err == nil && qerr != nil {
			err = qerr
		}
	}
	return err, nil
}

// scan reads the rows of r's i-th query into r. It returns what the server
// or the connection reported as err, and a result that does not answer the
// query (no row for a world, an UPDATE that missed a row) as wrong.
func scan(res any, r *request, i int) (wrong, err error) {
	rr, ok := res.(*pgconn.ResultReader)
	if !ok {
		return nil, fmt.Errorf("unexpected pipeline result %T", res)
	}
	found := false
	for rr.NextRow() {
		v := rr.Values()
		if len(v) != 2 || len(v[0]) != 4 {
			continue
		}
		id := int32(binary.BigEndian.Uint32(v[0]))
		switch r.kind {
		case queryWorld:
			if len(v[1]) == 4 {
				r.worlds[i] = World{ID: id, RandomNumber: int32(binary.BigEndian.Uint32(v[1]))}
				found = true
			}
		case queryFortunes:
			r.fortunes = append(r.fortunes, Fortune{ID: id, Message: string(v[1])})
			found = true
		}
	}
	tag, err := rr.Close()
	switch {
	case err != nil:
		return nil, err
	case r.kind == queryWorld && !found:
		return pgx.ErrNoRows, nil
	case r.kind == queryUpdate && tag.RowsAffected() != int64(len(r.ids)):
		return fmt.Errorf("updated %d rows, want %d", tag.RowsAffected(), len(r.ids)), nil
	}
	return nil, nil
}

func fail(batch []*request, err error) {
	for _, r := range batch {
		if r.err == nil {
			r.err = err
		}
	}
}
