package tfb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/maypok86/otter/v2"
)

// ErrUnavailable is returned while the database has not been reached yet.
var ErrUnavailable = errors.New("database unavailable")

// Service does the work of every database test type. Its methods are safe
// for concurrent use.
type Service struct {
	pool   *pgxpool.Pool
	pipe   *pipeliner
	cache  *otter.Cache[int32, World]
	loader otter.Loader[int32, World]
	ready  atomic.Bool
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a Service for the database at databaseURL. It does not wait
// for the database: it connects in the background, retrying until the
// database answers, and until then the database methods return
// ErrUnavailable. Only a malformed URL is an error.
func New(databaseURL string, log *slog.Logger) (*Service, error) {
	cfg, err := poolConfig(databaseURL)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("database pool: %w", err)
	}
	s := &Service{
		pool:  pool,
		cache: otter.Must(&otter.Options[int32, World]{MaximumSize: WorldRows}),
		log:   log,
		done:  make(chan struct{}),
	}
	s.loader = otter.LoaderFunc[int32, World](s.loadWorld)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.pipe = newPipeliner(ctx, pool, min(pipelineWorkers(), int(cfg.MaxConns)))
	go s.connect(ctx, cfg.ConnConfig.Host, cfg.ConnConfig.Port)
	return s, nil
}

// poolConfig parses databaseURL and sizes the pool for this machine unless
// the URL sets pool_max_conns itself.
func poolConfig(databaseURL string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgx's message may quote the URL; never echo the password.
		return nil, fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL: %w", errors.Unwrap(err))
	}
	if !strings.Contains(databaseURL, "pool_max_conns=") {
		cfg.MaxConns = int32(max(8, pipelineWorkers()))
	}
	return cfg, nil
}

// pipelineWorkers is how many connections at a time carry the reads (see
// pipeliner): four per core the process may use, as many as the default
// pool. Fewer workers mean longer pipelines but fewer queries in flight.
// On 2 cores, 2 to 8 workers served /db and /fortunes alike, while
// /queries?queries=20 went from 1,137 req/s with 2 workers to 4,410 with
// 8 (docs/performance.md).
func pipelineWorkers() int {
	return 4 * runtime.GOMAXPROCS(0)
}

// connect waits for the database, fills the cache, then marks the service
// ready. It logs once when the database is unreachable and once when it is
// reached.
func (s *Service) connect(ctx context.Context, host string, port uint16) {
	defer close(s.done)
	logged := false
	for {
		err := s.warm(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		if !logged {
			s.log.Warn("database not reachable; serving json and plaintext, database endpoints answer 503 until it is",
				"host", host, "port", port, "err", err)
			logged = true
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
	s.ready.Store(true)
	s.log.Info("database connected", "host", host, "port", port, "max_conns", s.pool.Config().MaxConns)
}

// warm loads every world into the cache, which also proves the database
// answers.
func (s *Service) warm(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT id, randomnumber FROM world")
	if err != nil {
		return err
	}
	defer rows.Close()
	var w World
	for rows.Next() {
		if err := rows.Scan(&w.ID, &w.RandomNumber); err != nil {
			return err
		}
		s.cache.Set(w.ID, w)
	}
	return rows.Err()
}

// Ready reports whether the database has been reached.
func (s *Service) Ready() bool {
	return s.ready.Load()
}

// WaitReady waits until the database has been reached, ctx ends, or the
// Service is closed, and says which.
func (s *Service) WaitReady(ctx context.Context) error {
	select {
	case <-s.done:
		if s.ready.Load() {
			return nil
		}
		return fmt.Errorf("%w: the service was closed before reaching it", ErrUnavailable)
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrUnavailable, context.Cause(ctx))
	}
}

// Close stops connecting and closes the pool.
func (s *Service) Close() {
	s.cancel()
	<-s.done
	s.pool.Close()
}

// check returns ErrUnavailable until the database has been reached.
func (s *Service) check() error {
	if !s.ready.Load() {
		return ErrUnavailable
	}
	return nil
}

// Error maps an error from a Service method to the HTTP status and short
// body an entry answers with: 503 while the database is unreachable, 500
// for anything else. It logs errors other than unavailability.
func (s *Service) Error(err error) (status int, body string) {
	var connErr *pgconn.ConnectError
	if errors.Is(err, ErrUnavailable) || errors.As(err, &connErr) {
		return http.StatusServiceUnavailable, "database unavailable"
	}
	s.log.Error("request failed", "err", err)
	return http.StatusInternalServerError, "database error"
}
