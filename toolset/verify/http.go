package verify

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

// maxBody bounds how much of a response the checks read.
const maxBody = 4 << 20

// requestTimeout bounds a single check request.
const requestTimeout = 15 * time.Second

// response is what a check needs of an HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
	url    string
	// transferEncoding is the Transfer-Encoding the entry sent, which Go's
	// client moves out of the header.
	transferEncoding []string
}

// verifier carries the state of one Run.
type verifier struct {
	target Target
	client *http.Client

	// dateProbe remembers the first Date header seen, to check later that
	// it changes.
	dateProbe *dateProbe
}

type dateProbe struct {
	testType config.TestType
	url      string
	date     string
	at       time.Time
}

func newVerifier(t Target) *verifier {
	client := t.Client
	if client == nil {
		client = &http.Client{
			Transport: &http.Transport{
				MaxIdleConns:        queryCountConcurrency,
				MaxIdleConnsPerHost: queryCountConcurrency,
				IdleConnTimeout:     30 * time.Second,
			},
			Timeout: requestTimeout,
		}
	}
	return &verifier{target: t, client: client}
}

// get requests path (relative to the entry) and reads the whole response.
func (v *verifier) get(ctx context.Context, tt config.TestType, path string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(v.target.BaseURL, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", config.VerifyAccept(tt))
	res, err := v.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	r := &response{status: res.StatusCode, header: res.Header, body: body, url: path, transferEncoding: res.TransferEncoding}
	if v.dateProbe == nil && res.Header.Get("Date") != "" {
		v.dateProbe = &dateProbe{testType: tt, url: path, date: res.Header.Get("Date"), at: time.Now()}
	}
	return r, nil
}

// fetch gets path and applies the rules every response must follow. It
// returns nil, with the problems, when the response is unusable.
func (v *verifier) fetch(ctx context.Context, tt config.TestType, path string) (*response, []Problem) {
	r, err := v.get(ctx, tt, path)
	if err != nil {
		return nil, []Problem{{Fail, fmt.Sprintf("request failed: %v", err), path}}
	}
	var ps []Problem
	if r.status != http.StatusOK {
		return nil, []Problem{{Fail, fmt.Sprintf("status %d, want 200; body: %s", r.status, snippet(r.body)), path}}
	}
	for _, h := range []string{"Server", "Date", "Content-Type"} {
		if r.header.Get(h) == "" {
			ps = append(ps, Problem{Fail, fmt.Sprintf("required header %s missing", h), path})
		}
	}
	if r.header.Get("Content-Length") == "" && len(r.transferEncoding) == 0 {
		ps = append(ps, Problem{Fail, "required header Content-Length or Transfer-Encoding missing", path})
	}
	if d := r.header.Get("Date"); d != "" {
		if _, err := time.Parse(http.TimeFormat, d); err != nil {
			ps = append(ps, Problem{Fail, fmt.Sprintf("Date %q is not in HTTP format (%s)", d, http.TimeFormat), path})
		}
	}
	if len(r.body) == 0 {
		ps = append(ps, Problem{Fail, "empty body", path})
		return nil, ps
	}
	return r, ps
}

// checkContentType compares the response's media type with want; charset
// says whether a charset parameter is required ("utf-8"), allowed ("") or
// forbidden ("-").
func checkContentType(r *response, want, charset string) []Problem {
	ct := r.header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !strings.EqualFold(mt, want) {
		return []Problem{{Fail, fmt.Sprintf("Content-Type %q, want %q", ct, want+suffix(charset)), r.url}}
	}
	cs, has := params["charset"]
	switch {
	case charset == "utf-8" && !strings.EqualFold(cs, "utf-8"):
		return []Problem{{Fail, fmt.Sprintf("Content-Type %q, want %q", ct, want+"; charset=utf-8"), r.url}}
	case charset == "" && has && !strings.EqualFold(cs, "utf-8"):
		return []Problem{{Fail, fmt.Sprintf("Content-Type %q declares charset %q; only utf-8 is allowed", ct, cs), r.url}}
	}
	return nil
}

func suffix(charset string) string {
	if charset == "utf-8" {
		return "; charset=utf-8"
	}
	return ""
}

// checkDateChanges asks again for the URL whose Date was first recorded, at
// least three seconds later, and requires a different Date.
func (v *verifier) checkDateChanges(ctx context.Context) []Problem {
	p := v.dateProbe
	if wait := 3*time.Second + 100*time.Millisecond - time.Since(p.at); wait > 0 {
		select {
		case <-ctx.Done():
			return []Problem{{Fail, "Date check interrupted", p.url}}
		case <-time.After(wait):
		}
	}
	r, err := v.get(ctx, p.testType, p.url)
	if err != nil {
		return []Problem{{Fail, fmt.Sprintf("request failed: %v", err), p.url}}
	}
	if d := r.header.Get("Date"); d == p.date {
		return []Problem{{Fail, fmt.Sprintf("Date header stayed %q for %s: it must be current", d, time.Since(p.at).Round(time.Second)), p.url}}
	}
	return nil
}

// snippet shortens a body for a message.
func snippet(b []byte) string {
	const n = 120
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return fmt.Sprintf("%q", s)
}
