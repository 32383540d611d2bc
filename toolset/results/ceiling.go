package results

// Ceiling is what tfb ceiling measured of PostgreSQL beside the entries:
// its best rate for the select of the db type and for that of the fortunes
// type, each from a pgbench sweep in pipeline mode.
type Ceiling struct {
	// PgbenchSeconds is the length of each pgbench run of the sweeps.
	PgbenchSeconds int          `json:"pgbenchSeconds"`
	WorldSweep     PgbenchSweep `json:"worldSweep"`   // the db type's select
	FortuneSweep   PgbenchSweep `json:"fortuneSweep"` // the fortunes type's select
	// Reference is the name, among the run's entries, of the reference
	// server that does no framework work (nginx), whose /json and
	// /plaintext the entries' are measured against; empty when none ran.
	Reference string `json:"reference,omitempty"`
}

// PgbenchSweep is the pgbench runs of one select over every pipeline depth
// and client count, and the fastest of them.
type PgbenchSweep struct {
	Query  string         `json:"query"` // the statement, with pgbench's :name variables
	Points []PgbenchPoint `json:"points"`
	Best   PgbenchPoint   `json:"best"`
}

// PgbenchPoint is one pgbench run of a sweep.
type PgbenchPoint struct {
	Depth            int     `json:"depth"`            // statements per pipeline
	Clients          int     `json:"clients"`          // pgbench -c
	QueriesPerSecond float64 `json:"queriesPerSecond"` // pgbench's tps times Depth
}

// SetCeiling records PostgreSQL's side of tfb ceiling.
func (w *Writer) SetCeiling(c Ceiling) error {
	return w.update(func(d *Document) { d.Ceiling = &c })
}
