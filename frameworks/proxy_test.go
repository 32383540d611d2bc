package frameworks_test

import (
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
)

// lateProxy stands for a database that appears later: its URL points at a
// port where nothing listens until open, which then forwards connections to
// the real database.
type lateProxy struct {
	url    string
	port   int
	target string
}

func newLateProxy(t *testing.T, databaseURL string) *lateProxy {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	p := &lateProxy{port: freePort(t), target: u.Host}
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port))
	p.url = u.String()
	return p
}

// open starts listening and forwarding; the listener closes with the test.
func (p *lateProxy) open(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)))
	if err != nil {
		t.Fatalf("open the database proxy: %v", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", p.target)
			if err != nil {
				in.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, in, out)
			mu.Unlock()
			wg.Go(func() { io.Copy(out, in); out.Close() })
			wg.Go(func() { io.Copy(in, out); in.Close() })
		}
	})
}
