package benchmark

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/stats"
)

// PrintTable writes, per entry and test type, the median requests per
// second at the entry's best level (the level with the highest median) and,
// with repeats, that level's min–max. An entry is marked '*' only where
// stats.Fastest finds it faster than every other entry by stats.Rule; the
// lines under the table say, per type, why no entry is marked. Types no
// entry ran are left out; "-" means the entry has no result for a type.
func PrintTable(w io.Writer, outcomes []Outcome) error {
	var types []config.TestType
	for _, tt := range config.TestTypes {
		for _, o := range outcomes {
			if s, _ := o.Best(tt); len(s) > 0 {
				types = append(types, tt)
				break
			}
		}
	}
	if len(types) == 0 {
		_, err := fmt.Fprintln(w, "No benchmark results.")
		return err
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := []string{"entry"}
	for _, tt := range types {
		header = append(header, string(tt))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	fastest := map[config.TestType]string{}
	var notes []string
	for _, tt := range types {
		entry, note := fastestOf(outcomes, tt)
		if entry != "" {
			fastest[tt] = entry
		}
		if note != "" {
			notes = append(notes, string(tt)+": "+note)
		}
	}
	for _, o := range outcomes {
		row := []string{o.Entry}
		for _, tt := range types {
			row = append(row, cell(o, tt, fastest[tt] != "" && fastest[tt] == o.Entry))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if repeated(outcomes, types) {
		b.WriteString("Median requests per second at each entry's best level (the level with the highest median), with the min–max of its repeats.\n")
	} else {
		b.WriteString("Requests per second at each entry's best level.\n")
	}
	if len(fastest) > 0 {
		b.WriteString("* marks the fastest entry of a type: " + stats.Rule + ".\n")
	}
	for _, n := range notes {
		b.WriteString(n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell renders one entry's result for one type.
func cell(o Outcome, tt config.TestType, isFastest bool) string {
	s, _ := o.Best(tt)
	if len(s) == 0 {
		return "-"
	}
	sum := stats.Summarize(s)
	text := fmt.Sprintf("%.0f", sum.Median)
	if sum.N > 1 {
		text += fmt.Sprintf(" (%.0f–%.0f)", sum.Min, sum.Max)
	}
	if isFastest {
		text = "*" + text
	}
	return text
}

// fastestOf returns the entry marked fastest for a type ("" for none) and,
// when none is, the reason in words.
func fastestOf(outcomes []Outcome, tt config.TestType) (entry, note string) {
	var sets [][]float64
	var entries []string
	for _, o := range outcomes {
		if s, _ := o.Best(tt); len(s) > 0 {
			sets, entries = append(sets, s), append(entries, o.Entry)
		}
	}
	if len(sets) < 2 {
		return "", ""
	}
	i, v := stats.Fastest(sets)
	switch v {
	case stats.Faster:
		return entries[i], ""
	case stats.WithinNoise:
		return "", fmt.Sprintf("no entry is fastest: %s has the highest median, but its range overlaps another entry's", entries[i])
	}
	return "", fmt.Sprintf("no claim about the fastest can be made from one measurement per level (%s has the highest); measure with --repeat 3 or more", entries[i])
}

// repeated reports whether any shown result has more than one repeat.
func repeated(outcomes []Outcome, types []config.TestType) bool {
	for _, o := range outcomes {
		for _, tt := range types {
			if s, _ := o.Best(tt); len(s) > 1 {
				return true
			}
		}
	}
	return false
}
