package benchtest

import (
	"bufio"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

// pathSeeds start the fuzzing of request paths, the same for every entry:
// the test types' own paths, then counts past any integer, signed, empty,
// in other scripts' digits or repeated, bad escapes, trailing and doubled
// slashes, dot segments and unknown paths. An entry's
// testdata/fuzz/FuzzRequestPath holds only what go test -fuzz found in it.
var pathSeeds = []string{
	"/plaintext", "/json", "/db", "/queries?queries=20", "/updates?queries=-1",
	"/cached-queries?count=99999999999999999999", "/fortunes", "/queries?queries=%zz",
	"/json/", "//json", "/no-such-path", "/queries?queries=1&queries=2", "/db?%00=%00",
	"/queries?queries=9999999999999999999999999", "/updates?queries=+3", "/cached-queries?count=-0",
	"/fortunes?x=%ff%fe", "/db/../json", "/queries?queries=%D9%A3", "/json?",
}

// FuzzPaths feeds request paths to an entry whose Service has no database:
// whatever the path, the entry must not panic and must not answer 5xx,
// except 503 from the database test types. Paths that are not valid HTTP
// request targets are skipped: the server rejects them before any handler.
func FuzzPaths(f *testing.F, newEntry func(*tfb.Service) Entry) {
	for _, p := range pathSeeds {
		f.Add(p)
	}
	svc, err := tfb.New("postgres://nobody@127.0.0.1:1/none?connect_timeout=1", slog.New(slog.DiscardHandler))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(svc.Close)
	e := newEntry(svc)
	f.Fuzz(func(t *testing.T, path string) {
		if !strings.HasPrefix(path, "/") {
			t.Skip("not an origin-form request target")
		}
		if _, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + path + " HTTP/1.1\r\nHost: tfb\r\n\r\n"))); err != nil {
			t.Skip("not a valid request target")
		}
		status := e.Get(path)
		if status >= 500 && status != http.StatusServiceUnavailable {
			t.Errorf("GET %q: status %d", path, status)
		}
	})
}
