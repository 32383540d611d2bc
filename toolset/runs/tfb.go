package runs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
)

// Reading the results.json of TFB's own toolset.

// tfbDocument is the part of TFB's results.json that views show.
type tfbDocument struct {
	Name                   string       `json:"name"`
	EnvironmentDescription string       `json:"environmentDescription"`
	UUID                   string       `json:"uuid"`
	StartTime              float64      `json:"startTime"`
	CompletionTime         *float64     `json:"completionTime"`
	ConcurrencyLevels      []int        `json:"concurrencyLevels"`
	PipelineConcurrency    []int        `json:"pipelineConcurrencyLevels"`
	QueryIntervals         []int        `json:"queryIntervals"`
	CachedQueryIntervals   []int        `json:"cachedQueryIntervals"`
	Frameworks             []string     `json:"frameworks"`
	Duration               int          `json:"duration"`
	Git                    *results.Git `json:"git"`
	// These four have this project's shape, but an older TFB spells
	// cached_query "cached-query" in their keys.
	Completed map[string]string            `json:"completed"`
	Succeeded map[string][]string          `json:"succeeded"`
	Failed    map[string][]string          `json:"failed"`
	Verify    map[string]map[string]string `json:"verify"`
}

// tfbLevel is one level as TFB's toolset writes it: startTime and endTime
// are Unix seconds with a fraction, and fields are absent when wrk did not
// print them.
type tfbLevel struct {
	LatencyAvg    string   `json:"latencyAvg"`
	LatencyStdev  string   `json:"latencyStdev"`
	LatencyMax    string   `json:"latencyMax"`
	TotalRequests *float64 `json:"totalRequests"`
	StartTime     *float64 `json:"startTime"`
	EndTime       *float64 `json:"endTime"`
	Connect       float64  `json:"connect"`
	Read          float64  `json:"read"`
	Write         float64  `json:"write"`
	Timeout       float64  `json:"timeout"`
	Non2xx3xx     float64  `json:"5xx"`
}

// tfbExtraKeys are rawData keys TFB's toolset writes that are not test
// types: per-framework line and commit counts.
var tfbExtraKeys = []string{"slocCounts", "commitCounts"}

func parseTFB(data []byte, byType map[string]json.RawMessage) (Run, error) {
	var td tfbDocument
	if err := json.Unmarshal(data, &td); err != nil {
		return Run{}, fmt.Errorf("not a valid TFB %s: %s", results.FileName, jsonError(data, data, err))
	}
	doc := results.Document{
		UUID:                   td.UUID,
		Name:                   td.Name,
		EnvironmentDescription: td.EnvironmentDescription,
		Git:                    td.Git,
		StartTime:              int64(td.StartTime),
		ConcurrencyLevels:      td.ConcurrencyLevels,
		PipelineConcurrency:    td.PipelineConcurrency,
		QueryIntervals:         td.QueryIntervals,
		CachedQueryIntervals:   td.CachedQueryIntervals,
		Frameworks:             td.Frameworks,
		Duration:               td.Duration,
		RawData:                map[string]map[string][]results.Level{},
		Completed:              td.Completed,
		Succeeded:              respell(td.Succeeded),
		Failed:                 respell(td.Failed),
		Verify:                 map[string]map[string]string{},
	}
	for entry, byType := range td.Verify {
		doc.Verify[entry] = respell(byType)
	}
	if td.CompletionTime != nil {
		t := int64(*td.CompletionTime)
		doc.CompletionTime = &t
	}
	names := make([]string, 0, len(byType))
	for name := range byType {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if slices.Contains(tfbExtraKeys, name) {
			continue
		}
		tt, err := testType(name)
		if err != nil {
			return Run{}, fmt.Errorf("rawData: %w", err)
		}
		var entries map[string][]tfbLevel
		if err := json.Unmarshal(byType[name], &entries); err != nil {
			return Run{}, fmt.Errorf("rawData.%s: %s", name, jsonError(data, byType[name], err))
		}
		keys, listName := levelList(td, tt)
		converted := map[string][]results.Level{}
		for entry, levels := range entries {
			if len(levels) > len(keys) {
				return Run{}, fmt.Errorf("rawData.%s.%s: %d levels but %s lists %d", name, entry, len(levels), listName, len(keys))
			}
			for i, l := range levels {
				if lvl, ok := convertTFBLevel(l, tt, keys[i], td.ConcurrencyLevels); ok {
					converted[entry] = append(converted[entry], lvl)
				}
			}
		}
		doc.RawData[string(tt)] = converted
	}
	return Run{Layout: LayoutTFB, Doc: doc}, nil
}

// levelList returns the list that, in TFB's layout, gives the levels of a
// test type in order, and its JSON name.
func levelList(td tfbDocument, tt config.TestType) ([]int, string) {
	switch tt {
	case config.Plaintext:
		return td.PipelineConcurrency, "pipelineConcurrencyLevels"
	case config.Query, config.Update:
		return td.QueryIntervals, "queryIntervals"
	case config.CachedQuery:
		return td.CachedQueryIntervals, "cachedQueryIntervals"
	}
	return td.ConcurrencyLevels, "concurrencyLevels"
}

// convertTFBLevel turns a TFB level into this project's Level, with req/s
// = totalRequests / (endTime - startTime) as TFB's site computes it. A
// level without a request count or times (wrk failed) is left out.
func convertTFBLevel(l tfbLevel, tt config.TestType, key int, concurrency []int) (results.Level, bool) {
	if l.TotalRequests == nil || l.StartTime == nil || l.EndTime == nil || *l.EndTime <= *l.StartTime {
		return results.Level{}, false
	}
	out := results.Level{
		LatencyAvg:        l.LatencyAvg,
		LatencyStdev:      l.LatencyStdev,
		LatencyMax:        l.LatencyMax,
		TotalRequests:     int64(*l.TotalRequests),
		StartTime:         int64(*l.StartTime),
		EndTime:           int64(*l.EndTime),
		Connect:           int64(l.Connect),
		Read:              int64(l.Read),
		Write:             int64(l.Write),
		Timeout:           int64(l.Timeout),
		Non2xx3xx:         int64(l.Non2xx3xx),
		RequestsPerSecond: *l.TotalRequests / (*l.EndTime - *l.StartTime),
	}
	switch {
	case tt.TakesCount():
		out.Queries = key
		if len(concurrency) > 0 {
			out.Connections = slices.Max(concurrency)
		}
	case tt == config.Plaintext:
		out.Connections = key
		out.Pipeline = 16
	default:
		out.Connections = key
	}
	return out, true
}

// respell renames the key "cached-query" (older TFB) to "cached_query";
// other keys are kept as they are.
func respell[V any](m map[string]V) map[string]V {
	if v, ok := m["cached-query"]; ok {
		delete(m, "cached-query")
		m[string(config.CachedQuery)] = v
	}
	return m
}

// testType maps a test type name as TFB's toolsets have written it to this
// project's TestType: "cached-query" (older TFB) and "cached_query" are the
// same type.
func testType(name string) (config.TestType, error) {
	if name == "cached-query" {
		return config.CachedQuery, nil
	}
	for _, tt := range config.TestTypes {
		if string(tt) == name {
			return tt, nil
		}
	}
	known := make([]string, len(config.TestTypes))
	for i, tt := range config.TestTypes {
		known[i] = string(tt)
	}
	return "", fmt.Errorf("unknown test type %q (known: %s)", name, strings.Join(known, ", "))
}
