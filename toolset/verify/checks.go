package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
)

// check runs every rule of test type tt.
func (v *verifier) check(ctx context.Context, tt config.TestType) []Problem {
	url := v.target.Test.URL(tt)
	switch tt {
	case config.JSON:
		return v.checkJSON(ctx, url)
	case config.Plaintext:
		return v.checkPlaintext(ctx, url)
	case config.DB:
		return v.checkDB(ctx, url)
	case config.Query:
		return v.checkQuery(ctx, url)
	case config.CachedQuery:
		return v.checkCachedQuery(ctx, url)
	case config.Fortune:
		return v.checkFortune(ctx, url)
	case config.Update:
		return v.checkUpdate(ctx, url)
	}
	return []Problem{{Fail, fmt.Sprintf("no rules for test type %q", tt), url}}
}

func (v *verifier) checkJSON(ctx context.Context, url string) []Problem {
	r, ps := v.fetch(ctx, config.JSON, url)
	if r == nil {
		return ps
	}
	ps = append(ps, checkContentType(r, "application/json", "")...)
	var obj map[string]any
	if err := json.Unmarshal(r.body, &obj); err != nil {
		return append(ps, Problem{Fail, fmt.Sprintf("body is not a JSON object: %s", snippet(r.body)), url})
	}
	msg, ok := lookup(obj, "message")
	if !ok {
		return append(ps, Problem{Fail, fmt.Sprintf(`no "message" key in %s`, snippet(r.body)), url})
	}
	if s, _ := msg.(string); !strings.EqualFold(s, "Hello, World!") {
		ps = append(ps, Problem{Fail, fmt.Sprintf(`"message" is %v, want "Hello, World!"`, msg), url})
	}
	if len(obj) > 1 {
		ps = append(ps, Problem{Warn, fmt.Sprintf("object has %d keys, want only \"message\"", len(obj)), url})
	}
	return append(ps, v.checkPipelining(ctx, config.JSON)...)
}

func (v *verifier) checkPlaintext(ctx context.Context, url string) []Problem {
	r, ps := v.fetch(ctx, config.Plaintext, url)
	if r == nil {
		return ps
	}
	ps = append(ps, checkContentType(r, "text/plain", "")...)
	if !bytes.Equal(bytes.TrimSpace(r.body), []byte("Hello, World!")) {
		ps = append(ps, Problem{Fail, fmt.Sprintf("body %s, want \"Hello, World!\"", snippet(r.body)), url})
	}
	return append(ps, v.checkPipelining(ctx, config.Plaintext)...)
}

func (v *verifier) checkDB(ctx context.Context, url string) []Problem {
	r, ps := v.fetch(ctx, config.DB, url)
	if r == nil {
		return ps
	}
	ps = append(ps, checkContentType(r, "application/json", "")...)
	var raw any
	if err := json.Unmarshal(r.body, &raw); err != nil {
		return append(ps, Problem{Fail, fmt.Sprintf("body is not JSON: %s", snippet(r.body)), url})
	}
	if arr, ok := raw.([]any); ok {
		if len(arr) != 1 {
			return append(ps, Problem{Fail, fmt.Sprintf("body is an array of %d, want one object", len(arr)), url})
		}
		ps = append(ps, Problem{Warn, "body is an array of one object; db must return the object itself", url})
		raw = arr[0]
	}
	if _, p := worldOf(raw, url); p != nil {
		ps = append(ps, *p)
	}
	return append(ps, v.checkQueryCounts(ctx, config.DB, url, 1)...)
}

// countCase is a value of the count parameter and the number of rows it
// must produce. Severities follow TFB's verifier: a wrong count above the
// bound only warns.
type countCase struct {
	param    string
	want     int
	severity Severity
}

var countCases = []countCase{
	{"2", 2, Fail},
	{"0", 1, Fail},
	{"foo", 1, Fail},
	{"501", 500, Warn},
	{"", 1, Fail},
	{"-1", 1, Fail},
	{"99999999999999999999", 500, Warn},
}

// checkWorldLists requests url+param for every count case and checks the
// array of worlds each returns.
func (v *verifier) checkWorldLists(ctx context.Context, tt config.TestType, url string) []Problem {
	var ps []Problem
	for _, c := range countCases {
		r, fps := v.fetch(ctx, tt, url+c.param)
		ps = append(ps, fps...)
		if r == nil {
			continue
		}
		ps = append(ps, checkContentType(r, "application/json", "")...)
		worlds, p := worldArray(r.body, r.url)
		if p != nil {
			ps = append(ps, *p)
			continue
		}
		if len(worlds) != c.want {
			ps = append(ps, Problem{c.severity, fmt.Sprintf("%d rows for count %q, want %d", len(worlds), c.param, c.want), r.url})
		}
	}
	return ps
}

func (v *verifier) checkQuery(ctx context.Context, url string) []Problem {
	ps := v.checkWorldLists(ctx, config.Query, url)
	return append(ps, v.checkQueryCounts(ctx, config.Query, url+"20", 20)...)
}

func (v *verifier) checkUpdate(ctx context.Context, url string) []Problem {
	ps := v.checkWorldLists(ctx, config.Update, url)
	ps = append(ps, v.checkUpdatesPersist(ctx, url+"500")...)
	return append(ps, v.checkQueryCounts(ctx, config.Update, url+"20", 20)...)
}

func (v *verifier) checkCachedQuery(ctx context.Context, url string) []Problem {
	ps := v.checkWorldLists(ctx, config.CachedQuery, url)
	return append(ps, v.checkCache(ctx, url)...)
}

// world is a row as an entry returns it.
type world struct {
	ID           int
	RandomNumber int
}

// worldOf checks that raw is an object with integer "id" and "randomNumber"
// keys (case-insensitive, as TFB's verifier matches them), both in 1..10000.
func worldOf(raw any, url string) (world, *Problem) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return world{}, &Problem{Fail, fmt.Sprintf("row is %T, want an object with id and randomNumber", raw), url}
	}
	var w world
	for _, f := range []struct {
		key string
		dst *int
	}{{"id", &w.ID}, {"randomNumber", &w.RandomNumber}} {
		val, ok := lookup(obj, f.key)
		if !ok {
			return w, &Problem{Fail, fmt.Sprintf("row has no %q key", f.key), url}
		}
		n, ok := val.(float64)
		if !ok || n != math.Trunc(n) {
			return w, &Problem{Fail, fmt.Sprintf("%q is %v, want an integer", f.key, val), url}
		}
		if n < 1 || n > 10000 {
			return w, &Problem{Fail, fmt.Sprintf("%q is %v, outside 1..10000", f.key, n), url}
		}
		*f.dst = int(n)
	}
	return w, nil
}

// worldArray decodes a JSON array of worlds.
func worldArray(body []byte, url string) ([]world, *Problem) {
	var arr []any
	if err := json.Unmarshal(body, &arr); err != nil {
		return nil, &Problem{Fail, fmt.Sprintf("body is not a JSON array: %s", snippet(body)), url}
	}
	worlds := make([]world, 0, len(arr))
	for _, raw := range arr {
		w, p := worldOf(raw, url)
		if p != nil {
			return nil, p
		}
		worlds = append(worlds, w)
	}
	return worlds, nil
}

// lookup finds key in obj ignoring case.
func lookup(obj map[string]any, key string) (any, bool) {
	if v, ok := obj[key]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}
