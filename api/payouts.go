package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

type payoutStore interface {
	Networks(ctx context.Context, userID int64) ([]portfolio.Network, error)
	Network(ctx context.Context, userID, id int64) (portfolio.Network, error)
	PayoutsBetween(ctx context.Context, userID int64, from, to portfolio.Date) ([]portfolio.Entry, error)
	UpsertByExternalID(ctx context.Context, userID int64, e portfolio.Entry) (portfolio.Entry, bool, error)
}

type payoutHandler struct {
	store payoutStore
	clock clock
}

type payoutLine struct {
	ID          int64   `json:"id"`
	Amount      string  `json:"amount"`
	Currency    string  `json:"currency"`
	IncomeClass *string `json:"income_class"`
}

type payoutCell struct {
	Month  string      `json:"month"`
	Amount *string     `json:"amount"` // all payouts of the month, in the base currency
	Logged bool        `json:"logged"`
	Line   *payoutLine `json:"line"` // the payout log's own line for the month, if any
}

type payoutRow struct {
	ID       int64        `json:"id"`
	Name     string       `json:"name"`
	Kind     string       `json:"kind"`
	Status   string       `json:"status"`
	Currency string       `json:"currency"`
	Cells    []payoutCell `json:"cells"`
	Total    string       `json:"total"`
}

type monthTotal struct {
	Month  string `json:"month"`
	Amount string `json:"amount"`
}

// monthly serves the payout log of a year: networks × months, each cell the month's payouts
// in the base currency; logged is false where an active network has no payout line for a
// past month it was a member in.
func (h *payoutHandler) monthly(c echo.Context) error {
	today := h.clock.today()
	y, _, _ := today.YMD()
	f := portfolio.Fields{}
	if s := c.QueryParam("year"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1900 || v > 9999 {
			f.Add("year", "must be a year such as 2026")
		}
		y = v
	}
	if err := f.Err(); err != nil {
		return err
	}
	u := userOf(c)
	ctx := c.Request().Context()
	networks, err := h.store.Networks(ctx, u.ID)
	if err != nil {
		return err
	}
	first := portfolio.NewDate(y, time.January, 1)
	payouts, err := h.store.PayoutsBetween(ctx, u.ID, first, first.AddMonths(12)-1)
	if err != nil {
		return err
	}
	type key struct {
		network int64
		month   int
	}
	sums := map[key]decimal.Decimal{}
	lines := map[key]portfolio.Entry{}
	for _, e := range payouts {
		_, m, _ := e.Date.YMD()
		k := key{e.NetworkID, int(m) - 1}
		sums[k] = sums[k].Add(e.BaseAmount)
		if e.ExternalID == portfolio.MonthlyLogID(e.NetworkID, e.Date.Month()) {
			lines[k] = e
		}
	}
	months := make([]string, 12)
	totals := make([]decimal.Decimal, 12)
	for i := range months {
		months[i] = first.AddMonths(i).MonthKey()
	}
	rows := make([]payoutRow, 0, len(networks))
	for _, n := range networks {
		row := payoutRow{ID: n.ID, Name: n.Name, Kind: string(n.Kind), Status: string(n.Status), Currency: n.Currency, Cells: make([]payoutCell, 12)}
		total := decimal.Zero
		for i := range months {
			start := first.AddMonths(i)
			end := start.AddMonths(1) - 1
			k := key{n.ID, i}
			cell := payoutCell{Month: months[i], Logged: true}
			if sum, ok := sums[k]; ok {
				s := portfolio.FormatMoney(sum, u.BaseCurrency)
				cell.Amount = &s
				total = total.Add(sum)
				totals[i] = totals[i].Add(sum)
			} else if n.Status == portfolio.StatusActive && end < today.Month() && end >= n.JoinedOn {
				cell.Logged = false
			}
			if line, ok := lines[k]; ok {
				cell.Line = &payoutLine{ID: line.ID, Amount: portfolio.FormatAmount(line.Amount, line.Currency), Currency: line.Currency}
				if line.IncomeClass != "" {
					class := string(line.IncomeClass)
					cell.Line.IncomeClass = &class
				}
			}
			row.Cells[i] = cell
		}
		row.Total = portfolio.FormatMoney(total, u.BaseCurrency)
		rows = append(rows, row)
	}
	monthTotals := make([]monthTotal, 12)
	grand := decimal.Zero
	for i := range months {
		monthTotals[i] = monthTotal{Month: months[i], Amount: portfolio.FormatMoney(totals[i], u.BaseCurrency)}
		grand = grand.Add(totals[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"year": y, "base_currency": u.BaseCurrency, "months": months,
		"networks": rows, "totals": monthTotals, "total": portfolio.FormatMoney(grand, u.BaseCurrency)})
}

// putMonthly upserts the one payout line of a network and month; "0" records "no payout".
func (h *payoutHandler) putMonthly(c echo.Context) error {
	var req struct {
		NetworkID   *int64       `json:"network_id"`
		Month       string       `json:"month"`
		Amount      *jsonDecimal `json:"amount"`
		Currency    string       `json:"currency"`
		IncomeClass string       `json:"income_class"`
		Note        string       `json:"note"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	f := portfolio.Fields{}
	today := h.clock.today()
	if req.NetworkID == nil {
		f.Add("network_id", "is required")
	}
	month, err := portfolio.ParseDate(req.Month + "-01")
	if err != nil || len(req.Month) != 7 {
		f.Add("month", "must be a month YYYY-MM")
	} else if month > today {
		f.Add("month", "must not be in the future")
	}
	var amount decimal.Decimal
	if req.Amount == nil {
		f.Add("amount", "is required")
	} else {
		amount = req.Amount.parse(f, "amount")
	}
	if err := f.Err(); err != nil {
		return err
	}
	e := portfolio.Entry{NetworkID: *req.NetworkID, Date: min(month.AddMonths(1)-1, today), Kind: portfolio.Payout,
		Amount: amount, Currency: req.Currency, IncomeClass: portfolio.IncomeClass(req.IncomeClass), Note: req.Note,
		ExternalID: portfolio.MonthlyLogID(*req.NetworkID, month)}
	u := userOf(c)
	saved, created, err := h.store.UpsertByExternalID(c.Request().Context(), u.ID, e)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, toEntryJSON(saved, u.BaseCurrency))
}
