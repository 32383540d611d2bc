package ceiling

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteMarkdown writes the result as Markdown: a line on how it was
// measured, the entries' rates, ceilings and ratios, and each select's
// pgbench sweep with its best point in bold.
func (r *Result) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	o := r.Options
	fmt.Fprintf(&b, "PostgreSQL's best (pgbench pipeline mode, -M prepared, %s per point): world select %.0f queries/s (%s), fortune select %.0f queries/s (%s); wrk -t%d -c%d, %s per run; %s runtime, %s\n\n",
		o.PgbenchDuration, r.WorldSweep.Best.QueriesPerSecond, where(r.WorldSweep.Best),
		r.FortuneSweep.Best.QueriesPerSecond, where(r.FortuneSweep.Best),
		o.Threads, o.Connections, o.Duration, r.Runtime, r.Start.Format("2006-01-02 15:04 MST"))
	b.WriteString("| entry | /json | /db | /fortunes | /db ceiling | /fortunes ceiling | /db ÷ ceiling | /fortunes ÷ ceiling |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, e := range r.Entries {
		if e.Error != "" && e.DBCeiling == 0 && e.FortuneCeiling == 0 {
			first, _, _ := strings.Cut(e.Error, "\n")
			fmt.Fprintf(&b, "| %s | failed: %s | | | | | | |\n", e.Name, first)
			continue
		}
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f |\n", e.Name, e.JSON, e.DB, e.Fortune,
			e.DBCeiling, e.FortuneCeiling, e.DBRatio(), e.FortuneRatio())
	}
	b.WriteString("\npgbench sweep, queries per second (pipeline depth by clients; the best in bold):\n")
	for _, s := range []struct {
		name string
		sw   Sweep
	}{{"world select", r.WorldSweep}, {"fortune select", r.FortuneSweep}} {
		b.WriteByte('\n')
		writeGrid(&b, s.name, s.sw)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func where(p Point) string { return fmt.Sprintf("depth %d, -c %d", p.Depth, p.Clients) }

// writeGrid writes a sweep as a table: one row per depth, one column per
// client count, in the order they were run.
func writeGrid(b *strings.Builder, name string, sw Sweep) {
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
	fmt.Fprintf(b, "| %s |", name)
	for _, c := range clients {
		fmt.Fprintf(b, " -c %d |", c)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(clients)) + "\n")
	for _, d := range depths {
		fmt.Fprintf(b, "| depth %d |", d)
		for _, c := range clients {
			q, ok := rate[[2]int{d, c}]
			switch {
			case !ok:
				b.WriteString(" |")
			case d == sw.Best.Depth && c == sw.Best.Clients:
				fmt.Fprintf(b, " **%.0f** |", q)
			default:
				fmt.Fprintf(b, " %.0f |", q)
			}
		}
		b.WriteByte('\n')
	}
}
