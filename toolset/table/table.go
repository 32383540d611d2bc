// Package table is the one table model of the results views: a Table of
// text cells with tones (good, bad, muted), right-aligned columns and notes,
// rendered as aligned text (coloured on a terminal), GitHub Markdown, or
// HTML — a whole page, as tfb compare writes it, or one table for a page of
// its own, as tfb report draws it.
package table

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"unicode/utf8"
)

// Tone marks a cell whose meaning a renderer may show by colour.
type Tone int

// Tones.
const (
	Plain Tone = iota
	Good       // e.g. a verdict "faster"
	Bad        // e.g. "slower"
	Muted      // e.g. "within noise", "no claim"
)

// String names the tone as JSON and HTML classes spell it.
func (t Tone) String() string {
	switch t {
	case Good:
		return "good"
	case Bad:
		return "bad"
	case Muted:
		return "muted"
	}
	return "plain"
}

// MarshalText makes tones readable in JSON.
func (t Tone) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Cell is one table cell.
type Cell struct {
	Text string `json:"text"`
	Tone Tone   `json:"tone,omitzero"`
}

// Table is a render-neutral table: tfb compare's text, Markdown and HTML
// output, and the tables of tfb report's extra sections.
type Table struct {
	Title   string   `json:"title"`
	Caption string   `json:"caption,omitempty"`
	Headers []string `json:"headers"`
	// Right marks the columns to align right (numbers); nil aligns all left.
	Right []bool   `json:"-"`
	Rows  [][]Cell `json:"rows"`
	// Notes are lines shown under the table: the verdict rule, caveats.
	Notes []string `json:"notes,omitempty"`
}

// Format is an output format of a view.
type Format string

// Formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
	HTML     Format = "html"
)

// Formats lists the formats by name, for flag help and errors.
var Formats = []Format{Text, Markdown, JSON, HTML}

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want text, markdown, json or html)", s)
}

// ANSI colours for Text with colour on.
const (
	ansiGreen = "\x1b[32m"
	ansiRed   = "\x1b[31m"
	ansiDim   = "\x1b[2m"
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)

