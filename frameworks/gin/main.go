// Command gin serves the TFB test types with Gin: gin.Engine routes,
// gin.Context answers, and goccy/go-json as Gin's JSON codec.
package main

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	ginjson "github.com/gin-gonic/gin/codec/json"
	"github.com/goccy/go-json"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("gin", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newRouter(svc))
	})
}

// newRouter routes the test types to svc.
func newRouter(svc *tfb.Service) *gin.Engine {
	h := &handlers{svc: svc}
	// Gin picks goccy/go-json only when built with -tags go_json; setting
	// its codec here does the same without build tags.
	ginjson.API = goccyJSON{}
	gin.SetMode(gin.ReleaseMode)

	r := gin.New()
	r.Use(serverHeader)
	r.GET("/plaintext", h.plaintext)
	r.GET("/json", h.json)
	r.GET("/db", h.db)
	r.GET("/queries", h.queries)
	r.GET("/updates", h.updates)
	r.GET("/fortunes", h.fortunes)
	r.GET("/cached-queries", h.cachedQueries)
	return r
}

// serverName is the Server header's value, shared by every response.
var serverName = []string{"Gin"}

// serverHeader sets the Server header on every response.
func serverHeader(c *gin.Context) {
	c.Writer.Header()["Server"] = serverName
	c.Next()
}

type handlers struct {
	svc *tfb.Service
}

func (h *handlers) plaintext(c *gin.Context) {
	c.String(http.StatusOK, tfb.HelloWorld)
}

func (h *handlers) json(c *gin.Context) {
	c.JSON(http.StatusOK, tfb.Message{Message: tfb.HelloWorld})
}

func (h *handlers) db(c *gin.Context) {
	world, err := h.svc.World(c.Request.Context())
	h.respond(c, world, err)
}

func (h *handlers) queries(c *gin.Context) {
	worlds, err := h.svc.Worlds(c.Request.Context(), tfb.QueryCount(c.Query("queries")))
	h.respond(c, worlds, err)
}

func (h *handlers) updates(c *gin.Context) {
	worlds, err := h.svc.UpdatedWorlds(c.Request.Context(), tfb.QueryCount(c.Query("queries")))
	h.respond(c, worlds, err)
}

func (h *handlers) cachedQueries(c *gin.Context) {
	worlds, err := h.svc.CachedWorlds(c.Request.Context(), tfb.QueryCount(c.Query("count")))
	h.respond(c, worlds, err)
}

// fortunes writes the page through c.Writer, Gin's http.ResponseWriter,
// however many writes it takes; the status is sent with the first one.
func (h *handlers) fortunes(c *gin.Context) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	if err := h.svc.Fortunes(c.Request.Context(), c.Writer); err != nil {
		h.fail(c, err)
	}
}

// respond writes v as JSON, or the error's status and short body.
func (h *handlers) respond(c *gin.Context, v any, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (h *handlers) fail(c *gin.Context, err error) {
	status, body := h.svc.ReportFailure(err)
	c.String(status, body)
}

// goccyJSON is Gin's codec/json.Core backed by goccy/go-json, as Gin's own
// go_json.go defines it.
type goccyJSON struct{}

func (goccyJSON) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (goccyJSON) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
func (goccyJSON) MarshalIndent(v any, prefix, indent string) ([]byte, error) {
	return json.MarshalIndent(v, prefix, indent)
}
func (goccyJSON) NewEncoder(w io.Writer) ginjson.Encoder { return json.NewEncoder(w) }
func (goccyJSON) NewDecoder(r io.Reader) ginjson.Decoder { return json.NewDecoder(r) }
