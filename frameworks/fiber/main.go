// Command fiber serves the TFB test types with Fiber v3 on fasthttp: fiber.App
// routes, fiber.Ctx answers, and goccy/go-json as Fiber's JSON encoder.
package main

import (
	"context"
	"net"

	"github.com/goccy/go-json"
	"github.com/gofiber/fiber/v3"

	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func main() {
	tfb.Run("fiber", func(svc *tfb.Service, cfg tfb.Config) tfb.Server {
		return server{app: newApp(svc), cfg: cfg}
	})
}

// newApp routes the test types to svc. It is given no timeouts: the
// listener enforces them (see server.Serve), which saves fasthttp's two
// clock reads per request.
func newApp(svc *tfb.Service) *fiber.App {
	h := &handlers{svc: svc}
	app := fiber.New(fiber.Config{
		// Routes match exactly as written, and header names are sent as
		// written: fasthttp skips the work of folding case.
		CaseSensitive:            true,
		StrictRouting:            true,
		DisableHeaderNormalizing: true,
		ServerHeader:             "Fiber",
		JSONEncoder:              json.Marshal,
		JSONDecoder:              json.Unmarshal,
	})
	app.Get("/plaintext", h.plaintext)
	app.Get("/json", h.json)
	app.Get("/db", h.db)
	app.Get("/queries", h.queries)
	app.Get("/updates", h.updates)
	app.Get("/fortunes", h.fortunes)
	app.Get("/cached-queries", h.cachedQueries)
	return app
}

type handlers struct {
	svc *tfb.Service
}

// Handlers pass c itself as the context.Context of database calls: fiber.Ctx
// implements it.

func (h *handlers) plaintext(c fiber.Ctx) error {
	return c.SendString(tfb.HelloWorld)
}

func (h *handlers) json(c fiber.Ctx) error {
	return c.JSON(tfb.Message{Message: tfb.HelloWorld})
}

func (h *handlers) db(c fiber.Ctx) error {
	world, err := h.svc.World(c)
	return h.respond(c, world, err)
}

func (h *handlers) queries(c fiber.Ctx) error {
	worlds, err := h.svc.Worlds(c, tfb.QueryCount(c.Query("queries")))
	return h.respond(c, worlds, err)
}

func (h *handlers) updates(c fiber.Ctx) error {
	worlds, err := h.svc.UpdatedWorlds(c, tfb.QueryCount(c.Query("queries")))
	return h.respond(c, worlds, err)
}

func (h *handlers) cachedQueries(c fiber.Ctx) error {
	worlds, err := h.svc.CachedWorlds(c, tfb.QueryCount(c.Query("count")))
	return h.respond(c, worlds, err)
}

// fortunes renders the page into the response body: fiber.Ctx is an
// io.Writer that appends to it.
func (h *handlers) fortunes(c fiber.Ctx) error {
	if err := h.svc.Fortunes(c, c); err != nil {
		return h.fail(err)
	}
	c.Type("html", "utf-8")
	return nil
}

// respond encodes v as JSON straight into the response body (fiber.Ctx is
// an io.Writer; goccy's Encoder reuses its buffer, where c.JSON would
// allocate the body), or returns the error's status and short body for
// Fiber's error handler to send.
func (h *handlers) respond(c fiber.Ctx, v any, err error) error {
	if err != nil {
		return h.fail(err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return json.NewEncoder(c).Encode(v)
}

func (h *handlers) fail(err error) error {
	return fiber.NewError(h.svc.ReportFailure(err))
}

// server serves a fiber.App as a tfb.Server, with the configuration's
// read-header timeout for each whole request (a test type's request is all
// header) and its idle timeout enforced by the listener.
type server struct {
	app *fiber.App
	cfg tfb.Config
}

func (s server) Serve(l net.Listener) error {
	return s.app.Listener(s.cfg.TimeoutListener(l), fiber.ListenConfig{DisableStartupMessage: true})
}

func (s server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }
