package summary

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// Ceiling is tfb ceiling's result as tables: a line on how it was
// measured, each entry's /json, /db and /fortunes with both ceilings and
// both ratios, then each select's pgbench sweep as a depth × clients grid
// with its best point toned Good (bold in Markdown). false when the run is
// not tfb ceiling's.
func Ceiling(r runs.Run) ([]table.Table, bool) {
	rows, ok := r.Ceilings()
	if !ok {
		return nil, false
	}
	c := r.Doc.Ceiling
	entries := table.Table{
		Caption: ceilingMethod(r.Doc),
		Headers: []string{"entry", "/json", "/db", "/fortunes", "/db ceiling", "/fortunes ceiling", "/db ÷ ceiling", "/fortunes ÷ ceiling"},
		Right:   []bool{false, true, true, true, true, true, true, true},
	}
	for _, row := range rows {
		if row.JSON == 0 && row.Has(config.JSON) {
			first, _, _ := strings.Cut(row.Error, "\n")
			entries.Rows = append(entries.Rows, []table.Cell{{Text: row.Entry}, {Text: "failed: " + first}})
			continue
		}
		entries.Rows = append(entries.Rows, []table.Cell{
			{Text: row.Entry}, {Text: rateOfType(row, config.JSON, row.JSON)}, {Text: rateOfType(row, config.DB, row.DB)},
			{Text: rateOfType(row, config.Fortune, row.Fortune)}, {Text: wholeOrDash(row.DBCeiling)}, {Text: wholeOrDash(row.FortuneCeiling)},
			{Text: shareOver(row.DBRatio(), nil)}, {Text: shareOver(row.FortuneRatio(), nil)},
		})
		if len(row.Lacks) > 0 {
			entries.Notes = append(entries.Notes, fmt.Sprintf("—: %s implements no %s test.", row.Entry, typeList(row.Lacks)))
		}
		if row.Error != "" {
			entries.Notes = append(entries.Notes, row.Entry+": "+row.Error)
		}
	}
	out := []table.Table{entries}
	if ref, ok := r.Reference(); ok {
		out = append(out, referenceTable(ref, rows))
	}
	world := sweepGrid("world select", c.WorldSweep)
	world.Caption = "pgbench sweep, queries per second (pipeline depth by clients; the best in bold):"
	return append(out, world, sweepGrid("fortune select", c.FortuneSweep)), true
}

// referenceTable is each entry's /json and /plaintext as a share of the
// reference server's, the reference first.
func referenceTable(ref runs.ReferenceRates, rows []runs.CeilingRow) table.Table {
	t := table.Table{
		Caption: fmt.Sprintf("Against %s, which returns the same status, headers and bodies and does no framework work (the most an HTTP server reaches on this machine)%s:", ref.Name, passNote(rows)),
		Headers: []string{"entry", "/json", "/json ÷ " + ref.Name, "/plaintext", "/plaintext ÷ " + ref.Name},
		Right:   []bool{false, true, true, true, true},
	}
	if ref.JSON == 0 && ref.Plaintext == 0 {
		first, _, _ := strings.Cut(ref.Error, "\n")
		t.Rows = append(t.Rows, []table.Cell{{Text: ref.Name}, {Text: "failed: " + first}})
		return t
	}
	t.Rows = append(t.Rows, []table.Cell{{Text: ref.Name}, {Text: whole(ref.JSON)}, {Text: "1.00"}, {Text: whole(ref.Plaintext)}, {Text: "1.00"}})
	if ref.Error != "" {
		t.Notes = append(t.Notes, ref.Name+": "+ref.Error)
	}
	for _, row := range rows {
		if row.JSON == 0 && row.Plaintext == 0 {
			continue // the entries table says why
		}
		t.Rows = append(t.Rows, []table.Cell{{Text: row.Entry}, {Text: rateOfType(row, config.JSON, row.JSON)}, {Text: shareOver(row.JSONShare(), row.JSONShares)},
			{Text: rateOfType(row, config.Plaintext, row.Plaintext)}, {Text: shareOver(row.PlaintextShare(), row.PlaintextShares)}})
	}
	return t
}

