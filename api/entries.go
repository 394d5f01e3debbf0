package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// maxBatch is the most entries one batch request may carry.
const maxBatch = 5000

type entryStore interface {
	Entries(ctx context.Context, userID int64, f store.EntryFilter) ([]portfolio.Entry, string, error)
	Entry(ctx context.Context, userID, id int64) (portfolio.Entry, error)
	CreateEntries(ctx context.Context, userID int64, entries []portfolio.Entry) ([]portfolio.Entry, error)
	UpdateEntry(ctx context.Context, userID, id int64, apply func(*portfolio.Entry) error) (portfolio.Entry, error)
	DeleteEntry(ctx context.Context, userID, id int64) error
}

type entryHandler struct {
	store entryStore
}

type entryJSON struct {
	ID          int64          `json:"id"`
	NetworkID   int64          `json:"network_id"`
	Date        portfolio.Date `json:"date"`
	Kind        string         `json:"kind"`
	Amount      string         `json:"amount"`
	Currency    string         `json:"currency"`
	BaseAmount  string         `json:"base_amount"`
	IncomeClass *string        `json:"income_class"`
	Note        string         `json:"note"`
	ExternalID  *string        `json:"external_id"`
	CreatedAt   time.Time      `json:"created_at"`
}

func toEntryJSON(e portfolio.Entry, baseCurrency string) entryJSON {
	out := entryJSON{ID: e.ID, NetworkID: e.NetworkID, Date: e.Date, Kind: string(e.Kind),
		Amount: portfolio.FormatAmount(e.Amount, e.Currency), Currency: e.Currency,
		BaseAmount: portfolio.FormatBase(e.BaseAmount, baseCurrency), Note: e.Note, CreatedAt: e.CreatedAt.UTC()}
	if e.IncomeClass != "" {
		class := string(e.IncomeClass)
		out.IncomeClass = &class
	}
	if e.ExternalID != "" {
		ext := e.ExternalID
		out.ExternalID = &ext
	}
	return out
}

// entryCreate is one entry as POSTed alone or in a batch.
type entryCreate struct {
	NetworkID   *int64          `json:"network_id"`
	Date        *portfolio.Date `json:"date"`
	Kind        string          `json:"kind"`
	Amount      *jsonDecimal    `json:"amount"`
	Currency    string          `json:"currency"`
	BaseAmount  *jsonDecimal    `json:"base_amount"`
	IncomeClass *string         `json:"income_class"`
	Note        string          `json:"note"`
	ExternalID  *string         `json:"external_id"`
}

// entry checks that the required keys are there and parses the amounts; the store checks the
// rest against the user's networks and rates.
func (r entryCreate) entry() (portfolio.Entry, error) {
	f := portfolio.Fields{}
	e := portfolio.Entry{Kind: portfolio.EntryKind(r.Kind), Currency: r.Currency, Note: r.Note}
	if r.NetworkID == nil {
		f.Add("network_id", "is required")
	} else {
		e.NetworkID = *r.NetworkID
	}
	if r.Date == nil {
		f.Add("date", "is required")
	} else {
		e.Date = *r.Date
	}
	if r.Kind == "" {
		f.Add("kind", "is required")
	}
	if r.Amount == nil {
		f.Add("amount", "is required")
	} else {
		e.Amount = r.Amount.parse(f, "amount")
	}
	if r.BaseAmount != nil {
		e.BaseAmount, e.BaseGiven = r.BaseAmount.parse(f, "base_amount"), true
	}
	if r.IncomeClass != nil {
		e.IncomeClass = portfolio.IncomeClass(*r.IncomeClass)
	}
	if r.ExternalID != nil {
		e.ExternalID = *r.ExternalID
	}
	return e, f.Err()
}

// entryPatch is the body of PATCH /entries/{id}: only the keys sent change.
type entryPatch struct {
	NetworkID   optional[int64]          `json:"network_id"`
	Date        optional[portfolio.Date] `json:"date"`
	Kind        optional[string]         `json:"kind"`
	Amount      optional[jsonDecimal]    `json:"amount"`
	Currency    optional[string]         `json:"currency"`
	BaseAmount  optional[jsonDecimal]    `json:"base_amount"`
	IncomeClass optional[string]         `json:"income_class"`
	Note        optional[string]         `json:"note"`
	ExternalID  optional[string]         `json:"external_id"`
}

