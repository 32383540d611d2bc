package ceiling

import (
	"fmt"
	"io"
)

// WriteMarkdown writes the result as a Markdown table, marking each ratio
// that reaches its goal.
func (r *Result) WriteMarkdown(w io.Writer) error {
	o := r.Options
	_, err := fmt.Fprintf(w, "pgbench best: %.0f tps (-c %d, -M prepared); wrk -t%d -c%d, %s per run, %s runtime, %s\n\n",
		r.PgbenchBest, r.PgbenchClients, o.Threads, o.Connections, o.Duration, r.Runtime, r.Start.Format("2006-01-02 15:04 MST"))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "| entry | /json | /db | /fortunes | ceiling | /db ÷ ceiling (goal %.2f) | /fortunes ÷ ceiling (goal %.2f) |\n", DBGoal, FortuneGoal)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, e := range r.Entries {
		if e.Error != "" && e.Ceiling == 0 {
			fmt.Fprintf(w, "| %s | failed: %s | | | | | |\n", e.Name, e.Error)
			continue
		}
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.0f | %.0f | %s | %s |\n", e.Name, e.JSON, e.DB, e.Fortune, e.Ceiling,
			mark(e.DBRatio(), DBGoal), mark(e.FortuneRatio(), FortuneGoal))
	}
	return nil
}

func mark(ratio, goal float64) string {
	if ratio >= goal {
		return fmt.Sprintf("%.2f ✓", ratio)
	}
	return fmt.Sprintf("%.2f ✗", ratio)
}

// Met reports whether every entry reached both goals.
func (r *Result) Met() bool {
	for _, e := range r.Entries {
		if e.Error != "" || e.DBRatio() < DBGoal || e.FortuneRatio() < FortuneGoal {
			return false
		}
	}
	return len(r.Entries) > 0
}
