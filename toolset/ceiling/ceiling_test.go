package ceiling

import (
	"strings"
	"testing"
	"time"
)

func TestRatios(t *testing.T) {
	// json 100k and pgbench 50k give a ceiling of 1/(1/100k + 1/50k) = 33,333.
	e := Entry{Name: "x", JSON: 100000, DB: 25000, Fortune: 17000}
	e.Ceiling = 1 / (1/e.JSON + 1/50000.0)
	if got := int(e.Ceiling); got != 33333 {
		t.Fatalf("ceiling = %d, want 33333", got)
	}
	if got := e.DBRatio(); got < 0.749 || got > 0.751 {
		t.Errorf("db ratio = %.3f, want 0.75", got)
	}
	if got := e.FortuneRatio(); got < 0.509 || got > 0.511 {
		t.Errorf("fortune ratio = %.3f, want 0.51", got)
	}
	r := &Result{Start: time.Unix(0, 0).UTC(), Runtime: "local", Options: DefaultOptions(), PgbenchBest: 50000, PgbenchClients: 32, Entries: []Entry{e}}
	if r.Met() {
		t.Error("Met() with a fortunes ratio under its goal")
	}
	var b strings.Builder
	if err := r.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| x | 100000 | 25000 | 17000 | 33333 | 0.75 ✓ | 0.51 ✗ |", "pgbench best: 50000 tps (-c 32"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestPgbenchOutput(t *testing.T) {
	out := "transaction type: select.sql\nnumber of clients: 32\nlatency average = 0.640 ms\ninitial connection time = 25.1 ms\ntps = 49973.120587 (without initial connection time)\n"
	m := tpsLine.FindStringSubmatch(out)
	if m == nil || m[1] != "49973.120587" {
		t.Fatalf("tps line not found in pgbench output: %v", m)
	}
}
