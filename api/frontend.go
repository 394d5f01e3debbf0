package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// asset is one embedded file of the dashboard, read once at start.
type asset struct {
	body []byte
	etag string
}

// registerFrontend serves the dashboard's files from memory with an ETag (304 on
// If-None-Match). Files under assets/ carry a content hash in their names, so they are cached
// for a year as immutable; index.html is revalidated on every load. A path that names no file
// and has no extension gets index.html, so the dashboard's own routes survive a reload.
func registerFrontend(e *echo.Echo, files fs.FS) {
	assets := map[string]asset{}
	_ = fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		assets[name] = asset{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	e.GET("/*", func(c echo.Context) error {
		// path.Clean of a rooted path cannot climb above the root: no traversal.
		name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		a, ok := assets[name]
		if !ok {
			if name != "" && (strings.HasPrefix(name, "api/") || path.Ext(name) != "") {
				return errNotFound
			}
			name = "index.html"
			if a, ok = assets[name]; !ok {
				return errNotFound
			}
		}
		h := c.Response().Header()
		h.Set("ETag", a.etag)
		if strings.HasPrefix(name, "assets/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(a.body))
		return nil
	})
}
