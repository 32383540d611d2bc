// Command echo serves the TFB test types with Echo v5: echo.Echo routes,
// echo.Context answers, and goccy/go-json as Echo's JSONSerializer.
package main

import (
	"log/slog"
	"net/http"

	"github.com/goccy/go-json"
	"github.com/labstack/echo/v5"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("echo", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return cfg.HTTPServer(newEcho(svc))
	})
}

// newEcho routes the test types to svc.
func newEcho(svc *tfb.Service) *echo.Echo {
	h := &handlers{svc: svc}
	e := echo.NewWithConfig(echo.Config{Logger: slog.Default(), JSONSerializer: goccyJSON{}})
	e.Use(serverHeader)
	e.GET("/plaintext", h.plaintext)
	e.GET("/json", h.json)
	e.GET("/db", h.db)
	e.GET("/queries", h.queries)
	e.GET("/updates", h.updates)
	e.GET("/fortunes", h.fortunes)
	e.GET("/cached-queries", h.cachedQueries)
	return e
}

// serverName is the Server header's value, shared by every response.
var serverName = []string{"Echo"}

// serverHeader sets the Server header on every response.
func serverHeader(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		c.Response().Header()["Server"] = serverName
		return next(c)
	}
}

type handlers struct {
	svc *tfb.Service
}

func (h *handlers) plaintext(c *echo.Context) error {
	return c.String(http.StatusOK, tfb.HelloWorld)
}

func (h *handlers) json(c *echo.Context) error {
	return c.JSON(http.StatusOK, tfb.Message{Message: tfb.HelloWorld})
}

func (h *handlers) db(c *echo.Context) error {
	world, err := h.svc.World(c.Request().Context())
	return h.respond(c, world, err)
}

func (h *handlers) queries(c *echo.Context) error {
	worlds, err := h.svc.Worlds(c.Request().Context(), tfb.QueryCount(c.QueryParam("queries")))
	return h.respond(c, worlds, err)
}

func (h *handlers) updates(c *echo.Context) error {
	worlds, err := h.svc.UpdatedWorlds(c.Request().Context(), tfb.QueryCount(c.QueryParam("queries")))
	return h.respond(c, worlds, err)
}

func (h *handlers) cachedQueries(c *echo.Context) error {
	worlds, err := h.svc.CachedWorlds(c.Request().Context(), tfb.QueryCount(c.QueryParam("count")))
	return h.respond(c, worlds, err)
}

// fortunes writes the page through c.Response(), Echo's
// http.ResponseWriter, however many writes it takes; the status is sent
// with the first one.
func (h *handlers) fortunes(c *echo.Context) error {
	c.Response().Header()["Content-Type"] = textHTML
	if err := h.svc.Fortunes(c.Request().Context(), c.Response()); err != nil {
		return h.fail(err)
	}
	return nil
}

// textHTML is the fortunes page's Content-Type, shared by every response.
var textHTML = []string{"text/html; charset=utf-8"}

// respond writes v as JSON, or returns the error's status and short body
// for Echo's error handler to send.
func (h *handlers) respond(c *echo.Context, v any, err error) error {
	if err != nil {
		return h.fail(err)
	}
	return c.JSON(http.StatusOK, v)
}

func (h *handlers) fail(err error) error {
	status, body := h.svc.ReportFailure(err)
	return echo.NewHTTPError(status, body)
}

// goccyJSON is an echo.JSONSerializer backed by goccy/go-json, shaped like
// echo.DefaultJSONSerializer.
type goccyJSON struct{}

func (goccyJSON) Serialize(c *echo.Context, v any, indent string) error {
	enc := json.NewEncoder(c.Response())
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(v)
}

func (goccyJSON) Deserialize(c *echo.Context, v any) error {
	if err := json.NewDecoder(c.Request().Body).Decode(v); err != nil {
		return echo.ErrBadRequest.Wrap(err)
	}
	return nil
}
