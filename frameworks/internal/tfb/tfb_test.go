package tfb

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestQueryCount(t *testing.T) {
	cases := []struct {
		raw  string
		want int
	}{
		{"", 1}, {"1", 1}, {"2", 2}, {"20", 20}, {"500", 500}, {"501", 500},
		{"0", 1}, {"-1", 1}, {"foo", 1}, {"2x", 1}, {" 2", 1}, {"+3", 3},
		{"99999999999999999999", 500}, {"-99999999999999999999", 1},
	}
	for _, c := range cases {
		if got := QueryCount(c.raw); got != c.want {
			t.Errorf("QueryCount(%q) = %d, want %d", c.raw, got, c.want)
		}
	}
}

func TestNewNumbers(t *testing.T) {
	worlds := []World{{7, 1}, {3, 1}, {7, 1}, {5, 1}, {3, 1}}
	ids, numbers := newNumbers(worlds)
	if want := []int32{3, 5, 7}; !equal(ids, want) {
		t.Fatalf("ids = %v, want %v (sorted, distinct)", ids, want)
	}
	byID := map[int32]int32{}
	for i, id := range ids {
		byID[id] = numbers[i]
	}
	for _, w := range worlds {
		if w.RandomNumber != byID[w.ID] {
			t.Errorf("world %d got %d in the response but %d in the update", w.ID, w.RandomNumber, byID[w.ID])
		}
		if w.RandomNumber < 1 || w.RandomNumber > WorldRows {
			t.Errorf("world %d: new number %d outside 1..%d", w.ID, w.RandomNumber, WorldRows)
		}
	}
}

func equal(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fixtureFortunes are the fortune table's rows.
var fixtureFortunes = []Fortune{
	{1, "fortune: No such file or directory"},
	{2, "A computer scientist is someone who fixes things that aren't broken."},
	{3, "After enough decimal places, nobody gives a damn."},
	{4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"},
	{5, "A computer program does what you tell it to do, not what you want it to do."},
	{6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"},
	{7, "Any program that runs right is obsolete."},
	{8, "A list is only as strong as its weakest link. — Donald Knuth"},
	{9, "Feature: A bug with seniority."},
	{10, "Computers make very fast, very accurate mistakes."},
	{11, `<script>alert("This should not be displayed in a browser alert box.");</script>`},
	{12, "フレームワークのベンチマーク"},
}

func TestRenderFortunes(t *testing.T) {
	var buf bytes.Buffer
	if err := renderFortunes(&buf, append([]Fortune(nil), fixtureFortunes...)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr><tr><td>11</td><td>&lt;script&gt;",
		"<tr><td>0</td><td>Additional fortune added at request time.</td></tr>",
		"<tr><td>12</td><td>フレームワークのベンチマーク</td></tr></table></body></html>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Errorf("fortune 11 not escaped:\n%s", page)
	}
	// The page is the template's alone: what qtc's string form gives for
	// the same fortunes, sorted with the one added at request time.
	sorted := append(slices.Clone(fixtureFortunes), Fortune{ID: 0, Message: AdditionalFortune})
	slices.SortFunc(sorted, func(a, b Fortune) int { return strings.Compare(a.Message, b.Message) })
	if want := fortunesPage(sorted); page != want {
		t.Errorf("page differs from the template's:\n%s\nwant:\n%s", page, want)
	}
}

func BenchmarkRenderFortunes(b *testing.B) {
	var buf bytes.Buffer
	fortunes := make([]Fortune, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		fortunes = append(fortunes[:0], fixtureFortunes...)
		if err := renderFortunes(&buf, fortunes); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStatementsAsTFBCountsThem checks the statements' text against the
// regular expressions TFB's verifier counts with: every statement names
// world or fortune as a word, and only reads match "select", so the bulk
// update's rows are not counted as rows read.
func TestStatementsAsTFBCountsThem(t *testing.T) {
	selects := regexp.MustCompile(`(?i)select`)
	updates := regexp.MustCompile(`(?i)update`)
	cases := []struct {
		name, sql, table string
		read, update     bool
	}{
		{"selectWorld", selectWorld, "world", true, false},
		{"selectFortunes", selectFortunes, "fortune", true, false},
		{"updateWorlds", updateWorlds, "world", false, true},
	}
	for _, c := range cases {
		if !regexp.MustCompile(`(?i)\b` + c.table + `\b`).MatchString(c.sql) {
			t.Errorf("%s does not name %s as a word: %q", c.name, c.table, c.sql)
		}
		if got := selects.MatchString(c.sql); got != c.read {
			t.Errorf("%s: matches select = %v, want %v: %q", c.name, got, c.read, c.sql)
		}
		if got := updates.MatchString(c.sql); got != c.update {
			t.Errorf("%s: matches update = %v, want %v: %q", c.name, got, c.update, c.sql)
		}
	}
}

// FuzzQueryCount checks QueryCount's contract on any input: the result is
// always within 1..500, equals the clamped value of anything strconv.Atoi
// reads, and is 500 for any longer run of digits.
func FuzzQueryCount(f *testing.F) {
	for _, s := range []string{"", "1", "20", "500", "501", "0", "-1", "foo", "+3", " 2", "1e3", "99999999999999999999", "-99999999999999999999", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := QueryCount(raw)
		if got < 1 || got > MaxQueries {
			t.Fatalf("QueryCount(%q) = %d, outside 1..%d", raw, got, MaxQueries)
		}
		if n, err := strconv.Atoi(raw); err == nil {
			if want := min(max(n, 1), MaxQueries); got != want {
				t.Fatalf("QueryCount(%q) = %d, want %d", raw, got, want)
			}
			return
		}
		digits := strings.TrimPrefix(raw, "+")
		if len(digits) > 19 && strings.Trim(digits, "0123456789") == "" && strings.TrimLeft(digits, "0") != "" {
			if got != MaxQueries {
				t.Fatalf("QueryCount(%q) = %d, want %d for a run of digits beyond int", raw, got, MaxQueries)
			}
		}
	})
}
