package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/exchange"
	"github.com/netfolio/netfolio/portfolio/store"
)

// maxImportBody bounds an uploaded CSV; it is read as a stream, never whole.
const maxImportBody = 256 << 20

type exchangeStore interface {
	exchange.EntrySource
	Import(ctx context.Context, userID int64, src store.ImportSource, opt store.ImportOptions) (store.ImportResult, error)
}

type exchangeHandler struct {
	store exchangeStore
	clock clock
}

// exportParams reads ?year= (default: this year) and ?dialect= (default intl).
func (h *exchangeHandler) exportParams(c echo.Context) (int, exchange.Dialect, error) {
	f := portfolio.Fields{}
	y, _, _ := h.clock.today().YMD()
	if s := c.QueryParam("year"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1900 || v > 9999 {
			f.Add("year", "must be a year such as 2025")
		}
		y = v
	}
	d, err := exchange.DialectByName(c.QueryParam("dialect"))
	if err != nil {
		f.Add("dialect", "must be de or intl")
	}
	return y, d, f.Err()
}

// attachment starts a streamed download.
func attachment(c echo.Context, contentType, name string) io.Writer {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", name))
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	return c.Response()
}

func (h *exchangeHandler) export(c echo.Context, kind exchange.Kind, needYear bool) error {
	year, dialect, err := h.exportParams(c)
	if err != nil {
		return err
	}
	u := userOf(c)
	job := exchange.Export{Kind: kind, UserID: u.ID, BaseCurrency: u.BaseCurrency, Dialect: dialect}
	name := "netfolio-" + string(kind)
	if needYear {
		job.From, job.To = portfolio.NewDate(year, time.January, 1), portfolio.NewDate(year, time.December, 31)
		name += "-" + strconv.Itoa(year)
	}
	name += job.FileSuffix()
	w := attachment(c, job.ContentType(), name)
	if err := job.Run(c.Request().Context(), h.store, w); err != nil {
		// The status line is gone; all that is left is to cut the download short and log.
		return fmt.Errorf("export %s for user %d: %w", kind, u.ID, err)
	}
	return nil
}

func (h *exchangeHandler) taxCSV(c echo.Context) error { return h.export(c, exchange.TaxCSV, true) }
func (h *exchangeHandler) taxSummary(c echo.Context) error {
	return h.export(c, exchange.TaxSummary, true)
}
func (h *exchangeHandler) entriesCSV(c echo.Context) error {
	return h.export(c, exchange.EntriesCSV, false)
}
func (h *exchangeHandler) journal(c echo.Context) error { return h.export(c, exchange.Journal, false) }

// importCSV imports an entries.csv all or nothing; ?dry_run=true only reports what it would do.
func (h *exchangeHandler) importCSV(c echo.Context) error {
	f := portfolio.Fields{}
	dryRun, create := queryBool(c, f, "dry_run"), queryBool(c, f, "create_networks")
	if err := f.Err(); err != nil {
		return err
	}
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxImportBody)
	src, err := exchange.NewImportSource(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return invalid(portfolio.Fields{"file": err.Error()})
	}
	res, err := h.store.Import(c.Request().Context(), userOf(c).ID, src, store.ImportOptions{DryRun: dryRun, CreateNetworks: create})
	if err != nil {
		return err
	}
	if res.ErrorCount > 0 {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "import_failed",
			Message: fmt.Sprintf("%d problems in the file; nothing was imported", res.ErrorCount), Import: &res}
	}
	return c.JSON(http.StatusOK, res)
}

// queryBool reads an optional true/false query parameter.
func queryBool(c echo.Context, f portfolio.Fields, name string) bool {
	switch c.QueryParam(name) {
	case "", "false":
		return false
	case "true":
		return true
	}
	f.Add(name, "must be true or false")
	return false
}