// WriteText writes tables as aligned text, colouring toned cells when color
// is set.
func WriteText(w io.Writer, tables []Table, color bool) error {
	var b strings.Builder
	for i, t := range tables {
		if i > 0 {
			b.WriteString("\n")
		}
		if t.Title != "" {
			if color {
				b.WriteString(ansiBold + t.Title + ansiReset + "\n")
			} else {
				b.WriteString(t.Title + "\n")
			}
		}
		if t.Caption != "" {
			b.WriteString(t.Caption + "\n")
		}
		widths := make([]int, len(t.Headers))
		for c, h := range t.Headers {
			widths[c] = utf8.RuneCountInString(h)
		}
		for _, row := range t.Rows {
			for c, cell := range row {
				if c < len(widths) {
					widths[c] = max(widths[c], utf8.RuneCountInString(cell.Text))
				}
			}
		}
		if len(t.Headers) > 0 {
			b.WriteString("\n")
			writeTextRow(&b, t, widths, headerCells(t.Headers), false)
			for c, wd := range widths {
				if c > 0 {
					b.WriteString("  ")
				}
				b.WriteString(strings.Repeat("─", wd))
			}
			b.WriteString("\n")
		}
		for _, row := range t.Rows {
			writeTextRow(&b, t, widths, row, color)
		}
		if len(t.Notes) > 0 {
			if t.Title != "" || t.Caption != "" || len(t.Headers) > 0 || len(t.Rows) > 0 {
				b.WriteString("\n")
			}
			for _, n := range t.Notes {
				b.WriteString(n + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func headerCells(hs []string) []Cell {
	out := make([]Cell, len(hs))
	for i, h := range hs {
		out[i] = Cell{Text: h}
	}
	return out
}

func writeTextRow(b *strings.Builder, t Table, widths []int, row []Cell, color bool) {
	var line strings.Builder
	for c, wd := range widths {
		var cell Cell
		if c < len(row) {
			cell = row[c]
		}
		if c > 0 {
			line.WriteString("  ")
		}
		pad := strings.Repeat(" ", wd-utf8.RuneCountInString(cell.Text))
		text := cell.Text
		if color {
			switch cell.Tone {
			case Good:
				text = ansiGreen + text + ansiReset
			case Bad:
				text = ansiRed + text + ansiReset
			case Muted:
				text = ansiDim + text + ansiReset
			}
		}
		if c < len(t.Right) && t.Right[c] {
			line.WriteString(pad + text)
		} else {
			line.WriteString(text + pad)
		}
	}
	b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
}

// WriteMarkdown writes tables as GitHub-flavoured Markdown.
func WriteMarkdown(w io.Writer, tables []Table) error {
	var b strings.Builder
	for i, t := range tables {
		if i > 0 {
			b.WriteString("\n")
		}
		if t.Title != "" {
			b.WriteString("### " + mdEscape(t.Title) + "\n\n")
		}
		if t.Caption != "" {
			b.WriteString(mdEscape(t.Caption) + "\n\n")
		}
		if len(t.Headers) > 0 {
			b.WriteString("|")
			for _, h := range t.Headers {
				b.WriteString(" " + mdEscape(h) + " |")
			}
			b.WriteString("\n|")
			for c := range t.Headers {
				if c < len(t.Right) && t.Right[c] {
					b.WriteString("---:|")
				} else {
					b.WriteString("---|")
				}
			}
			b.WriteString("\n")
			for _, row := range t.Rows {
				b.WriteString("|")
				for c := range t.Headers {
					text := ""
					if c < len(row) {
						text = mdEscape(row[c].Text)
						if row[c].Tone == Good || row[c].Tone == Bad {
							text = "**" + text + "**"
						}
					}
					b.WriteString(" " + text + " |")
				}
				b.WriteString("\n")
			}
		}
		if len(t.Notes) > 0 {
			if len(t.Headers) > 0 {
				b.WriteString("\n")
			}
			prefix := ""
			if len(t.Notes) > 1 {
				prefix = "- "
			}
			for _, n := range t.Notes {
				b.WriteString(prefix + mdEscape(n) + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "<", "&lt;").Replace(s)
}

// htmlTemplates holds the page and the one-table fragment it is made of,
// so that a table reads the same in tfb compare's page and in tfb report.
var htmlTemplates = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 0.5em 0; }
th, td { padding: 0.25em 0.75em; border-bottom: 1px solid #ddd; text-align: left; }
` + HTMLStyle + `
caption { caption-side: top; text-align: left; padding-bottom: 0.5em; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{range .Tables}}<section>
{{template "table" .}}</section>
{{end}}</body>
</html>
{{define "table"}}{{if and .Title .Sub}}<h3>{{.Title}}</h3>
{{else if .Title}}<h2>{{.Title}}</h2>
{{end}}{{if .Headers}}<div class="table-scroll"><table>
{{if .Caption}}<caption>{{.Caption}}</caption>
{{end}}<thead><tr>{{range .Headers}}<th class="{{.Class}}">{{.Text}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td class="{{.Class}}">{{.Text}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
{{else if .Caption}}<p>{{.Caption}}</p>
{{end}}{{range .Notes}}<p class="note">{{.}}</p>
{{end}}{{end}}`))

// HTMLStyle is the CSS of the classes the HTML renderers give cells
// (good, bad, muted, right), notes and the box each table sits in, which
// scrolls a table wider than the page on its own, for a page that shows tables
// rendered by RenderHTML.
const HTMLStyle = `td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
td.good { color: #17702e; font-weight: bold; }
td.bad { color: #b3261e; font-weight: bold; }
td.muted { color: #777; }
p.note { margin: 0.2em 0; color: #444; }
div.table-scroll { max-width: 100%; overflow-x: auto; }`

type htmlCell struct{ Text, Class string }

type htmlTable struct {
	Sub            bool // the title is an h3, under a heading of the page
	Title, Caption string
	Headers        []htmlCell
	Rows           [][]htmlCell
	Notes          []string
}

// htmlView gives every cell its classes: the tone and, in a right-aligned
// column, "right".
func htmlView(t Table) htmlTable {
	ht := htmlTable{Title: t.Title, Caption: t.Caption, Notes: t.Notes}
	for c, h := range t.Headers {
		class := "plain"
		if c < len(t.Right) && t.Right[c] {
			class += " right"
		}
		ht.Headers = append(ht.Headers, htmlCell{Text: h, Class: class})
	}
	for _, row := range t.Rows {
		var cells []htmlCell
		for c, cell := range row {
			class := cell.Tone.String()
			if c < len(t.Right) && t.Right[c] {
				class += " right"
			}
			cells = append(cells, htmlCell{Text: cell.Text, Class: class})
		}
		ht.Rows = append(ht.Rows, cells)
	}
	return ht
}

// WriteHTML writes tables as one self-contained HTML page (no scripts, no
// external resources).
func WriteHTML(w io.Writer, title string, tables []Table) error {
	type page struct {
		Title  string
		Tables []htmlTable
	}
	p := page{Title: title}
	for _, t := range tables {
		p.Tables = append(p.Tables, htmlView(t))
	}
	return htmlTemplates.ExecuteTemplate(w, "page", p)
}

// RenderHTML renders one table (its title as an h3, to sit under a heading
// of the page; the table; its notes) as escaped HTML to place in a page of
// one's own, styled by HTMLStyle.
func RenderHTML(t Table) (template.HTML, error) {
	view := htmlView(t)
	view.Sub = true
	var b strings.Builder
	if err := htmlTemplates.ExecuteTemplate(&b, "table", view); err != nil {
		return "", fmt.Errorf("render table %q: %w", t.Title, err)
	}
	return template.HTML(b.String()), nil
}

// Write renders a result in format f: tables for text (coloured when color
// is set), Markdown and HTML (titled title), and value itself as indented
// JSON.
func Write(w io.Writer, f Format, title string, tables []Table, value any, color bool) error {
	switch f {
	case Markdown:
		return WriteMarkdown(w, tables)
	case HTML:
		return WriteHTML(w, title, tables)
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(value)
	}
	return WriteText(w, tables, color)
}
