package report

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
)

// level makes a measured level with the given rate and p99 latency.
func level(conns int, rps float64, p99 string) results.Level {
	return results.Level{Connections: conns, RequestsPerSecond: rps, LatencyP50: "1.00ms", LatencyP75: "1.50ms", LatencyP90: "2.00ms", LatencyP99: p99}
}

// repeatedDoc is a run of gin and echo on json at 16 and 32 connections,
// three repeats per level, and gin also on db with one level.
func repeatedDoc() results.Document {
	return results.Document{
		Frameworks:  []string{"gin", "echo"},
		RepeatCount: 3,
		RawData: map[string]map[string][]results.Level{
			"json": {
				"gin":  {level(16, 200, "4.00ms"), level(32, 410, "8.00ms")},
				"echo": {level(16, 300, "3.00ms"), level(32, 290, "9.00ms")},
			},
			"db": {"gin": {level(16, 50, "20.00ms")}},
		},
		Repeats: map[string]map[string][][]results.Level{
			"json": {
				"gin": {
					{level(16, 100, "3.00ms"), level(16, 300, "5.00ms"), level(16, 200, "4.00ms")},
					{level(32, 400, "7.00ms"), level(32, 410, "8.00ms"), level(32, 450, "9.00ms")},
				},
				"echo": {
					{level(16, 300, "3.00ms"), level(16, 310, "3.10ms"), level(16, 280, "2.90ms")},
					{level(32, 290, "9.00ms"), level(32, 250, "8.00ms"), level(32, 330, "10.00ms")},
				},
			},
		},
		Verify: map[string]map[string]string{
			"gin":  {"json": "pass", "db": "warn"},
			"echo": {"json": "pass", "db": "fail"},
		},
		VerifyProblems: map[string]map[string][]string{
			"gin":  {"db": {"WARN: Server header missing"}},
			"echo": {"db": {"FAIL: /db returned 500", "FAIL: no JSON body"}},
		},
		Failed:    map[string][]string{"db": {"echo"}, "json": {}},
		Completed: map[string]string{"gin": "20261126025500", "echo": "entry did not start: port in use"},
	}
}

