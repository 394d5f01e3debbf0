package api

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// registerFrontend serves the dashboard's files; paths that name no file get index.html, so
// the dashboard's own routes work on reload.
func registerFrontend(e *echo.Echo, assets fs.FS) {
	files := http.FileServerFS(assets)
	e.GET("/*", func(c echo.Context) error {
		name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		if name == "" {
			name = "index.html"
		}
		if _, err := fs.Stat(assets, name); errors.Is(err, fs.ErrNotExist) {
			if strings.HasPrefix(name, "api/") || path.Ext(name) != "" {
				return errNotFound
			}
			name = "index.html"
		}
		req := c.Request().Clone(c.Request().Context())
		req.URL.Path = "/" + name
		if name == "index.html" {
			req.URL.Path = "/"
			c.Response().Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(c.Response(), req)
		return nil
	})
}
