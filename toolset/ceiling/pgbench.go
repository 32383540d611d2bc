package ceiling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-tfb/suite/toolset/results"
)

// Query is a select whose best rate PostgreSQL's side of the ceiling is.
type Query struct {
	Name string // what the select serves: "world" or "fortune"
	// Set is the pgbench meta-command run before each statement, "" for
	// none: it draws the statement's parameter.
	Set string
	// SQL is the statement as the entries send it, with pgbench's :name
	// variables for its parameters.
	SQL string
}

// The selects the entries run: the db type's single-row select with a
// random id, and the fortunes type's whole-table select.
var (
	WorldQuery   = Query{Name: "world", Set: `\set id random(1, 10000)`, SQL: "SELECT id, randomnumber FROM world WHERE id = :id"}
	FortuneQuery = Query{Name: "fortune", SQL: "SELECT id, message FROM fortune"}
)

// PipelineScript is the pgbench script of one transaction: depth
// statements of q sent in one pipeline (\startpipeline … \endpipeline),
// each drawing its own parameters. pgbench sends the pipeline's one Sync at
// \endpipeline.
func PipelineScript(q Query, depth int) string {
	var b strings.Builder
	b.WriteString("\\startpipeline\n")
	for range depth {
		if q.Set != "" {
			b.WriteString(q.Set)
			b.WriteByte('\n')
		}
		b.WriteString(q.SQL)
		b.WriteString(";\n")
	}
	b.WriteString("\\endpipeline\n")
	return b.String()
}

// Best is the point with the highest rate, the first of equals; the zero
// point when there is none.
func Best(points []results.PgbenchPoint) results.PgbenchPoint {
	var best results.PgbenchPoint
	for _, p := range points {
		if p.QueriesPerSecond > best.QueriesPerSecond {
			best = p
		}
	}
	return best
}

func lookPgbench() (string, error) {
	path, err := exec.LookPath("pgbench")
	if err != nil {
		return "", errors.New("pgbench is not installed: install it with apt-get install postgresql-contrib (or postgresql)")
	}
	return path, nil
}

// sweep runs q through pgbench at every depth and client count of opts.
func sweep(ctx context.Context, pgbench, url string, q Query, opts Options, log io.Writer) (results.PgbenchSweep, error) {
	sw := results.PgbenchSweep{Query: q.SQL}
	dir, err := os.MkdirTemp("", "tfb-pgbench-")
	if err != nil {
		return sw, fmt.Errorf("pgbench script directory: %w", err)
	}
	defer os.RemoveAll(dir)
	for _, depth := range opts.PgbenchDepths {
		if depth < 1 {
			return sw, fmt.Errorf("pipeline depth %d: must be at least 1", depth)
		}
		script := filepath.Join(dir, fmt.Sprintf("%s-%d.sql", q.Name, depth))
		if err := os.WriteFile(script, []byte(PipelineScript(q, depth)), 0o644); err != nil {
			return sw, fmt.Errorf("pgbench script: %w", err)
		}
		for _, clients := range opts.PgbenchClients {
			tps, err := runPgbench(ctx, pgbench, url, script, clients, opts)
			if err != nil {
				return sw, err
			}
			p := results.PgbenchPoint{Depth: depth, Clients: clients, QueriesPerSecond: tps * float64(depth)}
			fmt.Fprintf(log, "pgbench %s select, depth %d, -c %d: %.0f queries/s\n", q.Name, depth, clients, p.QueriesPerSecond)
			sw.Points = append(sw.Points, p)
		}
	}
	sw.Best = Best(sw.Points)
	return sw, nil
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)

// runPgbench runs script with prepared statements (pipeline mode needs the
// extended protocol) and returns pgbench's transactions per second.
func runPgbench(ctx context.Context, pgbench, url, script string, clients int, opts Options) (float64, error) {
	if clients < 1 {
		return 0, fmt.Errorf("pgbench clients %d: must be at least 1", clients)
	}
	seconds := max(1, int(opts.PgbenchDuration.Seconds()))
	threads := max(1, min(clients, opts.PgbenchThreads))
	args := []string{"-n", "-M", "prepared", "-f", script,
		"-c", strconv.Itoa(clients), "-j", strconv.Itoa(threads), "-T", strconv.Itoa(seconds), url}
	out, err := exec.CommandContext(ctx, pgbench, args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench %s: %w\n%s", strings.Join(args[:len(args)-1], " "), err, out)
	}
	return parseTPS(out)
}

// noTransactions is pgbench's line for a run in which no transaction
// finished (a deep pipeline of many clients on a loaded machine), after
// which it prints no rate.
var noTransactions = regexp.MustCompile(`(?m)^number of transactions actually processed: 0\b`)

// parseTPS reads the rate from pgbench's "tps = " line: 0 when no
// transaction finished in the run.
func parseTPS(out []byte) (float64, error) {
	m := tpsLine.FindSubmatch(out)
	if m == nil && noTransactions.Match(out) {
		return 0, nil
	}
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps line:\n%s", out)
	}
	tps, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, fmt.Errorf("pgbench tps %q: %w", m[1], err)
	}
	return tps, nil
}
