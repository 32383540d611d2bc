package tfb

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/maypok86/otter/v2"
)

const (
	selectWorld = "SELECT id, randomnumber FROM world WHERE id = $1"

	// updateWorlds writes a request's new random numbers in one statement.
	// The ids arrive sorted and unique, so concurrent requests lock rows in
	// the same order. Its text holds no "select": TFB counts the rows of
	// every statement naming world and matching select as rows read.
	updateWorlds = "UPDATE world SET randomnumber = v.r " +
		"FROM unnest($1::int[], $2::int[]) AS v(id, r) " +
		"WHERE world.id = v.id"
)

// World reads one random world row: the db test type. Like every read of
// the Service, the query shares its round trip with those of concurrent
// requests (see pipeliner).
func (s *Service) World(ctx context.Context) (World, error) {
	if err := s.check(); err != nil {
		return World{}, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.pipe.world(ctx, randomID())
}

// Worlds reads n random world rows with n separate queries: the query test
// type. Use QueryCount to turn the request parameter into n.
func (s *Service) Worlds(ctx context.Context, n int) ([]World, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	worlds := randomWorlds(n)
	if err := s.pipe.worlds(ctx, worlds); err != nil {
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
	ctx, cancel := s.bound(ctx)
	defer cancel()
	worlds := randomWorlds(n)
	if err := s.pipe.worlds(ctx, worlds); err != nil {
		return nil, err
	}
	ids, numbers := newNumbers(worlds)
	if err := s.writeWorlds(ctx, ids, numbers); err != nil {
		return nil, err
	}
	return worlds, nil
}

// randomWorlds returns n worlds with random ids, to be read.
func randomWorlds(n int) []World {
	worlds := make([]World, n)
	for i := range worlds {
		worlds[i].ID = randomID()
	}
	return worlds
}

// CachedWorlds returns n random worlds from the in-process cache, filled
// from the database when the service connected: the cached_query test type.
// A hit costs no deadline of its own; a miss loads the row within the
// request's database deadline (see loadWorld).
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

// loadWorld fills a cache miss from the database, within the request's
// database deadline. Warm fills every id, so misses happen only for an id
// the table did not hold when the service connected.
func (s *Service) loadWorld(ctx context.Context, id int32) (World, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	w := World{ID: id}
	err := s.pool.QueryRow(ctx, selectWorld, id).Scan(&w.ID, &w.RandomNumber)
	if errors.Is(err, pgx.ErrNoRows) {
		return w, otter.ErrNotFound
	}
	return w, err
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

// writeWorlds stores the new numbers with one UPDATE, which shares its
// round trip with the queries of concurrent requests (see pipeliner),
// retrying if PostgreSQL picks it as a deadlock victim.
func (s *Service) writeWorlds(ctx context.Context, ids, numbers []int32) error {
	var err error
	for range 3 {
		err = s.pipe.update(ctx, ids, numbers)
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
