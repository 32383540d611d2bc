// Package runs reads benchmark runs: the results.json this project's
// toolset writes and the results.json of TFB's own Python toolset, both
// into one results.Document whose levels name their connections (and
// queries) and their requests per second. The views of runs — tfb report
// and tfb compare — read through it, so they accept the same inputs and
// report bad ones alike: one line naming the file, with the line and
// column of a JSON error.
package runs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"

	"github.com/go-tfb/suite/toolset/results"
)

// Layouts a results file can be read in.
const (
	// LayoutSuite is this project's results.json: TFB's layout plus explicit
	// levels, percentiles, repeats and the environment.
	LayoutSuite = "tfb-go"
	// LayoutTFB is the results.json of TFB's Python toolset, whose levels are
	// implicit in the order of concurrencyLevels, queryIntervals, ...
	LayoutTFB = "tfb"
)

// Run is one loaded results file.
type Run struct {
	// Path is the results.json the run was read from; the raw files are
	// found beside it.
	Path string
	// Label names the run in tables and charts: its directory's name (TFB's
	// timestamp) or, for a file not called results.json, the file's name.
	Label string
	// Layout is LayoutSuite or LayoutTFB.
	Layout string
	// Doc holds the run, TFB files converted: every level carries its
	// connections (and queries) and its requests per second.
	Doc results.Document
}

// Dir is the run's results directory (the one holding results.json).
func (r Run) Dir() string { return filepath.Dir(r.Path) }

// Load reads a run from path, a results.json file (of this project or of
// TFB's toolset) or a directory holding one. Its errors are one line naming
// the file and what is wrong with it.
func Load(path string) (Run, error) {
	if path == "" {
		return Run{}, errors.New("empty run path (expected a results directory or its results.json)")
	}
	file := path
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Run{}, fmt.Errorf("%s: no such file or directory (expected a results directory or its %s)", path, results.FileName)
	case err == nil && info.IsDir():
		file = filepath.Join(path, results.FileName)
	}
	data, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Run{}, fmt.Errorf("%s: no such file: %s is not a results directory (it holds no %s)", file, path, results.FileName)
	case err != nil:
		return Run{}, fmt.Errorf("%s: %w", file, unwrapPathError(err))
	}
	run, err := Parse(data)
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w", file, err)
	}
	run.Path = file
	run.Label = label(file)
	return run, nil
}

// LoadAll loads every path in turn and stops at the first error.
func LoadAll(paths []string) ([]Run, error) {
	out := make([]Run, 0, len(paths))
	for _, p := range paths {
		r, err := Load(p)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// NewRun makes a Run of a results.json already in memory, written by this
// project's toolset, such as a running benchmark's (results.Writer's File
// and Document).
func NewRun(path string, doc results.Document) Run {
	return Run{Path: path, Label: label(path), Layout: LayoutSuite, Doc: doc}
}

func label(file string) string {
	if filepath.Base(file) == results.FileName {
		abs, err := filepath.Abs(file)
		if err != nil {
			abs = file
		}
		return filepath.Base(filepath.Dir(abs))
	}
	return filepath.Base(file)
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse reads a results.json of either layout from data. The Run it
// returns has no Path or Label.
func Parse(data []byte) (Run, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Run{}, errors.New("the file is empty")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return Run{}, fmt.Errorf("not a valid %s: %s", results.FileName, jsonError(data, data, err))
	}
	rawData, hasRawData := top["rawData"]
	_, hasVerify := top["verify"]
	_, hasFrameworks := top["frameworks"]
	if !hasRawData && !hasVerify && !hasFrameworks {
		return Run{}, fmt.Errorf("not a valid %s: it has none of rawData, verify and frameworks", results.FileName)
	}
	var byType map[string]json.RawMessage
	if hasRawData {
		if err := json.Unmarshal(rawData, &byType); err != nil {
			return Run{}, fmt.Errorf("rawData: %s", jsonError(data, rawData, err))
		}
	}
	if _, ok := top["environment"]; ok || !hasRawData || hasExplicitLevels(byType) {
		return parseSuite(data)
	}
	return parseTFB(data, byType)
}

// hasExplicitLevels reports whether any level of rawData names its requests
// per second, which only this project's files do.
func hasExplicitLevels(byType map[string]json.RawMessage) bool {
	for _, raw := range byType {
		var entries map[string][]map[string]json.RawMessage
		if json.Unmarshal(raw, &entries) != nil {
			continue
		}
		for _, levels := range entries {
			for _, l := range levels {
				if _, ok := l["requestsPerSecond"]; ok {
					return true
				}
			}
		}
	}
	return false
}

func parseSuite(data []byte) (Run, error) {
	var doc results.Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return Run{}, fmt.Errorf("not a valid %s: %s", results.FileName, jsonError(data, data, err))
	}
	if err := canonicalTypes(doc.RawData, "rawData"); err != nil {
		return Run{}, err
	}
	if err := canonicalTypes(doc.Repeats, "repeats"); err != nil {
		return Run{}, err
	}
	return Run{Layout: LayoutSuite, Doc: doc}, nil
}

// canonicalTypes renames the test types keying section m from the names
// TFB's toolsets have written to this project's.
func canonicalTypes[V any](m map[string]V, section string) error {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		tt, err := testType(name)
		if err != nil {
			return fmt.Errorf("%s: %w", section, err)
		}
		v := m[name]
		delete(m, name)
		m[string(tt)] = v
	}
	return nil
}

// jsonError says in one line where in the file data a JSON error is and
// what it is. part is the piece of data that was being decoded (data
// itself, or a section of it): offsets in err count from its start.
func jsonError(data, part []byte, err error) string {
	base := int64(bytes.Index(data, part))
	if base < 0 {
		base = 0
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		line, col := position(data, base+syntax.Offset)
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		line, col := position(data, base+typ.Offset)
		where := "the value"
		if typ.Field != "" {
			where = fmt.Sprintf("field %q", typ.Field)
		}
		return fmt.Sprintf("line %d, column %d: %s holds a JSON %s, expected %s", line, col, where, typ.Value, jsonKind(typ.Type))
	}
	return err.Error()
}

// jsonKind names the JSON value a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}
