package tfb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/maypok86/otter/v2"
)

const (
	selectWorld = "SELECT id, randomnumber FROM world WHERE id = $1"

	// updateWorlds writes a request's new random numbers in one statement.
	// The ids arrive sorted and unique, so concurrent requests lock rows in
	// the same order.
	updateWorlds = "UPDATE world SET randomnumber = v.r " +
		"FROM (SELECT unnest($1::int[]) AS id, unnest($2::int[]) AS r) AS v " +
		"WHERE world.id = v.id"
)

// World reads one random world row: the db test type. The query shares its
// round trip with those of concurrent requests (see pipeliner).
func (s *Service) World(ctx context.Context) (World, error) {
	if err := s.check(); err != nil {
		return World{}, err
	}
	return s.pipe.world(ctx, randomID())
}

// Worlds reads n random world rows with n separate queries: the query test
// type. Use QueryCount to turn the request parameter into n.
func (s *Service) Worlds(ctx context.Context, n int) ([]World, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	worlds := make([]World, n)
	err := s.withConn(ctx, func(conn *pgxpool.Conn) error {
		return readWorlds(ctx, conn, worlds)
	})
	if err != nil {
		return nil, err
	}
	return worlds, nil
}

// UpdatedWorlds reads n random world rows, gives each a new random number,
// writes them back and returns the rows with their new numbers: the update
// test type. It reads with n queries and writes with one bulk UPDATE. An id
// drawn more than once gets the same new number everywhere it appears, so
// the response always agrees with the table.
func (s *Service) UpdatedWorlds(ctx context.Context, n int) ([]World, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	worlds := make([]World, n)
	err := s.withConn(ctx, func(conn *pgxpool.Conn) error {
		if err := readWorlds(ctx, conn, worlds); err != nil {
			return err
		}
		ids, numbers := newNumbers(worlds)
		return writeWorlds(ctx, conn, ids, numbers)
	})
	if err != nil {
		return nil, err
	}
	return worlds, nil
}

// CachedWorlds returns n random worlds from the in-process cache, filled
// from the database when the service connected: the cached_query test type.
func (s *Service) CachedWorlds(ctx context.Context, n int) ([]World, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	worlds := make([]World, n)
	for i := range worlds {
		w, err := s.cache.Get(ctx, randomID(), s.loader)
		if err != nil {
			return nil, err
		}
		worlds[i] = w
	}
	return worlds, nil
}

// loadWorld fills a cache miss from the database. Warm fills every id, so
// misses happen only if the cache evicted one.
func (s *Service) loadWorld(ctx context.Context, id int32) (World, error) {
	w := World{ID: id}
	err := s.pool.QueryRow(ctx, selectWorld, id).Scan(&w.ID, &w.RandomNumber)
	if errors.Is(err, pgx.ErrNoRows) {
		return w, otter.ErrNotFound
	}
	return w, err
}

func (s *Service) withConn(ctx context.Context, f func(*pgxpool.Conn) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire connection: %w", err)
	}
	defer conn.Release()
	return f(conn)
}

// readWorlds fills worlds with random rows, one query each. The queries are
// pipelined on the connection, each followed by its own Sync, so that n
// reads cost one round trip yet stay n separate statements (TFB forbids a
// batch of SELECTs under one Sync).
func readWorlds(ctx context.Context, conn *pgxpool.Conn, worlds []World) error {
	stmt, err := conn.Conn().Prepare(ctx, statements[queryWorld].name, selectWorld)
	if err != nil {
		return fmt.Errorf("prepare world query: %w", err)
	}
	params := make([]byte, 4*len(worlds))
	p := conn.Conn().PgConn().StartPipeline(ctx)
	for i := range worlds {
		param := binary.BigEndian.AppendUint32(params[4*i:4*i], uint32(randomID()))
		p.SendQueryPrepared(stmt.Name, [][]byte{param}, binaryFormat, binaryFormats2)
		p.SendPipelineSync()
	}
	if err := p.Flush(); err != nil {
		p.Close()
		return fmt.Errorf("send world queries: %w", err)
	}
	for i := range worlds {
		if err := readWorld(p, &worlds[i]); err != nil {
			p.Close()
			return fmt.Errorf("read world: %w", err)
		}
	}
	return p.Close()
}

// Result formats for the pipelined query: binary parameter, binary columns.
var (
	binaryFormat   = []int16{1}
	binaryFormats2 = []int16{1, 1}
)

// readWorld reads one query's row and its Sync from the pipeline.
func readWorld(p *pgconn.Pipeline, w *World) error {
	res, err := p.GetResults()
	if err != nil {
		return err
	}
	rr, ok := res.(*pgconn.ResultReader)
	if !ok {
		return fmt.Errorf("unexpected pipeline result %T", res)
	}
	found := false
	for rr.NextRow() {
		v := rr.Values()
		if len(v) == 2 && len(v[0]) == 4 && len(v[1]) == 4 {
			w.ID = int32(binary.BigEndian.Uint32(v[0]))
			w.RandomNumber = int32(binary.BigEndian.Uint32(v[1]))
			found = true
		}
	}
	if _, err := rr.Close(); err != nil {
		return err
	}
	if !found {
		return pgx.ErrNoRows
	}
	if res, err = p.GetResults(); err != nil {
		return err
	}
	if _, ok := res.(*pgconn.PipelineSync); !ok {
		return fmt.Errorf("unexpected pipeline result %T, want the Sync", res)
	}
	return nil
}

// newNumbers draws a new random number for every world, the same one for
// every occurrence of an id, and returns the distinct ids in ascending
// order with their new numbers.
func newNumbers(worlds []World) (ids, numbers []int32) {
	order := make([]int, len(worlds))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return int(worlds[a].ID - worlds[b].ID) })
	ids = make([]int32, 0, len(worlds))
	numbers = make([]int32, 0, len(worlds))
	for _, i := range order {
		w := &worlds[i]
		if k := len(ids) - 1; k >= 0 && ids[k] == w.ID {
			w.RandomNumber = numbers[k]
			continue
		}
		w.RandomNumber = randomID()
		ids = append(ids, w.ID)
		numbers = append(numbers, w.RandomNumber)
	}
	return ids, numbers
}

// writeWorlds stores the new numbers with one UPDATE, retrying if
// PostgreSQL picks it as a deadlock victim.
func writeWorlds(ctx context.Context, conn *pgxpool.Conn, ids, numbers []int32) error {
	var err error
	for range 3 {
		_, err = conn.Exec(ctx, updateWorlds, ids, numbers)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "40P01" {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("update %d worlds: %w", len(ids), err)
	}
	return nil
}
