// Package frameworks_test is the conformance suite: it builds every entry
// listed in benchmark_config.json, runs it as a real process against a real
// PostgreSQL fixture, and checks it with the same rule engine tfb verify uses.
// A new entry added to benchmark_config.json is picked up with no change here.
package frameworks_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/backend/local"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/verify"
	"github.com/go-tfb/suite/toolset/verify/verifytest"
)

// repoRoot is the repository root, one level above this package.
const repoRoot = ".."

func TestConformance(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	pool := connect(t, db.URL)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			srv := startEntry(t, test, db.URL)
			verifytest.Check(t, verify.Target{BaseURL: srv.BaseURL(), Test: test, DB: pool})
		})
	}
}

// TestBadRequests checks what an entry does with requests outside the test
// types: unknown paths get 404, other methods 404 or 405, and neither harms
// the server.
func TestBadRequests(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			base := startEntry(t, test, db.URL).BaseURL()
			cases := []struct {
				method, path string
				want         []int
			}{
				{"GET", "/no-such-path", []int{404}},
				{"GET", "/json/extra", []int{404}},
				{"POST", test.JSONURL, []int{404, 405}},
				{"DELETE", test.DBURL, []int{404, 405}},
				{"GET", test.QueryURL + "%zz", []int{200, 400}},
				{"GET", test.JSONURL, []int{200}},
			}
			for _, c := range cases {
				status, _ := request(t, c.method, base+c.path)
				if !slices.Contains(c.want, status) {
					t.Errorf("%s %s: status %d, want one of %v", c.method, c.path, status, c.want)
				}
			}
		})
	}
}

// TestDatabaseOutage starts each entry before its database is reachable:
// json and plaintext must work, database endpoints answer 503 with a short
// body, and once the database appears the entry connects by itself.
func TestDatabaseOutage(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			proxy := newLateProxy(t, db.URL)
			srv := startEntryNoWait(t, test, proxy.url)
			base := srv.BaseURL()
			waitStatus(t, base+test.JSONURL, http.StatusOK, 10*time.Second)
			if status, body := request(t, "GET", base+test.PlaintextURL); status != http.StatusOK {
				t.Errorf("plaintext while the database is down: status %d (%q)", status, body)
			}
			for _, path := range []string{test.DBURL, test.QueryURL + "2", test.FortuneURL, test.UpdateURL + "2", test.CachedQueryURL + "2"} {
				status, body := request(t, "GET", base+path)
				if status != http.StatusServiceUnavailable || len(body) == 0 || len(body) > 100 {
					t.Errorf("%s while the database is down: status %d body %q, want 503 and a short body", path, status, body)
				}
			}
			proxy.open(t)
			waitStatus(t, base+test.DBURL, http.StatusOK, 10*time.Second)
		})
	}
}

// TestDatabaseError makes the database refuse the fortunes query: the entry
// must answer 500 with a short body and keep serving, and recover when the
// database answers again.
func TestDatabaseError(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	if db.AdminURL == "" {
		fixture.Unavailable(t, errNoAdmin)
	}
	admin := connect(t, db.AdminURL)
	grant := func(verb string) {
		t.Helper()
		sql := "GRANT SELECT ON fortune TO benchmarkdbuser"
		if verb == "revoke" {
			sql = "REVOKE SELECT ON fortune FROM benchmarkdbuser"
		}
		if _, err := admin.Exec(t.Context(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			base := startEntry(t, test, db.URL).BaseURL()
			grant("revoke")
			t.Cleanup(func() { grant("grant") })
			status, body := request(t, "GET", base+test.FortuneURL)
			if status != http.StatusInternalServerError || len(body) == 0 || len(body) > 100 || bytes.Contains(body, []byte("permission")) {
				t.Errorf("fortunes with the table refused: status %d body %q, want 500 and a short body that leaks nothing", status, body)
			}
			if status, _ := request(t, "GET", base+test.DBURL); status != http.StatusOK {
				t.Errorf("db after a failed fortunes request: status %d", status)
			}
			grant("grant")
			if status, _ := request(t, "GET", base+test.FortuneURL); status != http.StatusOK {
				t.Errorf("fortunes once the table is readable again: status %d", status)
			}
		})
	}
}

var errNoAdmin = errors.New("the fixture has no superuser URL (DATABASE_URL is set)")

// The local runtime builds each entry once and is shared by every test.
var (
	rtOnce sync.Once
	rt     *local.Runtime
	rtErr  error
)

func localRuntime(t *testing.T) *local.Runtime {
	t.Helper()
	rtOnce.Do(func() {
		root, err := filepath.Abs(repoRoot)
		if err != nil {
			rtErr = err
			return
		}
		rt = local.New(local.Options{RepoDir: root})
		rtErr = rt.Prepare(context.Background(), false)
	})
	if rtErr != nil {
		t.Fatalf("local runtime: %v", rtErr)
	}
	return rt
}

func TestMain(m *testing.M) {
	code := m.Run()
	if rt != nil {
		rt.Close(context.Background())
	}
	if binaries.dir != "" {
		os.RemoveAll(binaries.dir)
	}
	os.Exit(code)
}

var built sync.Map // entry name → true once built

// startEntry builds the entry if needed and runs it on a free port against
// databaseURL, waiting until its database endpoints answer.
func startEntry(t *testing.T, test config.Test, databaseURL string) backend.Server {
	t.Helper()
	return start(t, test, databaseURL, true)
}

// startEntryNoWait is startEntry for a database that is not there yet: it
// waits only until the process listens.
func startEntryNoWait(t *testing.T, test config.Test, databaseURL string) backend.Server {
	t.Helper()
	return start(t, test, databaseURL, false)
}

func start(t *testing.T, test config.Test, databaseURL string, wait bool) backend.Server {
	t.Helper()
	r := localRuntime(t)
	log := &testLog{t: t}
	if _, ok := built.Load(test.Name); !ok {
		if err := r.Build(t.Context(), test, log); err != nil {
			t.Fatalf("build %s: %v", test.Name, err)
		}
		built.Store(test.Name, true)
	}
	test.Port = freePort(t)
	if !wait {
		// Readiness on the json URL only: the database is down on purpose.
		test = config.Test{Name: test.Name, JSONURL: test.JSONURL, Port: test.Port}
	}
	srv, err := r.StartServer(t.Context(), test, staticDB(databaseURL), log)
	if err != nil {
		t.Fatalf("start %s: %v", test.Name, err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(context.Background()); err != nil {
			t.Errorf("stop %s: %v", test.Name, err)
		}
	})
	return srv
}

// staticDB presents a database URL as a backend.Database the test owns.
type staticDB string

func (d staticDB) URL() string                     { return string(d) }
func (d staticDB) Close(ctx context.Context) error { return nil }

// StartUsage implements backend.Database: the test measures nothing.
func (d staticDB) StartUsage(context.Context) (backend.UsageProbe, error) {
	return nil, errors.New("not measured")
}

// testLog sends an entry's output to the test log.
type testLog struct {
	t  *testing.T
	mu sync.Mutex
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func loadConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join(repoRoot, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func connect(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatalf("connect to the fixture: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

var client = &http.Client{Timeout: 10 * time.Second}

func request(t *testing.T, method, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, bytes.TrimSpace(body)
}

func waitStatus(t *testing.T, url string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		status, body := request(t, "GET", url)
		if status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: status %d (%q), still not %d after %s", url, status, body, want, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	port, err := fixture.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}
