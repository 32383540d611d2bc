package tfb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"
	"github.com/maypok86/otter/v2"
)

// ErrUnavailable is returned while the database has not been reached yet.
var ErrUnavailable = errors.New("database unavailable")

// ErrClientGone is returned when a request's client disconnected before
// its database work was done.
var ErrClientGone = errors.New("client disconnected")

// Service does the work of every database test type. Its methods are safe
// for concurrent use.
type Service struct {
	pool    *pgxpool.Pool
	pipe    *pipeliner
	cache   *otter.Cache[int32, World]
	loader  otter.Loader[int32, World]
	ready   atomic.Bool
	log     *slog.Logger
	timeout time.Duration // of each request's database work
	// lastWarn is when unavailability was last logged, in Unix nanoseconds.
	lastWarn atomic.Int64
	cancel   context.CancelFunc
	done     chan struct{}
}

// New returns a Service for the database at databaseURL whose requests get
// DefaultDatabaseTimeout for their database work (see NewWithConfig).
func New(databaseURL string, log *slog.Logger) (*Service, error) {
	return NewWithConfig(Config{DatabaseURL: databaseURL, DatabaseTimeout: DefaultDatabaseTimeout}, log)
}

// NewWithConfig returns a Service for the database at c.DatabaseURL. It
// does not wait for the database: it connects in the background, retrying
// until the database answers, and until then the database methods return
// ErrUnavailable. Each request's database work must end within
// c.DatabaseTimeout, or fails with context.DeadlineExceeded. Only a
// malformed URL is an error.
func NewWithConfig(c Config, log *slog.Logger) (*Service, error) {
	cfg, err := poolConfig(c.DatabaseURL)
	if err != nil {
		return nil, err
	}
	timeout := c.DatabaseTimeout
	if timeout <= 0 {
		timeout = DefaultDatabaseTimeout
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("database pool: %w", err)
	}
	s := &Service{
		pool: pool,
		// No size bound: the keys are the world ids, at most WorldRows of
		// them, and an unbounded otter cache keeps no eviction policy, so a
		// read costs a hash lookup and nothing more.
		cache:   otter.Must(&otter.Options[int32, World]{}),
		log:     log,
		timeout: timeout,
		done:    make(chan struct{}),
	}
	s.loader = otter.LoaderFunc[int32, World](s.loadWorld)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.pipe = newPipeliner(ctx, pool, min(pipelineWorkers(), int(cfg.MaxConns)), timeout)
	go s.connect(ctx, cfg.ConnConfig.Host, cfg.ConnConfig.Port)
	return s, nil
}

// poolConfig parses databaseURL and sizes the pool for this machine unless
// the URL sets pool_max_conns itself.
func poolConfig(databaseURL string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL (want postgres://user:password@host:port/database): %s", parseProblem(err))
	}
	if !strings.Contains(databaseURL, "pool_max_conns=") {
		cfg.MaxConns = int32(max(8, pipelineWorkers()))
	}
	// The pipelines read their answers in batches (see batchReadConn).
	cfg.ConnConfig.DialFunc = dialBatchReads(cfg.ConnConfig.DialFunc)
	// A request past its deadline gives up its connection at once instead
	// of asking the server to cancel (pgx's default, which waits another
	// second and a round trip on a connection that may be frozen).
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
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

// bound gives ctx the deadline of one request's database work.
func (s *Service) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// check returns ErrUnavailable until the database has been reached.
func (s *Service) check() error {
	if !s.ready.Load() {
		return ErrUnavailable
	}
	return nil
}

// parseProblem is what pgx found wrong in a connection string, without the
// string itself, which holds the password.
func parseProblem(err error) string {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return "unrecognised form"
	}
	msg := pe.Error()
	if i := strings.Index(msg, "`: "); i >= 0 {
		msg = msg[i+len("`: "):]
	}
	var ue *url.Error
	if errors.As(pe, &ue) {
		msg = strings.ReplaceAll(msg, ue.Error(), ue.Err.Error())
	}
	if pe.ConnString != "" && strings.Contains(msg, pe.ConnString) {
		return "unrecognised form"
	}
	return msg
}

// ReportFailure logs err, the failure of a Service method, at the level its
// cause deserves, and returns the HTTP status and short body the entry
// answers with:
//   - 503 "database unavailable", logged as a warning, while the database
//     cannot be reached, its connection drops (closed, reset, EOF, the
//     server shutting down) or the request's database deadline passes;
//   - 503 "client disconnected", logged at debug level, when the client
//     went away first: nobody reads the answer;
//   - 500 "database error", logged as an error, for anything else.
func (s *Service) ReportFailure(err error) (status int, body string) {
	switch {
	case errors.Is(err, ErrClientGone) || errors.Is(err, context.Canceled):
		s.log.Debug("request abandoned", "err", err)
		return http.StatusServiceUnavailable, ErrClientGone.Error()
	case unavailable(err):
		if s.warnDue() {
			s.log.Warn("database unavailable; answering 503 (one line a second at most)", "err", err)
		}
		return http.StatusServiceUnavailable, ErrUnavailable.Error()
	}
	s.log.Error("request failed", "err", err)
	return http.StatusInternalServerError, "database error"
}

// warnDue reports whether a second has passed since the last warning about
// unavailability, and if so takes the turn to warn: an outage under load
// fails thousands of requests a second.
func (s *Service) warnDue() bool {
	now := time.Now().UnixNano()
	last := s.lastWarn.Load()
	return now-last >= int64(time.Second) && s.lastWarn.CompareAndSwap(last, now)
}

// unavailable reports whether err means the database could not be used,
// as opposed to a statement that failed.
func unavailable(err error) bool {
	var connErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, ErrUnavailable), errors.As(err, &connErr),
		errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, puddle.ErrClosedPool),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE), errors.As(err, &netErr):
		return true
	case errors.As(err, &pgErr):
		// Class 08: connection exception; class 57P: the server is
		// shutting down, crashed or not accepting connections yet.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	}
	return false
}
