package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Formatting of figures and text for the page.

// specified drops the "(unspecified)" TFB writes for a name or description
// not given.
func specified(s string) string {
	if s == "(unspecified)" {
		return ""
	}
	return s
}

func formatMillis(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05 UTC")
}

func formatMillisPtr(ms *int64) string {
	if ms == nil {
		return "unknown time"
	}
	return formatMillis(*ms)
}

func positive(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func unitIf(n int, unit string) string {
	if n <= 0 {
		return ""
	}
	return unit
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func parenthesized(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, " ")
}

// formatBytes writes a byte count in GB or MB (powers of ten).
func formatBytes(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
