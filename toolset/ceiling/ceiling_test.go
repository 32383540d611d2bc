package ceiling

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestCeiling(t *testing.T) {
	tests := []struct {
		name              string
		json, pgbenchBest float64
		want              float64
	}{
		{"json twice pgbench", 100000, 50000, 33333.33},
		{"equal rates halve", 40000, 40000, 20000},
		{"fast database: json bounds it", 10000, 1e9, 9999.9},
		{"slow database bounds it", 1e9, 5000, 4999.97},
		{"json not measured", 0, 50000, 0},
		{"pgbench not measured", 100000, 0, 0},
		{"negative is not measured", -1, 50000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Ceiling(tt.json, tt.pgbenchBest); math.Abs(got-tt.want) > 0.01 {
				t.Errorf("Ceiling(%v, %v) = %.2f, want %.2f", tt.json, tt.pgbenchBest, got, tt.want)
			}
		})
	}
}

func TestRatios(t *testing.T) {
	e := Entry{Name: "x", JSON: 100000, DB: 25000, Fortune: 17000, Ceiling: Ceiling(100000, 50000)}
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
