package verify

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"

	"github.com/go-tfb/suite/toolset/config"
)

// ExpectedFortunesPage is the fortune test type's page for the fixture's
// fortunes, as docs/spec.md gives it. Entries may lay it out with other
// whitespace between tags and other, equivalent escapes.
const ExpectedFortunesPage = `<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>` +
	`<tr><td>11</td><td>&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;</td></tr>` +
	`<tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1</td></tr>` +
	`<tr><td>5</td><td>A computer program does what you tell it to do, not what you want it to do.</td></tr>` +
	`<tr><td>2</td><td>A computer scientist is someone who fixes things that aren&apos;t broken.</td></tr>` +
	`<tr><td>8</td><td>A list is only as strong as its weakest link. — Donald Knuth</td></tr>` +
	`<tr><td>0</td><td>Additional fortune added at request time.</td></tr>` +
	`<tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>` +
	`<tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>` +
	`<tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>` +
	`<tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen</td></tr>` +
	`<tr><td>9</td><td>Feature: A bug with seniority.</td></tr>` +
	`<tr><td>1</td><td>fortune: No such file or directory</td></tr>` +
	`<tr><td>12</td><td>フレームワークのベンチマーク</td></tr>` +
	`</table></body></html>`

func (v *verifier) checkFortune(ctx context.Context, url string) []Problem {
	r, ps := v.fetch(ctx, config.Fortune, url)
	if r == nil {
		return ps
	}
	ps = append(ps, checkContentType(r, "text/html", "utf-8")...)
	if !utf8.Valid(r.body) {
		ps = append(ps, Problem{Fail, "body is not valid UTF-8", url})
	}
	if diff := CompareFortunes(r.body); diff != "" {
		ps = append(ps, Problem{Fail, diff, url})
	}
	return append(ps, v.checkQueryCounts(ctx, config.Fortune, url, 1)...)
}

// CompareFortunes compares a fortunes page with ExpectedFortunesPage after
// normalising both: whitespace between tags is dropped, text is unescaped
// and re-escaped one canonical way, tag names are lower-cased and
// attributes ignored. It returns "" when they match, else a description of
// the first difference.
func CompareFortunes(page []byte) string {
	got, want := normalizeHTML(page), normalizeHTML([]byte(ExpectedFortunesPage))
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("fortunes page differs at token %d: got %q, want %q (context: …%s)",
				i, got[i], want[i], strings.Join(got[max(0, i-4):i], ""))
		}
	}
	switch {
	case len(got) < len(want):
		return fmt.Sprintf("fortunes page ends early: missing %q…", strings.Join(want[len(got):min(len(want), len(got)+4)], ""))
	case len(got) > len(want):
		return fmt.Sprintf("fortunes page has extra content: %q…", strings.Join(got[len(want):min(len(got), len(want)+4)], ""))
	}
	return ""
}

// normalizeHTML turns a page into canonical tokens. A message left
// unescaped (such as fortune 11's script) shows up as tags, not text, so it
// never matches the expected page.
func normalizeHTML(page []byte) []string {
	var tokens []string
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	var text strings.Builder
	flush := func() {
		if t := strings.TrimSpace(text.String()); t != "" {
			tokens = append(tokens, html.EscapeString(t))
		}
		text.Reset()
	}
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			flush()
			return tokens
		case xhtml.TextToken:
			text.Write(z.Text())
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			flush()
			name, _ := z.TagName()
			tokens = append(tokens, "<"+strings.ToLower(string(name))+">")
		case xhtml.EndTagToken:
			flush()
			name, _ := z.TagName()
			tokens = append(tokens, "</"+strings.ToLower(string(name))+">")
		case xhtml.DoctypeToken:
			flush()
			tokens = append(tokens, "<!doctype "+strings.ToLower(string(z.Text()))+">")
		case xhtml.CommentToken:
			flush()
		}
	}
}
