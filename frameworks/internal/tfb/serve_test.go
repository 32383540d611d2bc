package tfb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestConfigFromEnv(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		want    func(Config) bool
		wantErr string
	}{
		{"defaults", nil, func(c Config) bool {
			return c.Port == "8080" && c.DatabaseURL == DefaultDatabaseURL && c.ReadHeaderTimeout == 5*time.Second &&
				c.ReadTimeout == 10*time.Second && c.IdleTimeout == time.Minute && c.DatabaseTimeout == 8*time.Second &&
				c.ShutdownTimeout == 4*time.Second && c.PprofAddr == "" && !c.PprofContention &&
				c.GCBallastMiB == DefaultGCBallastMiB
		}, ""},
		{"no ballast", map[string]string{"TFB_GC_BALLAST_MIB": "0"}, func(c Config) bool { return c.GCBallastMiB == 0 }, ""},
		{"a larger ballast", map[string]string{"TFB_GC_BALLAST_MIB": "64"}, func(c Config) bool { return c.GCBallastMiB == 64 }, ""},
		{"a ballast in bytes", map[string]string{"TFB_GC_BALLAST_MIB": "16777216"}, nil, `TFB_GC_BALLAST_MIB="16777216": want a whole number of MiB from 0 (none) to 4096`},
		{"a ballast with a unit", map[string]string{"TFB_GC_BALLAST_MIB": "16MiB"}, nil, `TFB_GC_BALLAST_MIB="16MiB": want a whole number of MiB`},
		{"a negative ballast", map[string]string{"TFB_GC_BALLAST_MIB": "-1"}, nil, `TFB_GC_BALLAST_MIB="-1"`},
		{"profiles on loopback", map[string]string{"TFB_PPROF_ADDR": "127.0.0.1:6061", "TFB_PPROF_CONTENTION": "1"}, func(c Config) bool {
			return c.PprofAddr == "127.0.0.1:6061" && c.PprofContention
		}, ""},
		{"profiles on localhost and ::1", map[string]string{"TFB_PPROF_ADDR": "[::1]:6061"}, func(c Config) bool {
			return c.PprofAddr == "[::1]:6061" && !c.PprofContention
		}, ""},
		{"profiles off loopback", map[string]string{"TFB_PPROF_ADDR": "0.0.0.0:6061"}, nil, `TFB_PPROF_ADDR="0.0.0.0:6061": the profiles are served on loopback only`},
		{"profiles without a port", map[string]string{"TFB_PPROF_ADDR": "127.0.0.1"}, nil, `TFB_PPROF_ADDR="127.0.0.1": want HOST:PORT on loopback`},
		{"set", map[string]string{"TFB_READ_HEADER_TIMEOUT": "250ms", "TFB_IDLE_TIMEOUT": "2s", "TFB_DB_TIMEOUT": "1s"}, func(c Config) bool {
			return c.ReadHeaderTimeout == 250*time.Millisecond && c.IdleTimeout == 2*time.Second && c.DatabaseTimeout == time.Second
		}, ""},
		{"not a duration", map[string]string{"TFB_DB_TIMEOUT": "5"}, nil, `TFB_DB_TIMEOUT="5": want a positive duration`},
		{"negative", map[string]string{"TFB_IDLE_TIMEOUT": "-1s"}, nil, `TFB_IDLE_TIMEOUT="-1s": want a positive duration`},
		{"zero", map[string]string{"TFB_SHUTDOWN_TIMEOUT": "0s"}, nil, `TFB_SHUTDOWN_TIMEOUT="0s"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range []string{"PORT", "DATABASE_URL", "TFB_READ_HEADER_TIMEOUT", "TFB_READ_TIMEOUT", "TFB_IDLE_TIMEOUT", "TFB_DB_TIMEOUT", "TFB_SHUTDOWN_TIMEOUT", "TFB_PPROF_ADDR", "TFB_PPROF_CONTENTION", "TFB_GC_BALLAST_MIB"} {
				t.Setenv(k, c.env[k])
			}
			cfg, err := ConfigFromEnv()
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.want(cfg) {
				t.Errorf("config %+v", cfg)
			}
		})
	}
}

// TestBadDatabaseURL checks that a malformed DATABASE_URL gives a message
// that says what is wrong and never shows the password.
func TestBadDatabaseURL(t *testing.T) {
	for _, url := range []string{
		"postgres://user:s3cret@host:notaport/db",
		"postgres://user:s3cret@host:5432/db?pool_max_conns=many",
		"postgres://user:s3cret@ho st/db",
		"host=h port=x password=s3cret",
	} {
		_, err := New(url, slog.New(slog.DiscardHandler))
		if err == nil {
			t.Errorf("New(%q) accepted it", url)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "s3cret") || strings.Contains(msg, "%!") || !strings.HasPrefix(msg, "DATABASE_URL is not a valid PostgreSQL URL") {
			t.Errorf("New(%q): %q, want a clear message without the password", url, msg)
		}
	}
}

// levelRecorder is a slog.Handler that keeps the level of each record.
type levelRecorder struct{ levels []slog.Level }

func (r *levelRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *levelRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.levels = append(r.levels, rec.Level)
	return nil
}
func (r *levelRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *levelRecorder) WithGroup(string) slog.Handler      { return r }

// TestReportFailure checks the status, body and log level of each kind of
// failure: the database's unavailability is a warning, a client that left
// is below it, anything else an error.
func TestReportFailure(t *testing.T) {
	cases := []struct {
		name  string
		err   error
		want  int
		level slog.Level
	}{
		{"not connected yet", ErrUnavailable, 503, slog.LevelWarn},
		{"connect error", &pgconn.ConnectError{}, 503, slog.LevelWarn},
		{"deadline", fmt.Errorf("read world 3: %w", context.DeadlineExceeded), 503, slog.LevelWarn},
		{"client gone", fmt.Errorf("read world 3: %w", context.Canceled), 503, slog.LevelDebug},
		{"eof", fmt.Errorf("read 2 worlds: %w", io.ErrUnexpectedEOF), 503, slog.LevelWarn},
		{"reset", fmt.Errorf("send queries: %w", &net.OpError{Op: "read", Err: syscall.ECONNRESET}), 503, slog.LevelWarn},
		{"conn closed", fmt.Errorf("x: %w", pgconn.ErrConnClosed), 503, slog.LevelWarn},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, 503, slog.LevelWarn},
		{"connection failure", &pgconn.PgError{Code: "08006"}, 503, slog.LevelWarn},
		{"permission denied", &pgconn.PgError{Code: "42501"}, 500, slog.LevelError},
		{"other", errors.New("no rows"), 500, slog.LevelError},
	}
	for _, c := range cases {
		rec := &levelRecorder{}
		s := &Service{log: slog.New(rec)}
		status, body := s.ReportFailure(c.err)
		if status != c.want || body == "" || len(body) > 40 {
			t.Errorf("%s: ReportFailure(%v) = %d %q, want %d and a short body", c.name, c.err, status, body, c.want)
		}
		if len(rec.levels) != 1 || rec.levels[0] != c.level {
			t.Errorf("%s: logged at %v, want once at %v", c.name, rec.levels, c.level)
		}
	}
}

// TestListenRidesOutEMFILE fills the process's descriptor table while the
// listener accepts: Accept must wait instead of failing, and hand over the
// connection once a descriptor is free.
func TestListenRidesOutEMFILE(t *testing.T) {
	l, err := Listen("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	// Dial first: the client end takes a descriptor too.
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	low := lim
	low.Cur = 64
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatalf("lower RLIMIT_NOFILE: %v", err)
	}
	var fill []int
	release := func() {
		for _, fd := range fill {
			syscall.Close(fd)
		}
		fill = nil
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	defer release()
	for {
		fd, err := syscall.Dup(0)
		if err != nil {
			break
		}
		fill = append(fill, fd)
	}
	accepted := make(chan error, 1)
	go func() {
		conn, err := l.Accept()
		if err == nil {
			conn.Close()
		}
		accepted <- err
	}()
	select {
	case err := <-accepted:
		t.Fatalf("Accept returned while no descriptor was free: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	release()
	select {
	case err := <-accepted:
		if err != nil {
			t.Fatalf("Accept after descriptors freed: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Accept did not return within 5s of descriptors freeing up")
	}
}