// rateOfType spells the entry's rate of tt, "—" when it does not implement
// tt.
func rateOfType(row runs.CeilingRow, tt config.TestType, v float64) string {
	if !row.Has(tt) {
		return "—"
	}
	return whole(v)
}

// wholeOrDash spells v as a whole number, "—" for 0 (a ceiling that could
// not be computed).
func wholeOrDash(v float64) string {
	if v == 0 {
		return "—"
	}
	return whole(v)
}

// typeList joins test type names: "json, db or fortune".
func typeList(tts []config.TestType) string {
	names := make([]string, len(tts))
	for i, tt := range tts {
		names[i] = string(tt)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// passNote says how the shares were paired when the run measured every
// level more than once.
func passNote(rows []runs.CeilingRow) string {
	for _, row := range rows {
		if len(row.JSONShares) > 1 || len(row.PlaintextShares) > 1 {
			return "; each share is the median of the passes' shares (a pass's rate over the reference's in the same pass), with their range"
		}
	}
	return ""
}

// shareOver spells a share with two decimals, "—" when there is none,
// followed by the range of the per-pass shares it is the median of.
func shareOver(v float64, perPass []float64) string {
	if v == 0 {
		return "—"
	}
	if len(perPass) > 1 {
		return fmt.Sprintf("%.2f (%.2f–%.2f)", v, slices.Min(perPass), slices.Max(perPass))
	}
	return fmt.Sprintf("%.2f", v)
}

// ceilingMethod says in one line how a ceiling run was measured.
func ceilingMethod(d results.Document) string {
	c := d.Ceiling
	connections := 0
	if len(d.ConcurrencyLevels) > 0 {
		connections = d.ConcurrencyLevels[0]
	}
	passes := ""
	if d.RepeatCount > 1 {
		passes = fmt.Sprintf(", %d interleaved passes (rates are medians)", d.RepeatCount)
	}
	return fmt.Sprintf("PostgreSQL's best (pgbench pipeline mode, -M prepared, %ds per point): world select %.0f queries/s (%s), fortune select %.0f queries/s (%s); wrk -t%d -c%d, %ds per run%s; %s runtime, %s",
		c.PgbenchSeconds, c.WorldSweep.Best.QueriesPerSecond, where(c.WorldSweep.Best),
		c.FortuneSweep.Best.QueriesPerSecond, where(c.FortuneSweep.Best),
		d.Threads, connections, d.Duration, passes, d.Environment.Runtime,
		time.UnixMilli(d.StartTime).UTC().Format("2006-01-02 15:04 MST"))
}

func where(p results.PgbenchPoint) string { return fmt.Sprintf("depth %d, -c %d", p.Depth, p.Clients) }

// sweepGrid is a sweep as a table: a row per depth, a column per client
// count, in the order they ran; the best point toned Good.
func sweepGrid(name string, sw results.PgbenchSweep) table.Table {
	var depths, clients []int
	rate := map[[2]int]float64{}
	for _, p := range sw.Points {
		if !slices.Contains(depths, p.Depth) {
			depths = append(depths, p.Depth)
		}
		if !slices.Contains(clients, p.Clients) {
			clients = append(clients, p.Clients)
		}
		rate[[2]int{p.Depth, p.Clients}] = p.QueriesPerSecond
	}
	t := table.Table{Headers: []string{name}, Right: []bool{false}}
	for _, c := range clients {
		t.Headers = append(t.Headers, "-c "+strconv.Itoa(c))
		t.Right = append(t.Right, true)
	}
	for _, d := range depths {
		row := []table.Cell{{Text: "depth " + strconv.Itoa(d)}}
		for _, c := range clients {
			q, ok := rate[[2]int{d, c}]
			switch {
			case !ok:
				row = append(row, table.Cell{})
			case d == sw.Best.Depth && c == sw.Best.Clients:
				row = append(row, table.Cell{Text: whole(q), Tone: table.Good})
			default:
				row = append(row, table.Cell{Text: whole(q)})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// whole spells a rate without decimals or separators, as the ceiling's
// Markdown always has.
func whole(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
