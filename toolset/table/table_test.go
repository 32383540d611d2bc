package table

import (
	"bytes"
	"strings"
	"testing"
)

func sample() Table {
	return Table{
		Title:   "<b>Round 20</b>",
		Caption: "local & published",
		Headers: []string{"entry", "req/s", "verdict"},
		Right:   []bool{false, true},
		Rows: [][]Cell{
			{{Text: "gin"}, {Text: "1,000"}, {Text: "faster", Tone: Good}},
			{{Text: "fiber"}, {Text: "20"}, {Text: "slower", Tone: Bad}},
		},
		Notes: []string{"rule: ranges | overlap", "second note"},
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, []Table{sample()}, false); err != nil {
		t.Fatal(err)
	}
	want := "<b>Round 20</b>\nlocal & published\n\nentry  req/s  verdict\n─────  ─────  ───────\ngin    1,000  faster\nfiber     20  slower\n\nrule: ranges | overlap\nsecond note\n"
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, []Table{sample()}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### &lt;b>Round 20&lt;/b>", "| entry | req/s | verdict |", "|---|---:|---|", "| gin | 1,000 | **faster** |", `- rule: ranges \| overlap`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, b.String())
		}
	}
}

// TestRenderHTML: one table as a fragment, text escaped, cells classed by
// tone and alignment, notes under it; the same markup as in WriteHTML's page.
func TestRenderHTML(t *testing.T) {
	frag, err := RenderHTML(sample())
	if err != nil {
		t.Fatal(err)
	}
	out := string(frag)
	for _, want := range []string{"<h3>&lt;b&gt;Round 20&lt;/b&gt;</h3>", "<caption>local &amp; published</caption>", `<th class="plain right">req/s</th>`,
		`<td class="plain right">1,000</td>`, `<td class="good">faster</td>`, `<td class="bad">slower</td>`, `<p class="note">second note</p>`} {
		if !strings.Contains(out, want) {
			t.Errorf("fragment lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<html") || strings.Contains(out, "<b>") {
		t.Errorf("fragment holds a page or unescaped text:\n%s", out)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, "t", []Table{sample()}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), strings.ReplaceAll(out, "h3>", "h2>")) {
		t.Error("WriteHTML's page does not hold the fragment RenderHTML gives, with the title as an h2")
	}
	notesOnly, err := RenderHTML(Table{Title: "source", Notes: []string{"round: 20"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(notesOnly), "<table>") || !strings.Contains(string(notesOnly), "round: 20") {
		t.Errorf("a table without headers renders as its notes alone, got:\n%s", notesOnly)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("ParseFormat(yaml) error %v, want one naming it", err)
	}
}

func TestRate(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 1234567.8: "1,234,568", -4321: "-4,321"} {
		if got := Rate(in); got != want {
			t.Errorf("Rate(%v) = %q, want %q", in, got, want)
		}
	}
}