func TestSeriesNames(t *testing.T) {
	doc := repeatedDoc()
	tests := []struct {
		name string
		rs   []runs.Run
		want []string
	}{
		{"one run: entry names", []runs.Run{{Label: "a", Doc: doc}}, []string{"gin", "echo"}},
		{"two runs: run/entry", []runs.Run{{Label: "a", Doc: doc}, {Label: "b", Doc: doc}}, []string{"a/gin", "a/echo", "b/gin", "b/echo"}},
		{"same label twice", []runs.Run{{Label: "a", Doc: doc}, {Label: "a", Doc: doc}}, []string{"a/gin", "a/echo", "a#2/gin", "a#2/echo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range seriesOf(tt.rs) {
				got = append(got, s.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("series = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestThroughputLinesAlignLevelsAcrossRuns(t *testing.T) {
	other := results.Document{
		Frameworks: []string{"gin"},
		RawData:    map[string]map[string][]results.Level{"json": {"gin": {level(32, 500, "1.00ms"), level(64, 600, "2.00ms")}}},
	}
	rs := []runs.Run{{Label: "a", Doc: repeatedDoc()}, {Label: "b", Doc: other}}
	td, ok := typeDataOf(rs, seriesOf(rs), config.JSON)
	if !ok {
		t.Fatal("json not found")
	}
	if !slices.Equal(td.Levels, []int{16, 32, 64}) {
		t.Fatalf("levels = %v, want [16 32 64]", td.Levels)
	}
	want := map[string][]float64{ // -1 for a missing point
		"a/gin":  {200, 410, -1},
		"a/echo": {300, 290, -1},
		"b/gin":  {-1, 500, 600},
	}
	lines := throughputLines(td)
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d", len(lines), len(want))
	}
	for _, l := range lines {
		w, ok := want[l.Name]
		if !ok {
			t.Errorf("unexpected line %q", l.Name)
			continue
		}
		for i, v := range l.Values {
			switch {
			case w[i] < 0 && v != nil:
				t.Errorf("%s at %d = %v, want no point", l.Name, td.Levels[i], *v)
			case w[i] >= 0 && (v == nil || *v != w[i]):
				t.Errorf("%s at %d = %v, want %v", l.Name, td.Levels[i], v, w[i])
			}
		}
	}
}

func TestThroughputBandsOnlyForRepeatedLevels(t *testing.T) {
	rs := []runs.Run{{Label: "a", Doc: repeatedDoc()}}
	td, _ := typeDataOf(rs, seriesOf(rs), config.JSON)
	bands := throughputBands(td)
	if len(bands) != 2 || bands[0].Name != "gin" {
		t.Fatalf("bands = %+v, want gin's and echo's", bands)
	}
	if *bands[0].Min[0] != 100 || *bands[0].Max[0] != 300 || *bands[0].Min[1] != 400 || *bands[0].Max[1] != 450 {
		t.Errorf("gin band = %v–%v, %v–%v; want 100–300, 400–450", *bands[0].Min[0], *bands[0].Max[0], *bands[0].Min[1], *bands[0].Max[1])
	}
	td, _ = typeDataOf(rs, seriesOf(rs), config.DB) // one sample per level
	if b := throughputBands(td); len(b) != 0 {
		t.Errorf("bands for single samples: %+v", b)
	}
}

func TestLatencyLinesInMilliseconds(t *testing.T) {
	rs := []runs.Run{{Label: "a", Doc: repeatedDoc()}}
	td, _ := typeDataOf(rs, seriesOf(rs), config.JSON)
	lines := latencyLines(td)
	if len(lines) != 2*len(percentiles) {
		t.Fatalf("got %d lines, want %d", len(lines), 2*len(percentiles))
	}
	var names []string
	for _, l := range lines {
		names = append(names, l.Name)
	}
	want := []string{"gin p50", "gin p75", "gin p90", "gin p99", "echo p50", "echo p75", "echo p90", "echo p99"}
	if !slices.Equal(names, want) {
		t.Errorf("lines = %v, want them grouped by entry: %v", names, want)
	}
	for _, l := range lines {
		if l.Name == "gin p99" {
			if *l.Values[0] != 4 || *l.Values[1] != 8 {
				t.Errorf("gin p99 = %v, %v ms, want 4, 8", *l.Values[0], *l.Values[1])
			}
			return
		}
	}
	t.Error("no line named gin p99")
}

func TestServerLinesLeaveOutUnrecordedValues(t *testing.T) {
	cpu, mem := 1.5, int64(24e6)
	l := level(16, 100, "1ms")
	l.ServerCPUSeconds, l.ServerPeakMemoryBytes = &cpu, &mem
	doc := results.Document{RawData: map[string]map[string][]results.Level{"json": {
		"gin":   {l},
		"fiber": {level(16, 90, "1ms")}, // no server figures
	}}}
	rs := []runs.Run{{Doc: doc}}
	td, _ := typeDataOf(rs, seriesOf(rs), config.JSON)
	if c := cpuLines(td); len(c) != 1 || c[0].Name != "gin" || *c[0].Values[0] != 1.5 {
		t.Errorf("cpu lines = %+v, want one gin line at 1.5", c)
	}
	if m := memoryLines(td); len(m) != 1 || *m[0].Values[0] != 24 {
		t.Errorf("memory lines = %+v, want one line at 24 MB", m)
	}
}

func TestBestLevelsAndWhiskers(t *testing.T) {
	rs := []runs.Run{{Label: "a", Doc: repeatedDoc()}}
	td, _ := typeDataOf(rs, seriesOf(rs), config.JSON)
	bests := bestLevels(td)
	if len(bests) != 2 {
		t.Fatalf("got %d bests, want 2", len(bests))
	}
	gin, echo := bests[0], bests[1]
	if gin.Level != 32 || gin.RPS.Median != 410 || gin.RPS.Min != 400 || gin.RPS.Max != 450 || !gin.Whisker() || gin.P99 != "8.00ms" {
		t.Errorf("gin best = %+v, want 32 connections, 410 (400–450), whisker, p99 8.00ms", gin)
	}
	if echo.Level != 16 || echo.RPS.Median != 300 {
		t.Errorf("echo best = %+v, want 16 connections at 300", echo)
	}

	opt := bestOption(bests, "conn.")
	series := opt["series"].([]map[string]any)
	if len(series) != 2 || series[1]["type"] != "boxplot" {
		t.Fatalf("series = %v, want a bar and a boxplot", series)
	}
	whiskers := series[1]["data"].([]any)
	if got := whiskers[0].([]float64); !slices.Equal(got, []float64{400, 410, 410, 410, 450}) {
		t.Errorf("gin whisker = %v, want [400 410 410 410 450] (min, median×3, max)", got)
	}

	// One sample per level: no whisker series at all.
	single := results.Document{RawData: map[string]map[string][]results.Level{"json": {"gin": {level(16, 100, "1ms")}}}}
	rs = []runs.Run{{Doc: single}}
	td, _ = typeDataOf(rs, seriesOf(rs), config.JSON)
	b := bestLevels(td)
	if b[0].Whisker() {
		t.Error("a single sample got a whisker")
	}
	if s := bestOption(b, "conn.")["series"].([]map[string]any); len(s) != 1 {
		t.Errorf("got %d series for single samples, want only the bars", len(s))
	}
}

func TestVerificationGrid(t *testing.T) {
	rs := []runs.Run{{Label: "a", Doc: repeatedDoc()}}
	types := typesOf(rs)
	if !slices.Equal(types, []config.TestType{config.JSON, config.DB}) {
		t.Fatalf("types = %v, want [json db]", types)
	}
	g := verificationGrid(rs, seriesOf(rs), types)
	want := map[string][]gridCell{
		"gin":  {{Status: statusPass}, {Status: statusWarn, Reasons: []string{"WARN: Server header missing"}}},
		"echo": {{Status: statusPass}, {Status: statusFail, Reasons: []string{"FAIL: /db returned 500", "FAIL: no JSON body"}}},
	}
	if len(g.Rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(g.Rows))
	}
	for _, row := range g.Rows {
		for i, c := range row.Cells {
			w := want[row.Name][i]
			if c.Status != w.Status || !slices.Equal(c.Reasons, w.Reasons) {
				t.Errorf("%s %s = %+v, want %+v", row.Name, types[i], c, w)
			}
		}
	}
	if g.Rows[0].Note != "" || g.Rows[1].Note != "entry did not start: port in use" {
		t.Errorf("notes = %q, %q; want none for gin's timestamp and echo's message", g.Rows[0].Note, g.Rows[1].Note)
	}

	// Failed without a verification status, and not run at all.
	doc := results.Document{
		Frameworks: []string{"gin", "echo"},
		RawData:    map[string]map[string][]results.Level{"json": {"gin": {level(16, 1, "1ms")}}},
		Verify:     map[string]map[string]string{"echo": {"db": "pass"}},
		Failed:     map[string][]string{"json": {"echo"}},
	}
	rs = []runs.Run{{Doc: doc}}
	g = verificationGrid(rs, seriesOf(rs), []config.TestType{config.JSON, config.DB})
	got := map[string][]string{}
	for _, row := range g.Rows {
		for _, c := range row.Cells {
			got[row.Name] = append(got[row.Name], c.Status)
		}
	}
	if !slices.Equal(got["gin"], []string{statusNotRun, statusNotRun}) || !slices.Equal(got["echo"], []string{statusFail, statusPass}) {
		t.Errorf("statuses = %v, want gin [not run, not run], echo [fail, pass]", got)
	}
}

func TestEnvironmentShowsTheRolesEngines(t *testing.T) {
	withEngines := runs.Run{Doc: results.Document{Environment: results.Environment{Runtime: "docker", Engines: map[string]results.EngineFacts{
		"server":   {Endpoint: "tcp://198.18.0.11:2375", Name: "app", Cores: 4, MemoryBytes: 8e9, Kernel: "6.1.0", DockerVersion: "20.10.24"},
		"database": {Endpoint: "tcp://198.18.0.12:2375", Name: "db", Cores: 2},
		"client":   {Endpoint: "tcp://198.18.0.13:2375", Name: "load", Cores: 2},
	}}}}
	local := runs.Run{Doc: results.Document{Environment: results.Environment{Runtime: "local"}}}
	table := environmentTable([]runs.Run{withEngines, local}, []string{"three", "local"})
	want := map[string][]string{
		"Server engine":   {"tcp://198.18.0.11:2375, app, 4 cores, 8.0 GB, 6.1.0, Docker 20.10.24", "—"},
		"Database engine": {"tcp://198.18.0.12:2375, db, 2 cores", "—"},
		"Client engine":   {"tcp://198.18.0.13:2375, load, 2 cores", "—"},
	}
	found := 0
	for _, row := range table.Rows {
		if w, ok := want[row[0]]; ok {
			found++
			if !slices.Equal(row[1:], w) {
				t.Errorf("%s = %q, want %q", row[0], row[1:], w)
			}
		}
	}
	if found != len(want) {
		t.Errorf("found %d of the %d engine rows in %v", found, len(want), table.Rows)
	}
}

func TestCostBarsSplitTheKernelTime(t *testing.T) {
	seconds := func(v float64) *float64 { return &v }
	split := level(16, 100, "1ms")
	split.TotalRequests = 1_000_000
	split.ServerCPUSeconds, split.ServerKernelCPUSeconds = seconds(10), seconds(6)
	split.DatabaseCPUSeconds = seconds(2) // recorded without its kernel part
	whole := level(16, 90, "1ms")
	whole.TotalRequests = 1_000_000
	whole.ServerCPUSeconds = seconds(8) // results from before the kernel part
	doc := results.Document{RawData: map[string]map[string][]results.Level{"json": {
		"gin":   {split},
		"fiber": {whole},
	}}}
	rs := []runs.Run{{Doc: doc}}
	td, _ := typeDataOf(rs, seriesOf(rs), config.JSON)
	_, bars, ok := costBars(td)
	if !ok {
		t.Fatal("costBars found no CPU")
	}
	at := func(entry string) int {
		return slices.IndexFunc(td.Series, func(s series) bool { return s.Entry == entry })
	}
	columns := []int{at("gin"), at("fiber")}
	got := map[string][2]string{} // bar name → values of gin and fiber
	for _, b := range bars {
		var v [2]string
		for i, j := range columns {
			if b.Values[j] != nil {
				v[i] = strconv.FormatFloat(*b.Values[j], 'f', 1, 64)
			}
		}
		got[b.Name] = v
	}
	want := map[string][2]string{
		"server: kernel":        {"6.0", ""},
		"server: own code":      {"4.0", ""},
		"server (the entry)":    {"", "8.0"},
		"database (PostgreSQL)": {"2.0", ""},
		"client (wrk)":          {"", ""},
		"other":                 {"", ""},
	}
	if !maps.Equal(got, want) {
		t.Errorf("bars (gin, fiber) = %v,\nwant %v", got, want)
	}
}
