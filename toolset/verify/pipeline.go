package verify

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

// pipelineDepth is how many requests plaintext's load generator writes
// before reading.
const pipelineDepth = 16

// checkPipelining writes 16 requests on one connection before reading any
// response, as TFB's plaintext load does, and checks that 16 responses come
// back in order. It alternates between the plaintext and json URLs when the
// entry has both, so that an out-of-order answer shows.
func (v *verifier) checkPipelining(ctx context.Context, tt config.TestType) []Problem {
	paths := []string{v.target.Test.URL(tt)}
	other := config.JSON
	if tt == config.JSON {
		other = config.Plaintext
	}
	if u := v.target.Test.URL(other); u != "" {
		paths = append(paths, u)
	}
	base, err := url.Parse(v.target.BaseURL)
	if err != nil {
		return []Problem{{Fail, fmt.Sprintf("bad base URL: %v", err), ""}}
	}
	label := fmt.Sprintf("%d pipelined requests", pipelineDepth)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", base.Host)
	if err != nil {
		return []Problem{{Fail, fmt.Sprintf("%s: connect: %v", label, err), paths[0]}}
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(requestTimeout))

	var reqs bytes.Buffer
	for i := range pipelineDepth {
		fmt.Fprintf(&reqs, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: %s\r\n\r\n", paths[i%len(paths)], base.Host, config.VerifyAccept(tt))
	}
	if _, err := conn.Write(reqs.Bytes()); err != nil {
		return []Problem{{Fail, fmt.Sprintf("%s: write: %v", label, err), paths[0]}}
	}
	br := bufio.NewReader(conn)
	for i := range pipelineDepth {
		path := paths[i%len(paths)]
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			return []Problem{{Fail, fmt.Sprintf("%s: response %d of %d: %v", label, i+1, pipelineDepth, err), path}}
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return []Problem{{Fail, fmt.Sprintf("%s: response %d body: %v", label, i+1, err), path}}
		}
		if res.StatusCode != http.StatusOK {
			return []Problem{{Fail, fmt.Sprintf("%s: response %d has status %d", label, i+1, res.StatusCode), path}}
		}
		wantJSON := strings.HasPrefix(path, v.target.Test.URL(config.JSON)) && v.target.Test.URL(config.JSON) != ""
		if gotJSON := bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")); len(paths) > 1 && gotJSON != wantJSON {
			return []Problem{{Fail, fmt.Sprintf("%s: response %d is %s, the answer to another request: responses out of order", label, i+1, snippet(body)), path}}
		}
	}
	return nil
}
