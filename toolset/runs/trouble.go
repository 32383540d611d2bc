package runs

import (
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
)

// Trouble is a measured level, in one repeat, that failed or whose requests
// did not all succeed: the views flag it, since its rate is not the
// entry's plain answer to the load.
type Trouble struct {
	Type   config.TestType
	Entry  string
	Level  int // the level's key (LevelKey)
	Repeat int // from 1, in run order
	// Failed says why the level holds no measurement; empty when it has one.
	Failed string
	// Non2xx3xx counts the responses with another status than 2xx or 3xx
	// (503s of a stalled database among them); SocketErrors the connect,
	// read, write and timeout errors wrk counted.
	Non2xx3xx, SocketErrors int64
}

// Troubles returns the levels of the run in trouble, by test type, then
// entry, then level and repeat in the order they are recorded.
func (r Run) Troubles() []Trouble {
	var out []Trouble
	for _, tt := range config.TestTypes {
		for _, entry := range r.EntriesInOrder(tt) {
			for _, reps := range r.Doc.LevelRepeats(string(tt), entry) {
				for i, l := range reps {
					if t, ok := troubleOf(tt, entry, i+1, l); ok {
						out = append(out, t)
					}
				}
			}
		}
	}
	return out
}

func troubleOf(tt config.TestType, entry string, repeat int, l results.Level) (Trouble, bool) {
	t := Trouble{Type: tt, Entry: entry, Level: LevelKey(tt, l), Repeat: repeat, Non2xx3xx: l.Non2xx3xx,
		SocketErrors: l.Connect + l.Read + l.Write + l.Timeout}
	if l.Failed() {
		t.Failed = l.Error
		if t.Failed == "" {
			t.Failed = "no request answered"
		}
	}
	return t, t.Failed != "" || t.Non2xx3xx > 0 || t.SocketErrors > 0
}
