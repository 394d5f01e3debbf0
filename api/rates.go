package api

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// maxRatesFile bounds an uploaded ECB file; the full history since 1999 is about 7 MB.
const maxRatesFile = 64 << 20

type rateStore interface {
	PutRates(ctx context.Context, userID int64, rates []portfolio.Rate) (int, error)
	Rates(ctx context.Context, userID int64, f store.RateFilter) ([]store.RateView, error)
}

type rateHandler struct {
	store rateStore
}

type rateJSON struct {
	Date        portfolio.Date `json:"date"`
	Currency    string         `json:"currency"`
	UnitsPerEUR string         `json:"units_per_eur"`
	Shared      bool           `json:"shared"`
}

type rateInput struct {
	Date        *portfolio.Date `json:"date"`
	Currency    string          `json:"currency"`
	UnitsPerEUR *jsonDecimal    `json:"units_per_eur"`
}

func (h *rateHandler) list(c echo.Context) error {
	f := portfolio.Fields{}
	filter := store.RateFilter{Currency: c.QueryParam("currency"), From: queryDate(c, f, "from"), To: queryDate(c, f, "to")}
	if filter.Currency != "" && !portfolio.ValidCurrency(filter.Currency) {
		f.Add("currency", "must be 2–10 upper-case letters or digits")
	}
	if err := f.Err(); err != nil {
		return err
	}
	rates, err := h.store.Rates(c.Request().Context(), userOf(c).ID, filter)
	if err != nil {
		return err
	}
	out := make([]rateJSON, len(rates))
	for i, r := range rates {
		out[i] = rateJSON{Date: r.Date, Currency: r.Currency, UnitsPerEUR: portfolio.FormatExact(r.UnitsPerEUR), Shared: r.Shared}
	}
	return c.JSON(http.StatusOK, out)
}

// put upserts the user's own rates, all or nothing.
func (h *rateHandler) put(c echo.Context) error {
	var req []rateInput
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if len(req) == 0 {
		return invalid(portfolio.Fields{"items": "send at least one rate"})
	}
	f := portfolio.Fields{}
	rates := make([]portfolio.Rate, 0, len(req))
	for i, r := range req {
		at := func(field string) string { return fmt.Sprintf("[%d].%s", i, field) }
		rate := portfolio.Rate{Currency: r.Currency}
		if r.Date == nil {
			f.Add(at("date"), "is required")
		} else {
			rate.Date = *r.Date
		}
		if !portfolio.ValidCurrency(r.Currency) {
			f.Add(at("currency"), "must be 2–10 upper-case letters or digits")
		}
		if r.UnitsPerEUR == nil {
			f.Add(at("units_per_eur"), "is required")
		} else if v, err := portfolio.ParseRate(string(*r.UnitsPerEUR)); err != nil {
			f.Add(at("units_per_eur"), err.Error())
		} else {
			rate.UnitsPerEUR = v
		}
		rates = append(rates, rate)
	}
	if err := f.Err(); err != nil {
		return err
	}
	n, err := h.store.PutRates(c.Request().Context(), userOf(c).ID, rates)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"stored": n})
}

// importECB takes an ECB reference-rate file (CSV history or XML) as the body.
func (h *rateHandler) importECB(c echo.Context) error {
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxRatesFile)
	rates, err := portfolio.ParseECB(body)
	if err != nil {
		if _, tooLarge := err.(*http.MaxBytesError); tooLarge {
			return err
		}
		return invalid(portfolio.Fields{"file": err.Error()})
	}
	_, _ = io.Copy(io.Discard, body)
	n, err := h.store.PutRates(c.Request().Context(), userOf(c).ID, rates)
	if err != nil {
		return err
	}
	summary := map[string]any{"stored": n}
	if n > 0 {
		from, to := rates[0].Date, rates[0].Date
		currencies := map[string]bool{}
		for _, r := range rates {
			from, to = min(from, r.Date), max(to, r.Date)
			currencies[r.Currency] = true
		}
		summary["from"], summary["to"], summary["currencies"] = from, to, len(currencies)
	}
	return c.JSON(http.StatusOK, summary)
}
