package base

import "strings"

// closestFlag returns the flag of names that the unknown name was likely
// meant as: the closest when it is close enough to be a typo, else the one
// flag it abbreviates (--frame for --framework); "" when there is none.
func closestFlag(name string, names []string) string {
	if s := suggestFlag(name, names); s != "" {
		return s
	}
	var longer []string
	for _, n := range names {
		if strings.HasPrefix(n, name) {
			longer = append(longer, n)
		}
	}
	if len(longer) == 1 {
		return longer[0]
	}
	return ""
}

// suggestFlag returns the flag of names closest to the unknown name, when
// it is close enough to be a typo.
func suggestFlag(name string, names []string) string {
	best, bestDist := "", 0
	for _, n := range names {
		d := editDistance(name, n)
		if best == "" || d < bestDist {
			best, bestDist = n, d
		}
	}
	if best == "" || bestDist > max(1, len(name)/3) {
		return ""
	}
	return best
}

// suggestCommand returns the command closest to a mistyped name, if any is close.
func suggestCommand(name string, commands []*Command) string {
	for _, c := range commands {
		if strings.HasPrefix(c.Name, name) || editDistance(name, c.Name) <= 2 {
			return c.Name
		}
	}
	return ""
}

// editDistance is the number of single-letter insertions, deletions,
// substitutions and swaps of neighbours that turn a into b (the optimal
// string alignment distance), so that "tset" is one step from "test".
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
