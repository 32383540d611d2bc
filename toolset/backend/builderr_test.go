package backend

import (
	"strings"
	"testing"
)

func TestCompilerMessages(t *testing.T) {
	tests := []struct {
		name   string
		output string
		n      int
		want   []string
	}{
		{
			name:   "go build",
			output: "# example/frameworks/broken\nframeworks/broken/main.go:5:2: undefined: nope\nframeworks/broken/main.go:6:9: cannot use 1 (untyped int constant) as string value in return statement\n",
			n:      10,
			want:   []string{"frameworks/broken/main.go:5:2: undefined: nope", "frameworks/broken/main.go:6:9: cannot use 1 (untyped int constant) as string value in return statement"},
		},
		{
			name:   "docker build stream with colour and the first n only",
			output: "Step 7/9 : RUN go build ./frameworks/x\n\x1b[91m# suite/frameworks/x\n\x1b[0m\x1b[91mframeworks/x/main.go:3:1: syntax error: non-declaration statement outside function body\n\x1b[0m\x1b[91mframeworks/x/main.go:9:1: second\n",
			n:      1,
			want:   []string{"frameworks/x/main.go:3:1: syntax error: non-declaration statement outside function body"},
		},
		{name: "no compiler output", output: "exit status 1\nsomething else\n", n: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compilerMessages(tt.output, tt.n)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("compilerMessages = %q, want %q", got, tt.want)
			}
		})
	}
}
