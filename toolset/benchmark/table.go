package benchmark

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/go-tfb/suite/toolset/config"
)

// PrintTable writes requests per second per entry and test type at each
// one's best level, marking the fastest entry of each type with '*'. Types
// no entry ran are left out; "-" means the entry has no result for a type.
func PrintTable(w io.Writer, outcomes []Outcome) {
	var types []config.TestType
	fastest := map[config.TestType]string{}
	for _, tt := range config.TestTypes {
		best := 0.0
		for _, o := range outcomes {
			if rps, ok := o.Best[tt]; ok && rps >= best {
				best, fastest[tt] = rps, o.Entry
			}
		}
		if _, ok := fastest[tt]; ok {
			types = append(types, tt)
		}
	}
	if len(types) == 0 {
		fmt.Fprintln(w, "No benchmark results.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := []string{"entry"}
	for _, tt := range types {
		header = append(header, string(tt))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, o := range outcomes {
		row := []string{o.Entry}
		for _, tt := range types {
			rps, ok := o.Best[tt]
			switch {
			case !ok:
				row = append(row, "-")
			case fastest[tt] == o.Entry:
				row = append(row, fmt.Sprintf("*%.0f", rps))
			default:
				row = append(row, fmt.Sprintf("%.0f", rps))
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	fmt.Fprintln(w, "Requests per second at each entry's best level; * marks the fastest per test type.")
}
