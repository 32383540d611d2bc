package summary

import (
	"fmt"
	"strconv"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// Troubles is the table of the levels of tt that failed or answered some
// requests with errors (runs.Trouble): a row per level and repeat. false
// when every level of tt was measured without an error.
func Troubles(r runs.Run, tt config.TestType) (table.Table, bool) {
	t := table.Table{
		Title:   string(tt) + ": levels in trouble",
		Headers: []string{"entry", "level", "repeat", "non-2xx/3xx", "socket errors", "what"},
		Right:   []bool{false, true, true, true, true, false},
		Notes:   []string{"A failed level is no measurement (tfb benchmark --resume measures it again); a level with non-2xx/3xx answers (503: the database did not answer within TFB_DB_TIMEOUT) or socket errors is one, and its rate counts those answers."},
	}
	for _, tr := range r.Troubles() {
		if tr.Type != tt {
			continue
		}
		what := table.Cell{Text: "answered with errors", Tone: table.Muted}
		if tr.Failed != "" {
			what = table.Cell{Text: "failed: " + tr.Failed, Tone: table.Bad}
		}
		t.Rows = append(t.Rows, []table.Cell{{Text: tr.Entry}, {Text: runs.LevelName(tt, tr.Level)}, {Text: strconv.Itoa(tr.Repeat)},
			{Text: fmt.Sprint(tr.Non2xx3xx)}, {Text: fmt.Sprint(tr.SocketErrors)}, what})
	}
	return t, len(t.Rows) > 0
}
