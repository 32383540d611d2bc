package frameworks_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sys/unix"

	"github.com/go-tfb/suite/toolset/fixture"
)

// TestGracefulShutdown holds a database request in flight (the database
// connection frozen), sends SIGTERM, then lets the database answer: the
// request must complete with 200, new connections must be refused, and the
// entry must exit with status 0.
func TestGracefulShutdown(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			proxy := newLateProxy(t, db.URL)
			proxy.open(t)
			p := runEntry(t, test, proxy.url, "TFB_DB_TIMEOUT=20s", "TFB_SHUTDOWN_TIMEOUT=20s")
			waitOK(t, p.base+test.DBURL, 10*time.Second)

			proxy.freeze()
			type result struct {
				status int
				err    error
			}
			done := make(chan result, 1)
			go func() {
				status, _, err := tryGet(p.base+test.DBURL, 30*time.Second)
				done <- result{status, err}
			}()
			select {
			case <-proxy.held: // the request's query waits in the proxy
			case <-time.After(10 * time.Second):
				t.Fatal("the request's query never reached the database proxy")
			}
			p.signal(t, syscall.SIGTERM)
			// The listener closes: a new request must not be served.
			deadline := time.Now().Add(5 * time.Second)
			for {
				if _, _, err := tryGet(p.base+test.JSONURL, time.Second); err != nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("still accepting requests 5s after SIGTERM")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if !p.alive() {
				t.Fatalf("exited with a request in flight: %v", p.err)
			}
			proxy.thaw()
			r := <-done
			if r.err != nil || r.status != http.StatusOK {
				t.Errorf("request in flight at SIGTERM: status %d, err %v; want 200", r.status, r.err)
			}
			if code := p.wait(t, 10*time.Second); code != 0 {
				t.Errorf("exit status %d after SIGTERM, want 0", code)
			}
		})
	}
}

// TestInterruptExitsZero checks that SIGINT stops an idle entry with
// status 0.
func TestInterruptExitsZero(t *testing.T) {
	cfg := loadConfig(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			p := runEntry(t, test, deadDatabase)
			p.signal(t, syscall.SIGINT)
			if code := p.wait(t, 10*time.Second); code != 0 {
				t.Errorf("exit status %d after SIGINT, want 0", code)
			}
		})
	}
}

// deadDatabase is a URL where no database listens.
const deadDatabase = "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"

// TestDatabaseDeadline freezes the database connection: database requests
// must answer 503 within the deadline (TFB_DB_TIMEOUT) instead of waiting,
// while json keeps answering, and once the database answers again the
// entry serves 200 within a second (plus the time a new connection takes
// here): no pipeline stays stuck behind a
// frozen connection.
func TestDatabaseDeadline(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			proxy := newLateProxy(t, db.URL)
			proxy.open(t)
			p := runEntry(t, test, proxy.url, "TFB_DB_TIMEOUT=1s")
			waitOK(t, p.base+test.DBURL, 10*time.Second)

			proxy.freeze()
			paths := []string{test.DBURL, test.QueryURL + "5", test.FortuneURL, test.UpdateURL + "5", test.DBURL}
			var wg sync.WaitGroup
			for _, path := range paths {
				wg.Go(func() {
					start := time.Now()
					status, body, err := tryGet(p.base+path, 10*time.Second)
					took := time.Since(start)
					if err != nil || status != http.StatusServiceUnavailable || took > 3*time.Second {
						t.Errorf("%s with the database frozen: status %d (%q), err %v after %s; want 503 within 3s",
							path, status, body, err, took.Round(time.Millisecond))
					}
				})
			}
			wg.Wait()
			if status, _, err := tryGet(p.base+test.JSONURL, 2*time.Second); err != nil || status != http.StatusOK {
				t.Errorf("json with the database frozen: status %d, err %v", status, err)
			}
			within := time.Second + 3*connectTime(t, db.URL)
			proxy.thaw()
			waitOK(t, p.base+test.DBURL, within)
		})
	}
}

// TestDatabaseRestart cuts every database connection and refuses new ones
// for a while, as a PostgreSQL restart does, under a steady load: requests
// answer 503 while it is down and never 500, and the first 200 comes
// within a second of the database being back (plus the time a new
// connection takes here).
func TestDatabaseRestart(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			proxy := newLateProxy(t, db.URL)
			proxy.open(t)
			p := runEntry(t, test, proxy.url)
			waitOK(t, p.base+test.DBURL, 10*time.Second)

			var stop atomic.Bool
			var mu sync.Mutex
			statuses := map[int]int{}
			var wg sync.WaitGroup
			for i := range 8 {
				path := []string{test.DBURL, test.QueryURL + "3", test.FortuneURL, test.UpdateURL + "3"}[i%4]
				wg.Go(func() {
					for !stop.Load() {
						// Longer than the database deadline: every request gets
						// an answer.
						status, _, _ := tryGet(p.base+path, 15*time.Second)
						mu.Lock()
						statuses[status]++
						mu.Unlock()
					}
				})
			}
			for range 2 {
				time.Sleep(300 * time.Millisecond)
				// Recovery must take at most a second more than opening a
				// connection, which on a loaded machine takes a while.
				within := time.Second + 3*connectTime(t, db.URL)
				proxy.drop()
				time.Sleep(500 * time.Millisecond)
				if status, body, _ := tryGet(p.base+test.DBURL, 5*time.Second); status != http.StatusServiceUnavailable {
					t.Errorf("db while the database is down: status %d (%q), want 503", status, body)
				}
				proxy.open(t)
				back := time.Now()
				for {
					status, _, _ := tryGet(p.base+test.DBURL, 5*time.Second)
					if status == http.StatusOK {
						break
					}
					if time.Since(back) > within {
						t.Fatalf("no 200 within %s of the database coming back (last status %d)", within, status)
					}
					time.Sleep(20 * time.Millisecond)
				}
				t.Logf("first 200 after %s", time.Since(back).Round(time.Millisecond))
			}
			stop.Store(true)
			wg.Wait()
			t.Logf("statuses under load: %v", statuses)
			for status, n := range statuses {
				if status != http.StatusOK && status != http.StatusServiceUnavailable {
					t.Errorf("%d responses with status %d; want only 200 and 503", n, status)
				}
			}
		})
	}
}

