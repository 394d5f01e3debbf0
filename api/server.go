// Package api is netfolio's HTTP interface: the JSON API under /api/v1, health and metrics,
// and the embedded dashboard. Handlers are thin: they decode, call the store, and encode.
package api

import (
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
)

// Config is what the server needs; Store is required.
type Config struct {
	Store         *store.Store
	Logger        *slog.Logger
	Now           func() time.Time // the clock; time.Now when nil
	Location      *time.Location   // the zone "today" is taken in; time.Local when nil
	SecureCookies bool             // mark the session cookie Secure (serve behind HTTPS)
	Frontend      fs.FS            // the dashboard's built files; nothing is served at / when nil
	Registry      *prometheus.Registry
	Snapshots     *snapshot.Service // figures; required
	Jobs          jobRunner         // the scheduler, for run-now and status; optional
}

// clock gives handlers the time and today's date.
type clock struct {
	now func() time.Time
	loc *time.Location
}

func (c clock) today() portfolio.Date { return portfolio.DateFromTime(c.now().In(c.loc)) }

// New builds the HTTP server with every route.
func New(cfg Config) *echo.Echo {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(cfg.Logger)
	e.IPExtractor = echo.ExtractIPDirect()

	m := newMetrics(cfg.Registry, cfg.Store)
	e.Use(m.middleware, recoverer(cfg.Logger), securityHeaders)

	clk := clock{now: cfg.Now, loc: cfg.Location}
	auth := &authHandler{store: cfg.Store, clock: clk, secure: cfg.SecureCookies, tokens: newTokenCache(time.Now)}
	networks := &networkHandler{store: cfg.Store, clock: clk}
	entries := &entryHandler{store: cfg.Store}
	rates := &rateHandler{store: cfg.Store}
	health := &healthHandler{store: cfg.Store}
	figures := &figuresHandler{snapshots: cfg.Snapshots, jobs: cfg.Jobs, reminders: cfg.Store, log: cfg.Logger}
	payouts := &payoutHandler{store: cfg.Store, clock: clk}
	exports := &exchangeHandler{store: cfg.Store, clock: clk}

	e.GET("/healthz", health.healthz)
	e.GET("/readyz", health.readyz)
	e.GET("/metrics", m.handler())
	e.GET("/api/openapi.json", serveOpenAPI)

	v1 := e.Group("/api/v1")
	v1.POST("/session", auth.login)

	user := v1.Group("", auth.require)
	user.DELETE("/session", auth.logout)
	user.GET("/me", auth.me)
	user.POST("/tokens", auth.createToken)
	user.GET("/tokens", auth.listTokens)
	user.DELETE("/tokens/:id", auth.deleteToken)
	user.POST("/users", auth.createUser)

	user.GET("/networks", networks.list)
	user.POST("/networks", networks.create)
	user.GET("/networks/:id", networks.get)
	user.PATCH("/networks/:id", networks.update)
	user.DELETE("/networks/:id", networks.delete)

	user.GET("/entries", entries.list)
	user.POST("/entries", entries.create)
	user.POST("/entries/batch", entries.createBatch)
	user.GET("/entries/:id", entries.get)
	user.PATCH("/entries/:id", entries.update)
	user.DELETE("/entries/:id", entries.delete)

	user.GET("/portfolio", figures.portfolio)
	user.GET("/portfolio/history", figures.history)
	user.GET("/portfolio/whatif", figures.whatIf)
	user.POST("/portfolio/recompute", figures.recompute)
	user.GET("/jobs", figures.listJobs)
	user.GET("/reminders", figures.listReminders)

	user.GET("/payouts/monthly", payouts.monthly)
	user.PUT("/payouts/monthly", payouts.putMonthly)

	user.GET("/export/tax.csv", exports.taxCSV)
	user.GET("/export/tax-summary.csv", exports.taxSummary)
	user.GET("/export/entries.csv", exports.entriesCSV)
	user.GET("/export/journal.ledger", exports.journal)
	user.POST("/import/entries.csv", exports.importCSV)

	user.GET("/rates", rates.list)
	user.PUT("/rates", rates.put)
	user.POST("/rates/import", rates.importECB)

	user.Any("/*", func(echo.Context) error { return errNotFound })
	if cfg.Frontend != nil {
		registerFrontend(e, cfg.Frontend)
	}
	return e
}

// recoverer turns a panic in a handler into a logged 500.
func recoverer(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					log.ErrorContext(c.Request().Context(), "panic", "path", c.Request().URL.Path, "panic", r)
					err = &Error{Status: http.StatusInternalServerError, Code: "internal_error", Message: "internal server error"}
				}
			}()
			return next(c)
		}
	}
}

// securityHeaders sets the headers every answer carries.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		return next(c)
	}
}
