package frameworks_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
)

// closed stands for a connection the server closed without answering.
const closed = 0

// hostileRequest is one raw request of the battery and the answers
// RFC 9110 and RFC 9112 allow for it.
type hostileRequest struct {
	name string
	raw  func(test config.Test) string
	want []int
}

// get builds a GET of target with a Host header and the given extra lines.
func get(target string, headers ...string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: tfb\r\n" + strings.Join(headers, "") + "\r\n"
}

// hostileRequests is the battery: malformed request lines, versions,
// methods, headers and framing, oversized URLs and headers, and junk
// parameters. A server may always close the connection on a request it
// cannot parse (RFC 9112 §2.2); what it must never do is answer 5xx from a
// handler or hang.
var hostileRequests = []hostileRequest{
	{"control", func(tt config.Test) string { return get(tt.JSONURL) }, []int{200}},
	// Request lines.
	{"missing version", func(tt config.Test) string { return "GET " + tt.JSONURL + "\r\nHost: tfb\r\n\r\n" }, []int{400, closed}},
	{"extra token", func(tt config.Test) string { return "GET " + tt.JSONURL + " HTTP/1.1 extra\r\nHost: tfb\r\n\r\n" }, []int{400, closed}},
	// 501: fasthttp reads the junk as a method it does not implement.
	{"binary junk", func(config.Test) string { return "\x00\x01\x02\xff\xfe junk\r\n\r\n" }, []int{400, 501, closed}},
	{"empty line only", func(config.Test) string { return "\r\n\r\n" }, []int{400, closed}},
	{"no target", func(config.Test) string { return "GET  HTTP/1.1\r\nHost: tfb\r\n\r\n" }, []int{400, closed}},
	// "*" names the server as a whole, a target for OPTIONS only (RFC 9110
	// §9.3.7): GET of it is a bad request, no resource, or a method the
	// target does not allow.
	{"asterisk target", func(config.Test) string { return "GET * HTTP/1.1\r\nHost: tfb\r\n\r\n" }, []int{400, 404, 405, closed}},
	{"absolute form", func(tt config.Test) string { return "GET http://tfb" + tt.JSONURL + " HTTP/1.1\r\nHost: tfb\r\n\r\n" }, []int{200, 400}},
	// A server MAY take a lone LF as a line end (RFC 9112 §2.2); one that
	// does not keeps waiting for the end of the header and times out (408).
	{"bare LF line ends", func(tt config.Test) string { return "GET " + tt.JSONURL + " HTTP/1.1\nHost: tfb\n\n" }, []int{200, 400, 408, closed}},
	// Versions. A server "can" refuse a major version with 505 (RFC 9110
	// §2.5) or answer in the highest version it supports (§6.2).
	{"HTTP/9.9", func(tt config.Test) string { return "GET " + tt.JSONURL + " HTTP/9.9\r\nHost: tfb\r\n\r\n" }, []int{505, 400, 200, closed}},
	{"HTTP/2.0 on HTTP/1 framing", func(tt config.Test) string { return "GET " + tt.JSONURL + " HTTP/2.0\r\nHost: tfb\r\n\r\n" }, []int{505, 400, 200, closed}},
	{"lower-case version", func(tt config.Test) string { return "GET " + tt.JSONURL + " http/1.1\r\nHost: tfb\r\n\r\n" }, []int{400, 505, closed}},
	{"HTTP/1.0", func(tt config.Test) string { return "GET " + tt.JSONURL + " HTTP/1.0\r\n\r\n" }, []int{200}},
	// Methods.
	{"unknown method", func(tt config.Test) string { return "BREW " + tt.JSONURL + " HTTP/1.1\r\nHost: tfb\r\n\r\n" }, []int{404, 405, 501}},
	{"lower-case method", func(tt config.Test) string { return "get " + tt.JSONURL + " HTTP/1.1\r\nHost: tfb\r\n\r\n" }, []int{400, 404, 405, 501}},
	{"DELETE", func(tt config.Test) string { return "DELETE " + tt.DBURL + " HTTP/1.1\r\nHost: tfb\r\n\r\n" }, []int{404, 405}},
	{"CONNECT", func(config.Test) string { return "CONNECT tfb:443 HTTP/1.1\r\nHost: tfb:443\r\n\r\n" }, []int{400, 404, 405, 501, closed}},
	// Headers.
	{"no Host", func(tt config.Test) string { return "GET " + tt.JSONURL + " HTTP/1.1\r\n\r\n" }, []int{400, 200}},
	{"two Hosts", func(tt config.Test) string { return get(tt.JSONURL, "Host: other\r\n") }, []int{400, 200}},
	{"header without colon", func(tt config.Test) string { return get(tt.JSONURL, "NoColonHere\r\n") }, []int{400, closed}},
	{"space before colon", func(tt config.Test) string { return get(tt.JSONURL, "Accept : */*\r\n") }, []int{400, closed}},
	{"NUL in header value", func(tt config.Test) string { return get(tt.JSONURL, "X-Junk: a\x00b\r\n") }, []int{400, closed}},
	{"obsolete line folding", func(tt config.Test) string { return get(tt.JSONURL, "X-Junk: a\r\n b\r\n") }, []int{400, 200, closed}},
	{"Expect 100-continue", func(tt config.Test) string { return get(tt.JSONURL, "Expect: 100-continue\r\n") }, []int{200, 417}},
	{"unknown Expect", func(tt config.Test) string { return get(tt.JSONURL, "Expect: teapot\r\n") }, []int{200, 417}},
	// Message framing.
	{"Content-Length with Transfer-Encoding", func(tt config.Test) string {
		return get(tt.JSONURL, "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n"
	}, []int{400, 200, closed}},
	{"two Content-Lengths", func(tt config.Test) string {
		return get(tt.JSONURL, "Content-Length: 1\r\nContent-Length: 2\r\n") + "xy"
	}, []int{400, closed}},
	{"negative Content-Length", func(tt config.Test) string { return get(tt.JSONURL, "Content-Length: -1\r\n") }, []int{400, closed}},
	{"non-numeric Content-Length", func(tt config.Test) string { return get(tt.JSONURL, "Content-Length: ten\r\n") }, []int{400, closed}},
	{"unknown transfer coding", func(tt config.Test) string { return get(tt.JSONURL, "Transfer-Encoding: bogus\r\n") }, []int{501, 400, closed}},
	{"gzip not chunked last", func(tt config.Test) string { return get(tt.JSONURL, "Transfer-Encoding: gzip\r\n") }, []int{501, 400, closed}},
	{"bad chunk size", func(tt config.Test) string {
		return get(tt.JSONURL, "Transfer-Encoding: chunked\r\n") + "zz\r\nhello\r\n0\r\n\r\n"
	}, []int{400, 200, closed}},
	// Sizes.
	{"64 KB URL", func(tt config.Test) string { return get(tt.JSONURL + "?pad=" + strings.Repeat("a", 64<<10)) }, []int{200, 400, 414, 431, closed}},
	// No size is mandated: net/http takes up to 1 MB of header, fasthttp 4 KB.
	{"1 MB header", func(tt config.Test) string { return get(tt.JSONURL, "X-Big: "+strings.Repeat("b", 1<<20)+"\r\n") }, []int{200, 400, 431, closed}},
	{"10,000 headers", func(tt config.Test) string {
		return get(tt.JSONURL, strings.Repeat("X-Many: m\r\n", 10000))
	}, []int{200, 400, 431, closed}},
	// Paths and parameters.
	{"unknown path", func(config.Test) string { return get("/no-such-path") }, []int{404}},
	{"dot segments", func(config.Test) string { return get("/../../etc/passwd") }, []int{400, 404, 301, 307, 308}},
	{"double slash", func(tt config.Test) string { return get("/" + tt.JSONURL) }, []int{200, 301, 307, 308, 404}},
	{"percent-encoded NUL", func(tt config.Test) string { return get(tt.JSONURL + "%00") }, []int{400, 404}},
	{"bad percent escape", func(tt config.Test) string { return get(tt.QueryURL + "%zz") }, []int{200, 400}},
	{"count far too large", func(tt config.Test) string { return get(tt.QueryURL + strings.Repeat("9", 100)) }, []int{200}},
	{"count negative", func(tt config.Test) string { return get(tt.UpdateURL + "-7") }, []int{200}},
	{"count exponent", func(tt config.Test) string { return get(tt.QueryURL + "1e9") }, []int{200}},
	{"count with junk", func(tt config.Test) string { return get(tt.CachedQueryURL + "12abc&count=&&==&x[]=1") }, []int{200}},
	{"count unicode digits", func(tt config.Test) string { return get(tt.QueryURL + "%D9%A3") }, []int{200}},
	{"parameter repeated", func(tt config.Test) string { return get(tt.QueryURL + "3&queries=4") }, []int{200}},
	{"db with junk query", func(tt config.Test) string { return get(tt.DBURL + "?id=0;DROP%20TABLE%20world") }, []int{200}},
	// A fragment is no part of a request target (RFC 9112 §3.2).
	{"fortunes with fragment", func(tt config.Test) string { return get(tt.FortuneURL + "#x") }, []int{200, 400, 404}},
}

// deviations are answers an entry's framework gives against a MUST of the
// RFCs, by entry and request name, with the reason. The test logs them
// instead of failing; each is a fact about the framework, not the entry.
var deviations = map[string]map[string]string{
	"fiber": {
		"space before colon": "fasthttp accepts whitespace in header names (RFC 9112 §5.1 requires 400); the field is read as a different header and ignored",
	},
	"fasthttp": {
		"space before colon": "fasthttp accepts whitespace in header names (RFC 9112 §5.1 requires 400); the field is read as a different header and ignored",
	},
	"hertz": {
		"extra token":         "Hertz's request-line parser ignores what follows the version (RFC 9112 §3 requires 400)",
		"two Content-Lengths": "Hertz's header parser takes one of two differing Content-Length fields (RFC 9112 §6.3 requires 400)",
	},
}

// TestHostileRequests sends the battery to every entry, each request on
// its own connection: every answer must be one the RFCs allow for it (no
// handler 5xx; 501 and 505 only where they name what the server does not
// do), none may take more than ten seconds (twice the header timeout),
// and the entry must serve
// normally afterwards.
func TestHostileRequests(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			p := runEntry(t, test, db.URL)
			waitOK(t, p.base+test.DBURL, 30*time.Second)
			addr := strings.TrimPrefix(p.base, "http://")
			for _, h := range hostileRequests {
				status, err := rawExchange(addr, h.raw(test), 10*time.Second)
				if err != nil {
					t.Errorf("%s: %v", h.name, err)
					continue
				}
				if reason, ok := deviations[test.Name][h.name]; ok && !slices.Contains(h.want, status) {
					t.Logf("%s: %s, a known deviation: %s", h.name, describeStatus(status), reason)
					continue
				}
				if !slices.Contains(h.want, status) {
					t.Errorf("%s: %s, want one of %v", h.name, describeStatus(status), h.want)
				}
			}
			for _, path := range []string{test.JSONURL, test.DBURL, test.QueryURL + "3", test.FortuneURL} {
				if status, _, err := tryGet(p.base+path, 5*time.Second); err != nil || status != http.StatusOK {
					t.Errorf("%s after the battery: status %d, err %v", path, status, err)
				}
			}
		})
	}
}

