package profiles

import (
	"cmp"
	"math"
	"slices"
)

// Node is one frame of the call tree a flame graph draws, in the shape
// d3-flame-graph reads: its value is that of every sample with this path
// of calls from the root, its children the functions it called.
type Node struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
	// Delta, in a differential tree, is how much larger this frame's value
	// is than the same path's in the base profile, the base scaled to this
	// profile's total (so a change of share, not of sample count); negative
	// when it shrank. Zero in a plain tree.
	Delta    int64   `json:"delta,omitempty"`
	Children []*Node `json:"children,omitempty"`
}

// Tree folds the stacks into a call tree under a root named "all", whose
// value is the profile's total. Frames whose value is below minShare of
// the total are left out (their time stays in their parent's value), so
// the tree of a long profile stays small enough for a page.
func (p Profile) Tree(minShare float64) *Node {
	root := &Node{Name: "all"}
	for _, s := range p.Stacks {
		root.Value += s.Value
		n := root
		for _, name := range s.Frames {
			n = n.child(name)
			n.Value += s.Value
		}
	}
	root.prune(int64(math.Ceil(minShare * float64(p.Total))))
	root.sort()
	return root
}

// child returns the child named name, adding it when there is none.
func (n *Node) child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	c := &Node{Name: name}
	n.Children = append(n.Children, c)
	return c
}

// prune drops the descendants whose value is below min.
func (n *Node) prune(min int64) {
	n.Children = slices.DeleteFunc(n.Children, func(c *Node) bool { return c.Value < min })
	for _, c := range n.Children {
		c.prune(min)
	}
}

// sort orders every node's children by name, as flame graphs do.
func (n *Node) sort() {
	slices.SortFunc(n.Children, func(a, b *Node) int { return cmp.Compare(a.Name, b.Name) })
	for _, c := range n.Children {
		c.sort()
	}
}

// Count is the number of frames in the tree, the root included.
func (n *Node) Count() int {
	total := 1
	for _, c := range n.Children {
		total += c.Count()
	}
	return total
}

// DiffTree is the call tree of p (pruned as Tree does) with each frame's
// Delta against base: p's value minus base's value of the same path of
// calls scaled to p's total. A frame base lacks has its whole value as
// Delta.
func DiffTree(base, p Profile, minShare float64) *Node {
	tree := p.Tree(minShare)
	before := base.Tree(0)
	scale := 0.0
	if base.Total > 0 {
		scale = float64(p.Total) / float64(base.Total)
	}
	var walk func(n, b *Node)
	walk = func(n, b *Node) {
		var was float64
		if b != nil {
			was = float64(b.Value) * scale
		}
		n.Delta = n.Value - int64(math.Round(was))
		for _, c := range n.Children {
			var bc *Node
			if b != nil {
				bc = b.find(c.Name)
			}
			walk(c, bc)
		}
	}
	walk(tree, before)
	return tree
}

// find returns the child named name, or nil.
func (n *Node) find(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Change is one function's share of two profiles.
type Change struct {
	Name string `json:"name"`
	// The shares of the samples in the base profile and in the other, flat
	// and cumulative (Func.FlatShare, Func.CumShare); 0 where the function
	// does not appear.
	BaseFlat  float64 `json:"baseFlat"`
	Flat      float64 `json:"flat"`
	BaseCum   float64 `json:"baseCum"`
	Cum       float64 `json:"cum"`
	FlatDelta float64 `json:"flatDelta"` // Flat − BaseFlat
	CumDelta  float64 `json:"cumDelta"`  // Cum − BaseCum
}

// Diff sets p beside base function by function: every function of either
// with its shares in both and the change, the largest change of flat
// share (grown or shrunk) first, then of cumulative share.
func Diff(base, p Profile) []Change {
	byName := map[string]*Change{}
	get := func(name string) *Change {
		c, ok := byName[name]
		if !ok {
			c = &Change{Name: name}
			byName[name] = c
		}
		return c
	}
	for _, f := range base.Funcs() {
		c := get(f.Name)
		c.BaseFlat, c.BaseCum = f.FlatShare, f.CumShare
	}
	for _, f := range p.Funcs() {
		c := get(f.Name)
		c.Flat, c.Cum = f.FlatShare, f.CumShare
	}
	out := make([]Change, 0, len(byName))
	for _, c := range byName {
		c.FlatDelta, c.CumDelta = c.Flat-c.BaseFlat, c.Cum-c.BaseCum
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(math.Abs(b.FlatDelta), math.Abs(a.FlatDelta)),
			cmp.Compare(math.Abs(b.CumDelta), math.Abs(a.CumDelta)), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// TopChanges returns the changes of the n functions with the largest flat
// share in either profile, the largest first: the top functions of both,
// side by side.
func TopChanges(changes []Change, n int) []Change {
	out := slices.Clone(changes)
	slices.SortStableFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(max(b.Flat, b.BaseFlat), max(a.Flat, a.BaseFlat)), cmp.Compare(max(b.Cum, b.BaseCum), max(a.Cum, a.BaseCum)))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
