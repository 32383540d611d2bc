package verify_test

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/verify"
)

// fault is one way to break the reference server below.
type fault string

const (
	none            fault = ""
	noServerHeader  fault = "no Server header"
	frozenDate      fault = "frozen Date"
	jsonAsText      fault = "json served as text/plain"
	wrongMessage    fault = "wrong json message"
	plaintextExtra  fault = "plaintext body with extra text"
	noPipelining    fault = "closes the connection after each response"
	dbArray         fault = "db returns an array of one"
	dbNoQuery       fault = "db answers without querying"
	noClamp         fault = "queries not clamped"
	queriesOneShort fault = "one query fewer than asked"
	unescaped       fault = "fortunes not escaped"
	unsorted        fault = "fortunes not sorted"
	noExtraFortune  fault = "fortunes without the request-time row"
	notPersisted    fault = "updates not written"
	bulkSubSelect   fault = "bulk update whose text holds a sub-SELECT"
	staleCache      fault = "cache returns numbers off by one"
	cacheQueries    fault = "cache queries the database"
)

// referenceServer is a minimal, correct implementation of every test type
// in plain net/http, with one fault switched on.
func referenceServer(t *testing.T, pool *pgxpool.Pool, f fault) *httptest.Server {
	t.Helper()
	world := func(r *http.Request, id int) (map[string]int, error) {
		var n int
		err := pool.QueryRow(r.Context(), "SELECT randomnumber FROM world WHERE id = $1", id).Scan(&n)
		return map[string]int{"id": id, "randomNumber": n}, err
	}
	count := func(r *http.Request, key string) int {
		n, err := strconv.Atoi(r.URL.Query().Get(key))
		if f == noClamp && err == nil {
			return max(n, 0)
		}
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !strings.HasPrefix(ne.Num, "-") {
			return 500
		}
		if err != nil || n < 1 {
			return 1
		}
		return min(n, 500)
	}
	writeJSON := func(w http.ResponseWriter, v any) {
		ct := "application/json"
		if f == jsonAsText {
			ct = "text/plain"
		}
		w.Header().Set("Content-Type", ct)
		json.NewEncoder(w).Encode(v)
	}
	worlds := func(w http.ResponseWriter, r *http.Request, n int) []map[string]int {
		if f == queriesOneShort && n > 1 {
			n--
		}
		out := []map[string]int{}
		for range n {
			row, err := world(r, rand.IntN(10000)+1)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return nil
			}
			out = append(out, row)
		}
		return out
	}
	cache := map[int]int{}
	rows, err := pool.Query(t.Context(), "SELECT id, randomnumber FROM world")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, n int
		rows.Scan(&id, &n)
		cache[id] = n
	}
	page := template.Must(template.New("").Parse(`<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>{{range .}}<tr><td>{{.ID}}</td><td>{{.Message}}</td></tr>{{end}}</table></body></html>`))
	type fortune struct {
		ID      int
		Message template.HTML
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		msg := "Hello, World!"
		if f == wrongMessage {
			msg = "Hello, world"
		}
		writeJSON(w, map[string]string{"message": msg})
	})
	mux.HandleFunc("/plaintext", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		body := "Hello, World!"
		if f == plaintextExtra {
			body += " extra"
		}
		w.Write([]byte(body))
	})
	mux.HandleFunc("/db", func(w http.ResponseWriter, r *http.Request) {
		id := rand.IntN(10000) + 1
		row := map[string]int{"id": id, "randomNumber": cache[id]}
		if f != dbNoQuery {
			var err error
			if row, err = world(r, id); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		if f == dbArray {
			writeJSON(w, []any{row})
			return
		}
		writeJSON(w, row)
	})
	mux.HandleFunc("/queries", func(w http.ResponseWriter, r *http.Request) {
		if rows := worlds(w, r, count(r, "queries")); rows != nil {
			writeJSON(w, rows)
		}
	})
	mux.HandleFunc("/updates", func(w http.ResponseWriter, r *http.Request) {
		rows := worlds(w, r, count(r, "queries"))
		if rows == nil {
			return
		}
		slices.SortFunc(rows, func(a, b map[string]int) int { return a["id"] - b["id"] })
		if f == bulkSubSelect {
			var ids, numbers []int32
			for _, row := range rows {
				row["randomNumber"] = rand.IntN(10000) + 1
				ids = append(ids, int32(row["id"]))
				numbers = append(numbers, int32(row["randomNumber"]))
			}
			const sql = "UPDATE world SET randomnumber = v.r FROM (SELECT unnest($1::int[]) AS id, unnest($2::int[]) AS r) AS v WHERE world.id = v.id"
			if _, err := pool.Exec(r.Context(), sql, ids, numbers); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			writeJSON(w, rows)
			return
		}
		for _, row := range rows {
			row["randomNumber"] = rand.IntN(10000) + 1
			if f == notPersisted {
				continue
			}
			if _, err := pool.Exec(r.Context(), "UPDATE world SET randomnumber = $1 WHERE id = $2", row["randomNumber"], row["id"]); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		writeJSON(w, rows)
	})
	mux.HandleFunc("/fortunes", func(w http.ResponseWriter, r *http.Request) {
		rows, err := pool.Query(r.Context(), "SELECT id, message FROM fortune")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		var list []fortune
		for rows.Next() {
			var ft fortune
			var msg string
			rows.Scan(&ft.ID, &msg)
			ft.Message = template.HTML(template.HTMLEscapeString(msg))
			if f == unescaped {
				ft.Message = template.HTML(msg)
			}
			list = append(list, ft)
		}
		if f != noExtraFortune {
			list = append(list, fortune{0, "Additional fortune added at request time."})
		}
		if f != unsorted {
			slices.SortFunc(list, func(a, b fortune) int { return strings.Compare(string(a.Message), string(b.Message)) })
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, list)
	})
	mux.HandleFunc("/cached-queries", func(w http.ResponseWriter, r *http.Request) {
		var out []map[string]int
		for range count(r, "count") {
			id := rand.IntN(10000) + 1
			n := cache[id]
			if f == staleCache {
				n = n%10000 + 1
			}
			if f == cacheQueries {
				row, _ := world(r, id)
				n = row["randomNumber"]
			}
			out = append(out, map[string]int{"id": id, "randomNumber": n})
		}
		writeJSON(w, out)
	})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f != noServerHeader {
			w.Header().Set("Server", "reference")
		}
		if f == frozenDate {
			w.Header().Set("Date", "Mon, 02 Jan 2006 15:04:05 GMT")
		}
		mux.ServeHTTP(w, r)
	}))
	if f == noPipelining {
		srv.Config.SetKeepAlivesEnabled(false)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

var reference = config.Test{
	Name: "reference", JSONURL: "/json", PlaintextURL: "/plaintext", DBURL: "/db",
	QueryURL: "/queries?queries=", UpdateURL: "/updates?queries=", FortuneURL: "/fortunes",
	CachedQueryURL: "/cached-queries?count=", Port: 8080,
}

// TestRulesCatchFaults checks the rule engine itself: the reference server
// passes, and each fault fails (or warns about) exactly the test type it
// breaks, with a message naming the cause.
func TestRulesCatchFaults(t *testing.T) {
	d := fixture.ForTest(t)
	pool, err := pgxpool.New(t.Context(), d.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)

	cases := []struct {
		fault fault
		types []config.TestType
		want  verify.Severity
		says  string
	}{
		{none, config.TestTypes, verify.Pass, ""},
		{noServerHeader, []config.TestType{config.JSON}, verify.Fail, "header Server missing"},
		{frozenDate, []config.TestType{config.Plaintext}, verify.Fail, "Date header stayed"},
		{jsonAsText, []config.TestType{config.JSON}, verify.Fail, "Content-Type"},
		{wrongMessage, []config.TestType{config.JSON}, verify.Fail, `"message" is`},
		{plaintextExtra, []config.TestType{config.Plaintext}, verify.Fail, "body"},
		{noPipelining, []config.TestType{config.Plaintext}, verify.Fail, "pipelined"},
		{dbArray, []config.TestType{config.DB}, verify.Warn, "array of one"},
		{dbNoQuery, []config.TestType{config.DB}, verify.Fail, "executed queries"},
		{noClamp, []config.TestType{config.Query}, verify.Fail, `0 rows for count "0"`},
		{queriesOneShort, []config.TestType{config.Query}, verify.Fail, `1 rows for count "2"`},
		{unescaped, []config.TestType{config.Fortune}, verify.Fail, "fortunes page differs"},
		{unsorted, []config.TestType{config.Fortune}, verify.Fail, "fortunes page differs"},
		{noExtraFortune, []config.TestType{config.Fortune}, verify.Fail, "fortunes page differs"},
		{notPersisted, []config.TestType{config.Update}, verify.Fail, "rows changed in the table"},
		{bulkSubSelect, []config.TestType{config.Update}, verify.Warn, "rows read in the database instead of 20480 expected"},
		{staleCache, []config.TestType{config.CachedQuery}, verify.Fail, "the table"},
		{cacheQueries, []config.TestType{config.CachedQuery}, verify.Fail, "warm cache"},
	}
	for _, c := range cases {
		name := string(c.fault)
		if name == "" {
			name = "no fault"
		}
		t.Run(name, func(t *testing.T) {
			if !usesDatabase(c.types) {
				// Checks that count queries must not overlap; these do not
				// count any, and each waits three seconds for the Date check.
				t.Parallel()
			}
			srv := referenceServer(t, pool, c.fault)
			results := verify.Run(t.Context(), verify.Target{BaseURL: srv.URL, Test: reference, DB: pool}, c.types)
			if len(results) != len(c.types) {
				t.Fatalf("%d results for %d test types", len(results), len(c.types))
			}
			for _, r := range results {
				if r.Status() != c.want {
					t.Errorf("%s: %s, want %s\n%s", r.Type, r.Status(), c.want, r)
				}
				if c.says != "" && !strings.Contains(r.String(), c.says) {
					t.Errorf("%s: no problem mentions %q:\n%s", r.Type, c.says, r)
				}
			}
		})
	}
}

func usesDatabase(types []config.TestType) bool {
	for _, tt := range types {
		if tt != config.JSON && tt != config.Plaintext {
			return true
		}
	}
	return false
}

func TestCompareFortunes(t *testing.T) {
	cases := []struct {
		name, page string
		match      bool
	}{
		{"expected page", verify.ExpectedFortunesPage, true},
		{"whitespace between tags", strings.ReplaceAll(verify.ExpectedFortunesPage, "><", ">\n  <"), true},
		{"numeric escapes", strings.ReplaceAll(strings.ReplaceAll(verify.ExpectedFortunesPage, "&quot;", "&#34;"), "&apos;", "&#39;"), true},
		{"upper-case tags", strings.ReplaceAll(verify.ExpectedFortunesPage, "<td>", "<TD>"), true},
		{"script unescaped", strings.Replace(verify.ExpectedFortunesPage, "&lt;script&gt;", "<script>", 1), false},
		{"row missing", strings.Replace(verify.ExpectedFortunesPage, "<tr><td>9</td><td>Feature: A bug with seniority.</td></tr>", "", 1), false},
		{"wrong id", strings.Replace(verify.ExpectedFortunesPage, "<td>9</td>", "<td>19</td>", 1), false},
		{"mojibake", strings.Replace(verify.ExpectedFortunesPage, "フレームワーク", "ãƒ•", 1), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diff := verify.CompareFortunes([]byte(c.page))
			if (diff == "") != c.match {
				t.Errorf("CompareFortunes = %q, want match=%v", diff, c.match)
			}
		})
	}
}

func ExampleResult_String() {
	r := verify.Result{Type: config.DB, Problems: []verify.Problem{{Severity: verify.Warn, Message: "body is an array of one object", URL: "/db"}}}
	fmt.Print(r)
	// Output:
	// db: warn (0s)
	//   warn: body is an array of one object (/db)
}
