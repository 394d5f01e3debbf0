package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/netfolio/netfolio/portfolio"
)

type networkStore interface {
	Networks(ctx context.Context, userID int64) ([]portfolio.Network, error)
	Network(ctx context.Context, userID, id int64) (portfolio.Network, error)
	CreateNetwork(ctx context.Context, userID int64, n portfolio.Network) (portfolio.Network, error)
	UpdateNetwork(ctx context.Context, userID, id int64, apply func(*portfolio.Network) error) (portfolio.Network, error)
	DeleteNetwork(ctx context.Context, userID, id int64, cascade bool) error
}

type networkHandler struct {
	store networkStore
	clock clock
}

type networkJSON struct {
	ID               int64           `json:"id"`
	Name             string          `json:"name"`
	Kind             string          `json:"kind"`
	Status           string          `json:"status"`
	Currency         string          `json:"currency"`
	JoinedOn         portfolio.Date  `json:"joined_on"`
	ClosedOn         *portfolio.Date `json:"closed_on"`
	Sponsor          string          `json:"sponsor"`
	Notes            string          `json:"notes"`
	CommitmentAmount *string         `json:"commitment_amount"`
	CommitmentDay    *int            `json:"commitment_day"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

func toNetworkJSON(n portfolio.Network) networkJSON {
	out := networkJSON{ID: n.ID, Name: n.Name, Kind: string(n.Kind), Status: string(n.Status), Currency: n.Currency,
		JoinedOn: n.JoinedOn, ClosedOn: n.ClosedOn, Sponsor: n.Sponsor, Notes: n.Notes,
		CreatedAt: n.CreatedAt.UTC(), UpdatedAt: n.UpdatedAt.UTC()}
	if n.CommitmentAmount != nil {
		s := portfolio.FormatAmount(*n.CommitmentAmount, n.Currency)
		out.CommitmentAmount = &s
	}
	if n.CommitmentDay != 0 {
		day := n.CommitmentDay
		out.CommitmentDay = &day
	}
	return out
}

// networkCreate is the body of POST /networks.
type networkCreate struct {
	Name             string          `json:"name"`
	Kind             string          `json:"kind"`
	Status           string          `json:"status"`
	Currency         string          `json:"currency"`
	JoinedOn         *portfolio.Date `json:"joined_on"`
	ClosedOn         *portfolio.Date `json:"closed_on"`
	Sponsor          string          `json:"sponsor"`
	Notes            string          `json:"notes"`
	CommitmentAmount *jsonDecimal    `json:"commitment_amount"`
	CommitmentDay    *int            `json:"commitment_day"`
}

// network turns the request into a network: status defaults to active, currency to the
// user's base currency, joined_on to today.
func (r networkCreate) network(u portfolio.User, today portfolio.Date) (portfolio.Network, error) {
	f := portfolio.Fields{}
	n := portfolio.Network{Name: strings.TrimSpace(r.Name), Kind: portfolio.NetworkKind(r.Kind),
		Status: portfolio.NetworkStatus(r.Status), Currency: r.Currency, JoinedOn: today, ClosedOn: r.ClosedOn,
		Sponsor: r.Sponsor, Notes: r.Notes}
	if n.Status == "" {
		n.Status = portfolio.StatusActive
	}
	if n.Currency == "" {
		n.Currency = u.BaseCurrency
	}
	if r.JoinedOn != nil {
		n.JoinedOn = *r.JoinedOn
	}
	if r.CommitmentAmount != nil {
		v := r.CommitmentAmount.parse(f, "commitment_amount")
		n.CommitmentAmount = &v
	}
	if r.CommitmentDay != nil {
		n.CommitmentDay = *r.CommitmentDay
		if n.CommitmentDay == 0 {
			f.Add("commitment_day", "must be between 1 and 28")
		}
	}
	if err := f.Err(); err != nil {
		return n, err
	}
	closeOn(&n, today)
	return n, nil
}

// closeOn keeps closed_on in step with the status: a closing status without a day closes
// today, any other status has none.
func closeOn(n *portfolio.Network, today portfolio.Date) {
	if !n.Status.Closing() {
		return
	}
	if n.ClosedOn == nil {
		n.ClosedOn = &today
	}
}

// networkPatch is the body of PATCH /networks/{id}: only the keys sent change.
type networkPatch struct {
	Name             optional[string]         `json:"name"`
	Kind             optional[string]         `json:"kind"`
	Status           optional[string]         `json:"status"`
	Currency         optional[string]         `json:"currency"`
	JoinedOn         optional[portfolio.Date] `json:"joined_on"`
	ClosedOn         optional[portfolio.Date] `json:"closed_on"`
	Sponsor          optional[string]         `json:"sponsor"`
	Notes            optional[string]         `json:"notes"`
	CommitmentAmount optional[jsonDecimal]    `json:"commitment_amount"`
	CommitmentDay    optional[int]            `json:"commitment_day"`
}

// Patch applies the sent keys to n. Setting a status that does not close the network clears
// closed_on; a closing status without closed_on closes today.
func (p networkPatch) Patch(n *portfolio.Network, today portfolio.Date) error {
	f := portfolio.Fields{}
	if v, ok := p.Name.value(f, "name"); ok {
		n.Name = strings.TrimSpace(v)
	}
	if v, ok := p.Kind.value(f, "kind"); ok {
		n.Kind = portfolio.NetworkKind(v)
	}
	if v, ok := p.Currency.value(f, "currency"); ok {
		n.Currency = v
	}
	if v, ok := p.JoinedOn.value(f, "joined_on"); ok {
		n.JoinedOn = v
	}
	if v, ok := p.Sponsor.value(f, "sponsor"); ok {
		n.Sponsor = v
	}
	if v, ok := p.Notes.value(f, "notes"); ok {
		n.Notes = v
	}
	if p.ClosedOn.Set {
		n.ClosedOn = nil
		if !p.ClosedOn.Null {
			day := p.ClosedOn.V
			n.ClosedOn = &day
		}
	}
	if v, ok := p.Status.value(f, "status"); ok {
		n.Status = portfolio.NetworkStatus(v)
		if !n.Status.Closing() && !p.ClosedOn.Set {
			n.ClosedOn = nil
		}
	}
	if p.CommitmentAmount.Set {
		n.CommitmentAmount = nil
		if !p.CommitmentAmount.Null {
			v := p.CommitmentAmount.V.parse(f, "commitment_amount")
			n.CommitmentAmount = &v
		}
	}
	if p.CommitmentDay.Set {
		n.CommitmentDay = 0
		if !p.CommitmentDay.Null {
			n.CommitmentDay = p.CommitmentDay.V
			if n.CommitmentDay == 0 {
				f.Add("commitment_day", "must be between 1 and 28")
			}
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	closeOn(n, today)
	return nil
}

func (h *networkHandler) list(c echo.Context) error {
	networks, err := h.store.Networks(c.Request().Context(), userOf(c).ID)
	if err != nil {
		return err
	}
	out := make([]networkJSON, len(networks))
	for i, n := range networks {
		out[i] = toNetworkJSON(n)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *networkHandler) get(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := h.store.Network(c.Request().Context(), userOf(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNetworkJSON(n))
}

func (h *networkHandler) create(c echo.Context) error {
	var req networkCreate
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u := userOf(c)
	n, err := req.network(u, h.clock.today())
	if err != nil {
		return err
	}
	if n, err = h.store.CreateNetwork(c.Request().Context(), u.ID, n); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toNetworkJSON(n))
}

func (h *networkHandler) update(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req networkPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	today := h.clock.today()
	n, err := h.store.UpdateNetwork(c.Request().Context(), userOf(c).ID, id, func(n *portfolio.Network) error {
		return req.Patch(n, today)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNetworkJSON(n))
}

func (h *networkHandler) delete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cascade := c.QueryParam("cascade") == "true"
	if err := h.store.DeleteNetwork(c.Request().Context(), userOf(c).ID, id, cascade); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
