package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

func TestDoneCountsMeasuredRepeats(t *testing.T) {
	good, failed := Level{TotalRequests: 10, RequestsPerSecond: 5}, Level{Error: "wrk: signal: killed"}
	d := Document{RepeatCount: 2,
		RawData: map[string]map[string][]Level{"db": {"gin": {good, failed}}, "json": {"gin": {good, {}}}},
		Repeats: map[string]map[string][][]Level{"db": {"gin": {{good, good}, {failed, good}}}}}
	done := d.Done()
	for _, c := range []struct {
		tt          config.TestType
		level, pass int
		want        bool
	}{
		{config.DB, 0, 1, true}, {config.DB, 0, 2, true}, {config.DB, 1, 1, true}, {config.DB, 1, 2, false},
		{config.JSON, 0, 1, true}, {config.JSON, 1, 1, false}, {config.Fortune, 0, 1, false},
	} {
		if got := done.Has("gin", c.tt, c.level, c.pass); got != c.want {
			t.Errorf("Has(gin, %s, level %d, pass %d) = %v, want %v", c.tt, c.level, c.pass, got, c.want)
		}
	}
	if !(Done{}).IsZero() || done.IsZero() {
		t.Error("IsZero: want true for the zero Done only")
	}
}

func TestOpenKeepsMeasurementsAndReplacesFailedOnes(t *testing.T) {
	root := t.TempDir()
	w, err := create(root, Meta{RepeatCount: 2, Environment: Environment{Runtime: "local"}}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	good := Level{TotalRequests: 10, RequestsPerSecond: 5}
	_ = w.AddLevel("gin", config.DB, 0, good)
	_ = w.AddLevel("gin", config.DB, 0, Level{Error: "wrk: exit status 1"})
	_ = w.FinishInterrupted()
	r, err := open(w.File(), func() time.Time { return time.UnixMilli(42) })
	if err != nil {
		t.Fatal(err)
	}
	second := Level{TotalRequests: 20, RequestsPerSecond: 9}
	if err := r.AddLevel("gin", config.DB, 0, second); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(r.Dir(), FileName))
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	reps := d.Repeats["db"]["gin"][0]
	if len(reps) != 2 || reps[0] != good || reps[1] != second {
		t.Errorf("repeats = %+v, want the first kept and the failed one replaced", reps)
	}
	if d.Interrupted || d.CompletionTime != nil || len(d.Environment.Resumed) != 1 || d.Environment.Resumed[0] != 42 {
		t.Errorf("resumed run: interrupted %v, completion %v, resumed %v", d.Interrupted, d.CompletionTime, d.Environment.Resumed)
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Error("Open of a directory without results.json: no error")
	}
}