// Patch applies the sent keys. A change of amount, currency or date without a base_amount
// drops a base amount the entry carried, so that it is converted again; base_amount null
// asks for conversion at the day's rates.
func (p entryPatch) Patch(e *portfolio.Entry) error {
	f := portfolio.Fields{}
	if v, ok := p.NetworkID.value(f, "network_id"); ok {
		e.NetworkID = v
	}
	if v, ok := p.Date.value(f, "date"); ok {
		e.Date = v
	}
	if v, ok := p.Kind.value(f, "kind"); ok {
		e.Kind = portfolio.EntryKind(v)
		if e.Kind != portfolio.Payout && !p.IncomeClass.Set {
			e.IncomeClass = ""
		}
	}
	if v, ok := p.Amount.value(f, "amount"); ok {
		e.Amount = v.parse(f, "amount")
	}
	if v, ok := p.Currency.value(f, "currency"); ok {
		e.Currency = v
	}
	if v, ok := p.Note.value(f, "note"); ok {
		e.Note = v
	}
	if p.IncomeClass.Set {
		e.IncomeClass = portfolio.IncomeClass(p.IncomeClass.V)
	}
	if p.ExternalID.Set {
		e.ExternalID = p.ExternalID.V
	}
	switch {
	case p.BaseAmount.Set && !p.BaseAmount.Null:
		e.BaseAmount, e.BaseGiven = p.BaseAmount.V.parse(f, "base_amount"), true
	case p.BaseAmount.Set || p.Amount.Set || p.Currency.Set || p.Date.Set:
		e.BaseGiven = false
	}
	return f.Err()
}

func (h *entryHandler) list(c echo.Context) error {
	f := portfolio.Fields{}
	filter := store.EntryFilter{
		NetworkID: queryInt(c, f, "network_id", 1, 1<<62),
		Kind:      portfolio.EntryKind(c.QueryParam("kind")),
		From:      queryDate(c, f, "from"),
		To:        queryDate(c, f, "to"),
		Limit:     int(queryInt(c, f, "limit", 1, 1000)),
		Cursor:    c.QueryParam("cursor"),
	}
	if filter.Kind != "" && !filter.Kind.Valid() {
		f.Add("kind", "must be one of investment, purchase, fee, payout, reinvest, balance")
	}
	if err := f.Err(); err != nil {
		return err
	}
	u := userOf(c)
	entries, next, err := h.store.Entries(c.Request().Context(), u.ID, filter)
	if err != nil {
		return err
	}
	items := make([]entryJSON, len(entries))
	for i, e := range entries {
		items[i] = toEntryJSON(e, u.BaseCurrency)
	}
	var cursor *string
	if next != "" {
		cursor = &next
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": cursor})
}

func (h *entryHandler) get(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := userOf(c)
	e, err := h.store.Entry(c.Request().Context(), u.ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toEntryJSON(e, u.BaseCurrency))
}

func (h *entryHandler) create(c echo.Context) error {
	var req entryCreate
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := req.entry()
	if err != nil {
		return err
	}
	u := userOf(c)
	created, err := h.store.CreateEntries(c.Request().Context(), u.ID, []portfolio.Entry{e})
	if err != nil {
		var item *store.ItemError
		if errors.As(err, &item) {
			return item.Err
		}
		return err
	}
	return c.JSON(http.StatusCreated, toEntryJSON(created[0], u.BaseCurrency))
}

// createBatch stores an array of entries all or nothing; the first bad item is named by its
// index in the error's fields ("[3].amount").
func (h *entryHandler) createBatch(c echo.Context) error {
	body, err := readJSONBody(c)
	if err != nil {
		return err
	}
	// One pass over the body; only when it fails is it read again item by item, to name the
	// item that is wrong.
	var reqs []entryCreate
	if err := unmarshalStrict(body, &reqs); err != nil {
		var raw []json.RawMessage
		if err := unmarshalStrict(body, &raw); err != nil {
			return err
		}
		if len(raw) > maxBatch {
			return invalid(portfolio.Fields{"items": "send 1 to 5000 entries"})
		}
		for i, item := range raw {
			var req entryCreate
			err := unmarshalStrict(item, &req)
			if err == nil {
				_, err = req.entry()
			}
			if err != nil {
				return &store.ItemError{Index: i, Err: err}
			}
		}
		return err
	}
	if len(reqs) == 0 || len(reqs) > maxBatch {
		return invalid(portfolio.Fields{"items": "send 1 to 5000 entries"})
	}
	entries := make([]portfolio.Entry, len(reqs))
	for i, req := range reqs {
		if entries[i], err = req.entry(); err != nil {
			return &store.ItemError{Index: i, Err: err}
		}
	}
	u := userOf(c)
	created, err := h.store.CreateEntries(c.Request().Context(), u.ID, entries)
	if err != nil {
		return err
	}
	out := make([]entryJSON, len(created))
	for i, e := range created {
		out[i] = toEntryJSON(e, u.BaseCurrency)
	}
	return c.JSON(http.StatusCreated, map[string]any{"items": out})
}

func (h *entryHandler) update(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req entryPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u := userOf(c)
	e, err := h.store.UpdateEntry(c.Request().Context(), u.ID, id, req.Patch)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toEntryJSON(e, u.BaseCurrency))
}

func (h *entryHandler) delete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteEntry(c.Request().Context(), userOf(c).ID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
