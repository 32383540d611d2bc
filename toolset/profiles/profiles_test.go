package profiles

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func read(t *testing.T, name string) Profile {
	t.Helper()
	p, err := Read(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func funcNamed(fs []Func, name string) (Func, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return Func{}, false
}

// The figures go tool pprof -top and -top -cum print of the test profiles.
func TestFuncsAgreeWithGoToolPprof(t *testing.T) {
	tests := []struct {
		file      string
		total     int64 // nanoseconds
		name      string
		flat, cum int64
	}{
		{"gin-json-cpu.pprof", 630e6, "internal/runtime/syscall/linux.Syscall6", 210e6, 210e6},
		{"gin-json-cpu.pprof", 630e6, "runtime.mallocgc", 20e6, 80e6},
		{"gin-json-cpu.pprof", 630e6, "github.com/gin-gonic/gin.(*Engine).handleHTTPRequest", 0, 40e6},
		{"gin-json-cpu.pprof", 630e6, "net/http.(*conn).serve", 10e6, 520e6},
		{"nethttp-json-cpu.pprof", 530e6, "net/http.(*conn).serve", 0, 410e6},
		{"nethttp-json-cpu.pprof", 530e6, "runtime.nanotime", 30e6, 30e6},
		{"nethttp-json-cpu.pprof", 530e6, "bufio.(*Writer).Flush", 0, 130e6},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.name, func(t *testing.T) {
			p := read(t, tt.file)
			if p.Total != tt.total || p.SampleType != "cpu" || p.Unit != "nanoseconds" {
				t.Fatalf("total %d %s of %s, want %d nanoseconds of cpu", p.Total, p.Unit, p.SampleType, tt.total)
			}
			f, ok := funcNamed(p.Funcs(), tt.name)
			if !ok && tt.flat+tt.cum > 0 {
				t.Fatalf("no function %s", tt.name)
			}
			if f.Flat != tt.flat || f.Cum != tt.cum {
				t.Errorf("flat %d cum %d, want %d and %d", f.Flat, f.Cum, tt.flat, tt.cum)
			}
			if want := float64(tt.cum) / float64(tt.total); math.Abs(f.CumShare-want) > 1e-9 {
				t.Errorf("cum share %f, want %f", f.CumShare, want)
			}
		})
	}
}

func TestTop(t *testing.T) {
	p := read(t, "nethttp-json-cpu.pprof")
	tests := []struct {
		by    Order
		first string
		value func(Func) int64
	}{
		{ByFlat, "internal/runtime/syscall/linux.Syscall6", func(f Func) int64 { return f.Flat }},
		{ByCum, "net/http.(*conn).serve", func(f Func) int64 { return f.Cum }},
	}
	for _, tt := range tests {
		top := p.Top(5, tt.by)
		if len(top) != 5 {
			t.Fatalf("%d functions, want 5", len(top))
		}
		// runtime.goexit and the like may share the root's value: the first
		// named here is the first below the frames that start every stack.
		found := false
		for i, f := range top {
			found = found || f.Name == tt.first
			if i > 0 && tt.value(f) > tt.value(top[i-1]) {
				t.Errorf("order %d: %s (%d) after %s (%d)", tt.by, f.Name, tt.value(f), top[i-1].Name, tt.value(top[i-1]))
			}
		}
		if !found {
			t.Errorf("order %d: %s not in the top 5: %+v", tt.by, tt.first, top)
		}
	}
	if all := p.Top(0, ByFlat); len(all) != len(p.Funcs()) {
		t.Errorf("Top(0) gave %d functions, want all %d", len(all), len(p.Funcs()))
	}
}

func TestTree(t *testing.T) {
	p := read(t, "gin-json-cpu.pprof")
	full := p.Tree(0)
	if full.Name != "all" || full.Value != p.Total {
		t.Fatalf("root %s = %d, want all = %d", full.Name, full.Value, p.Total)
	}
	var check func(n *Node, path string)
	check = func(n *Node, path string) {
		var sum int64
		for _, c := range n.Children {
			sum += c.Value
			check(c, path+";"+c.Name)
		}
		if sum > n.Value {
			t.Errorf("%s: children sum %d above its value %d", path, sum, n.Value)
		}
	}
	check(full, "all")
	pruned := p.Tree(0.02)
	if pruned.Count() >= full.Count() || pruned.Count() < 5 {
		t.Errorf("pruned at 2%%: %d frames of %d", pruned.Count(), full.Count())
	}
	var small func(n *Node)
	small = func(n *Node) {
		for _, c := range n.Children {
			if float64(c.Value) < 0.02*float64(p.Total) {
				t.Errorf("%s (%d) kept below 2%% of %d", c.Name, c.Value, p.Total)
			}
			small(c)
		}
	}
	small(pruned)
}

func TestDiff(t *testing.T) {
	gin, nethttp := read(t, "gin-json-cpu.pprof"), read(t, "nethttp-json-cpu.pprof")
	changes := Diff(gin, nethttp)
	if len(changes) == 0 {
		t.Fatal("no changes")
	}
	for i, c := range changes {
		if math.Abs(c.FlatDelta-(c.Flat-c.BaseFlat)) > 1e-12 || math.Abs(c.CumDelta-(c.Cum-c.BaseCum)) > 1e-12 {
			t.Errorf("%s: deltas %f %f do not match its shares", c.Name, c.FlatDelta, c.CumDelta)
		}
		if i > 0 && math.Abs(c.FlatDelta) > math.Abs(changes[i-1].FlatDelta) {
			t.Errorf("%s after a smaller change", c.Name)
		}
	}
	got := map[string]Change{}
	for _, c := range changes {
		got[c.Name] = c
	}
	// gin's functions are not in nethttp's profile: they shrank to nothing.
	next := got["github.com/gin-gonic/gin.(*Context).Next"]
	if next.Cum != 0 || math.Abs(next.BaseCum-40.0/630) > 1e-9 || next.CumDelta >= 0 {
		t.Errorf("gin.(*Context).Next: %+v, want a base cum share of 40/630 shrunk to 0", next)
	}
	// Syscall6: 210/630 of gin's samples, 100/530 of nethttp's.
	sys := got["internal/runtime/syscall/linux.Syscall6"]
	if want := 100.0/530 - 210.0/630; math.Abs(sys.FlatDelta-want) > 1e-9 {
		t.Errorf("Syscall6 flat change %f, want %f", sys.FlatDelta, want)
	}
	if d := Diff(gin, gin); math.Abs(d[0].FlatDelta) > 1e-12 {
		t.Errorf("a profile against itself changed: %+v", d[0])
	}
}

func TestDiffTree(t *testing.T) {
	gin, nethttp := read(t, "gin-json-cpu.pprof"), read(t, "nethttp-json-cpu.pprof")
	self := DiffTree(gin, gin, 0.01)
	var zero func(n *Node)
	zero = func(n *Node) {
		if n.Delta != 0 {
			t.Errorf("%s: delta %d against itself", n.Name, n.Delta)
		}
		for _, c := range n.Children {
			zero(c)
		}
	}
	zero(self)
	d := DiffTree(gin, nethttp, 0.01)
	if d.Delta != 0 {
		t.Errorf("root delta %d, want 0 (the base is scaled to the same total)", d.Delta)
	}
	// gin's router is not in nethttp's stacks: its frames are new there.
	newFrames := 0
	var walk func(n *Node)
	walk = func(n *Node) {
		if n.Value > 0 && n.Delta == n.Value {
			newFrames++
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(d)
	if newFrames == 0 {
		t.Error("no frame of nethttp's tree is new beside gin's")
	}
	if n := findPath(d, "net/http.(*conn).serve"); n == nil || n.Delta == n.Value {
		t.Errorf("net/http.(*conn).serve: %+v, want a frame both profiles share", n)
	}
}

// findPath finds the first frame named name, depth first.
func findPath(n *Node, name string) *Node {
	if n.Name == name {
		return n
	}
	for _, c := range n.Children {
		if f := findPath(c, name); f != nil {
			return f
		}
	}
	return nil
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pprof")
	if err := os.WriteFile(bad, []byte("not a profile"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing.pprof")} {
		if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "profile") {
			t.Errorf("Read(%s) = %v, want an error naming the profile", path, err)
		}
	}
}

func TestTopChanges(t *testing.T) {
	gin, nethttp := read(t, "gin-json-cpu.pprof"), read(t, "nethttp-json-cpu.pprof")
	top := TopChanges(Diff(gin, nethttp), 4)
	if len(top) != 4 || top[0].Name != "internal/runtime/syscall/linux.Syscall6" {
		t.Fatalf("top changes %+v, want 4 with Syscall6 first", top)
	}
	for i := 1; i < len(top); i++ {
		if max(top[i].Flat, top[i].BaseFlat) > max(top[i-1].Flat, top[i-1].BaseFlat) {
			t.Errorf("%s after a smaller share", top[i].Name)
		}
	}
}

func TestReadIfPresent(t *testing.T) {
	if _, ok, err := ReadIfPresent(filepath.Join(t.TempDir(), "cpu-16.pprof")); ok || err != nil {
		t.Errorf("missing file: %v %v, want false and no error", ok, err)
	}
	if p, ok, err := ReadIfPresent(filepath.Join("testdata", "gin-json-cpu.pprof")); !ok || err != nil || p.Total == 0 {
		t.Errorf("real file: %v %v", ok, err)
	}
}
