package runs

import (
	"testing"

	"github.com/go-tfb/suite/toolset/results"
)

func TestTroubles(t *testing.T) {
	doc := results.Document{Frameworks: []string{"gin"}, RawData: map[string]map[string][]results.Level{"db": {"gin": {
		{Connections: 16, TotalRequests: 100},
		{Connections: 32, TotalRequests: 100, Non2xx3xx: 7},
		{Connections: 64, TotalRequests: 100, Timeout: 2},
		{Connections: 128, Error: "wrk: signal: killed"},
		{Connections: 256},
	}}}}
	got := NewRun("results.json", doc).Troubles()
	want := []Trouble{
		{Type: "db", Entry: "gin", Level: 32, Repeat: 1, Non2xx3xx: 7},
		{Type: "db", Entry: "gin", Level: 64, Repeat: 1, SocketErrors: 2},
		{Type: "db", Entry: "gin", Level: 128, Repeat: 1, Failed: "wrk: signal: killed"},
		{Type: "db", Entry: "gin", Level: 256, Repeat: 1, Failed: "no request answered"},
	}
	if len(got) != len(want) {
		t.Fatalf("Troubles() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("trouble %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
