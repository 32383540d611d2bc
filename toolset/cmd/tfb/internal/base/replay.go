package base

import "flag"

// Parse sets the flags of fs from args, a command line as typed after the
// command's name (TFB's multi-value syntax included), such as one a run
// recorded, and returns the positional arguments.
func (fs *FlagSet) Parse(args []string) ([]string, error) {
	set := fs.flags()
	var positional []string
	for rest := normalizeArgs(args, fs.isMultiValue); ; {
		fs.valueErr = nil
		if err := set.Parse(rest); err != nil {
			if fs.valueErr != nil {
				return nil, fs.valueErr
			}
			return nil, err
		}
		if set.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, set.Arg(0))
		rest = set.Args()[1:]
	}
}

// Given returns the long names of the flags the command line set, each
// with its value as the flag prints it.
func (fs *FlagSet) Given() map[string]string {
	given := map[string]string{}
	fs.flags().Visit(func(f *flag.Flag) {
		name := f.Name
		if d, ok := fs.lookup(f.Name); ok {
			name = d.name
		}
		given[name] = f.Value.String()
	})
	return given
}

// Value returns the value of the flag called name as the flag prints it,
// and false when there is no such flag.
func (fs *FlagSet) Value(name string) (string, bool) {
	f := fs.flags().Lookup(name)
	if f == nil {
		return "", false
	}
	return f.Value.String(), true
}