// rawExchange writes raw on a new connection to addr and returns the
// status of the first response, or closed if the server closed the
// connection without one. An exchange still open after timeout is an
// error: the server hangs.
func rawExchange(addr, raw string, timeout time.Duration) (int, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	// The server may answer and close before reading all of a large
	// request; a failed write is not a failure, the answer is.
	go io.WriteString(c, raw)
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil && line == "" {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				return 0, errors.New("no answer and no close within " + timeout.String() + ": the server hangs")
			}
			return closed, nil
		}
		fields := strings.Fields(line)
		if len(fields) < 2 || !strings.HasPrefix(fields[0], "HTTP/") {
			return 0, errors.New("answer is not an HTTP status line: " + strconv.Quote(line))
		}
		status, err := strconv.Atoi(fields[1])
		if err != nil {
			return 0, errors.New("answer has no status code: " + strconv.Quote(line))
		}
		if status >= 200 {
			return status, nil
		}
		// An interim answer (100 Continue): skip its header, read on.
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return 0, errors.New("interim answer " + strconv.Itoa(status) + " cut short")
			}
			if strings.TrimSpace(l) == "" {
				break
			}
		}
	}
}

func describeStatus(status int) string {
	if status == closed {
		return "closed without an answer"
	}
	return "status " + strconv.Itoa(status)
}
