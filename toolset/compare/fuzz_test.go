package compare

import (
	"io"
	"os"
	"testing"

	"github.com/go-tfb/suite/toolset/round20"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// FuzzParse: whatever the bytes, reading them and comparing what was read
// returns errors, never panics. `go test` runs the seeds; `go test -fuzz
// FuzzParse` explores further.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"../runs/testdata/tfb-results.json", "testdata/run-a/results.json", "testdata/run-b/results.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		`{}`, `null`, `[]`, `{"rawData": null}`, `{"rawData": {"json": null}}`,
		`{"rawData": {"json": {"gin": null}}}`, `{"rawData": {"json": {"gin": [null, {}]}}, "concurrencyLevels": [16, 32]}`,
		`{"rawData": {"query": {"gin": [{"totalRequests": 5, "startTime": 10, "endTime": 5}]}}, "queryIntervals": [20]}`,
		`{"environment": {}, "rawData": {"json": {"gin": [{"connections": 16, "requestsPerSecond": -1}]}}, "repeats": {"json": {"gin": [[], null]}}}`,
		`{"environment": {}, "rawData": {"json": {"gin": [{"connections": 16, "requestsPerSecond": 1, "latencyP99": "bad"}]}}}`,
	} {
		f.Add([]byte(seed))
	}
	data, err := round20.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		run, err := runs.Parse(b)
		if err != nil {
			return
		}
		run.Path, run.Label = "fuzz.json", "fuzz"
		if c, err := Compare([]runs.Run{run, run}); err == nil {
			_ = table.WriteText(io.Discard, c.Tables(), true)
			_ = table.WriteHTML(io.Discard, "fuzz", c.Tables())
		}
		if r, err := CompareRound20(run, data); err == nil {
			_ = table.WriteMarkdown(io.Discard, r.Tables())
		}
	})
}
