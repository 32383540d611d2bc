package frameworks_test

import (
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// lateProxy stands between an entry and its database. Its URL points at a
// port where nothing listens until open, which then forwards connections to
// the real database. freeze holds every byte in both directions until thaw,
// as a database that stops answering; drop cuts every connection and stops
// listening, as a database that restarts, until open again.
type lateProxy struct {
	url    string
	port   int
	target string

	gate   sync.RWMutex // held for writing while frozen
	frozen atomic.Bool
	held   chan struct{} // signalled when bytes arrive while frozen

	mu    sync.Mutex
	l     net.Listener
	conns []net.Conn
	wg    sync.WaitGroup
}

func newLateProxy(t *testing.T, databaseURL string) *lateProxy {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	p := &lateProxy{port: freePort(t), target: u.Host, held: make(chan struct{}, 1)}
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port))
	p.url = u.String()
	t.Cleanup(func() {
		p.thaw()
		p.drop()
		p.wg.Wait()
	})
	return p
}

// open starts listening and forwarding.
func (p *lateProxy) open(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)))
	if err != nil {
		t.Fatalf("open the database proxy: %v", err)
	}
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	p.wg.Go(func() {
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
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			p.wg.Go(func() { p.pipe(out, in) })
			p.wg.Go(func() { p.pipe(in, out) })
		}
	})
}

// pipe copies from src to dst, holding the bytes while the proxy is frozen.
func (p *lateProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if p.frozen.Load() {
				select {
				case p.held <- struct{}{}:
				default:
				}
			}
			p.gate.RLock()
			_, werr := dst.Write(buf[:n])
			p.gate.RUnlock()
			if werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// freeze stops forwarding; bytes wait in the proxy until thaw.
func (p *lateProxy) freeze() {
	p.gate.Lock()
	p.frozen.Store(true)
}

// thaw forwards again, held bytes first.
func (p *lateProxy) thaw() {
	if p.frozen.CompareAndSwap(true, false) {
		p.gate.Unlock()
	}
}

// drop closes the listener and every connection.
func (p *lateProxy) drop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		p.l.Close()
		p.l = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