// TestConnectionTimeouts checks that a half-sent request, first on its
// connection or after a response, and a request trickled in a byte at a
// time are closed within the read-header timeout, and an idle keep-alive
// connection after the idle timeout, both set short here through the
// environment.
func TestConnectionTimeouts(t *testing.T) {
	cfg := loadConfig(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			p := runEntry(t, test, deadDatabase,
				"TFB_READ_HEADER_TIMEOUT=1s", "TFB_READ_TIMEOUT=1s", "TFB_IDLE_TIMEOUT=2s")
			addr := strings.TrimPrefix(p.base, "http://")

			t.Run("partial request", func(t *testing.T) {
				c := dial(t, addr)
				io.WriteString(c, "GET "+test.JSONURL+" HTTP/1.1\r\nHost: x\r\nAccept: */")
				if took := untilClosed(t, c, 6*time.Second); took > 3*time.Second {
					t.Errorf("half-sent request closed after %s; want within the 1s header timeout", took)
				}
			})
			request := "GET " + test.JSONURL + " HTTP/1.1\r\nHost: x\r\n\r\n"
			t.Run("trickled request", func(t *testing.T) {
				c := dial(t, addr)
				go func() {
					for i := range len(request) {
						if _, err := io.WriteString(c, request[i:i+1]); err != nil {
							return
						}
						time.Sleep(200 * time.Millisecond)
					}
				}()
				if took := untilClosed(t, c, 6*time.Second); took > 2*time.Second {
					t.Errorf("request trickled a byte per 200ms closed after %s; want within the 1s header timeout", took)
				}
			})
			t.Run("half-sent request after a response", func(t *testing.T) {
				c := dial(t, addr)
				readResponse(t, c, request)
				io.WriteString(c, request[:len(request)/2])
				if took := untilClosed(t, c, 6*time.Second); took > 1700*time.Millisecond {
					t.Errorf("half-sent second request closed after %s; want within the 1s header timeout, before the 2s idle one", took)
				}
			})
			t.Run("idle keep-alive", func(t *testing.T) {
				c := dial(t, addr)
				readResponse(t, c, request)
				took := untilClosed(t, c, 8*time.Second)
				if took < time.Second || took > 5*time.Second {
					t.Errorf("idle keep-alive connection closed after %s; want after the 2s idle timeout", took)
				}
			})
		})
	}
}

// readResponse writes request to c and reads its response, whole.
func readResponse(t *testing.T, c net.Conn, request string) {
	t.Helper()
	io.WriteString(c, request)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read the response: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// untilClosed reads from c, discarding, until the server closes it, and
// returns how long that took; it fails the test if c stays open for limit.
func untilClosed(t *testing.T, c net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	c.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, c)
	took := time.Since(start)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("connection still open after %s", limit)
	}
	return took
}

// TestFileDescriptorLimit lowers the entry's RLIMIT_NOFILE to a few more
// descriptors than it uses, holds more idle connections than that, and
// releases them: the entry must not exit, and must serve again once
// descriptors are free.
func TestFileDescriptorLimit(t *testing.T) {
	cfg := loadConfig(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			p := runEntry(t, test, deadDatabase)
			pid := p.cmd.Process.Pid
			fds, err := os.ReadDir("/proc/" + itoa(pid) + "/fd")
			if err != nil {
				t.Fatal(err)
			}
			limit := uint64(len(fds) + 8)
			if err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: limit, Max: limit}, nil); err != nil {
				t.Fatalf("prlimit: %v", err)
			}
			addr := strings.TrimPrefix(p.base, "http://")
			var held []net.Conn
			for range 40 {
				c, err := net.DialTimeout("tcp", addr, time.Second)
				if err != nil {
					break
				}
				held = append(held, c)
			}
			// A request that has to wait for a descriptor.
			tryGet(p.base+test.JSONURL, time.Second)
			if !strings.Contains(p.log.String(), "too many open files") {
				t.Errorf("the entry never met the descriptor limit (limit %d, %d connections held)", limit, len(held))
			}
			if !p.alive() {
				t.Fatalf("exited at the descriptor limit: %v", p.err)
			}
			for _, c := range held {
				c.Close()
			}
			waitOK(t, p.base+test.JSONURL, 10*time.Second)
			if !p.alive() {
				t.Fatalf("exited after the descriptor limit: %v", p.err)
			}
		})
	}
}

// connectTime is how long opening a database connection takes right now.
func connectTime(t *testing.T, url string) time.Duration {
	t.Helper()
	start := time.Now()
	c, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect to the fixture: %v", err)
	}
	took := time.Since(start)
	c.Close(t.Context())
	return took
}
