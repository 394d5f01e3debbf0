package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

type pinger interface {
	Ping(ctx context.Context) error
}

type healthHandler struct {
	store pinger
}

// healthz answers while the process is up.
func (h *healthHandler) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only while the database answers too.
func (h *healthHandler) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "the database is not reachable", Cause: err}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
