package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store/storetest"
)

// EachEntry hands over every entry of the days asked for, oldest first, with every field the
// exports print exactly as stored — across many of its internal batches — and stops cleanly
// when the caller fails or goes away.
func TestEachEntry(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, storetest.DSN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, NewUser{Username: "exporter", Password: "a long password"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.CreateUser(ctx, NewUser{Username: "other", Password: "a long password"})
	if err != nil {
		t.Fatal(err)
	}
	t0 := portfolio.NewDate(2025, 1, 1)
	eur, err := st.CreateNetwork(ctx, u.ID, portfolio.Network{Name: "Alpha Net", Kind: portfolio.Revshare, Status: portfolio.StatusActive, Currency: "EUR", JoinedOn: t0})
	if err != nil {
		t.Fatal(err)
	}
	eth, err := st.CreateNetwork(ctx, u.ID, portfolio.Network{Name: "Beta", Kind: portfolio.Product, Status: portfolio.StatusActive, Currency: "ETH", JoinedOn: t0})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := st.CreateNetwork(ctx, other.ID, portfolio.Network{Name: "Alpha Net", Kind: portfolio.Revshare, Status: portfolio.StatusActive, Currency: "EUR", JoinedOn: t0})
	if err != nil {
		t.Fatal(err)
	}
	// More entries than the export's batches hold together, in an order other than by date,
	// with the awkward values: trailing zeros, 18 places, spaces and quotes in free texts,
	// empty and non-empty optional fields, a zero monthly log line, base amounts of a rate.
	const n = 3*exportBatch*exportBuffers + 7
	var in []portfolio.Entry
	for i := range n {
		e := portfolio.Entry{NetworkID: eur.ID, Date: t0 + portfolio.Date((i*37)%400), Kind: portfolio.Payout,
			Amount: decimal.RequireFromString(fmt.Sprintf("%d.%02d0", i+1, i%100)), Currency: "EUR", IncomeClass: portfolio.ClassPassive}
		switch i % 7 {
		case 1:
			e.Kind, e.IncomeClass, e.Note = portfolio.Investment, "", fmt.Sprintf("first  deposit; \"%d\" =SUM(A1)", i)
		case 2:
			e.NetworkID, e.Currency, e.Kind, e.IncomeClass = eth.ID, "ETH", portfolio.Purchase, ""
			e.Amount = decimal.RequireFromString(fmt.Sprintf("0.%018d", i+1))
			e.BaseAmount, e.BaseGiven = decimal.RequireFromString("0.00000001"), true
		case 3:
			e.ExternalID = fmt.Sprintf("bank 2025/%d", i)
		case 4:
			e.Kind, e.IncomeClass = portfolio.Balance, ""
		case 5:
			e.Kind, e.IncomeClass, e.Amount = portfolio.Fee, "", decimal.RequireFromString("0.5")
		case 6:
			e.NetworkID, e.Currency, e.IncomeClass = eth.ID, "USD", ""
			e.Note = " leading and trailing "
		}
		in = append(in, e)
	}
	in[0].Amount, in[0].ExternalID = decimal.Zero, portfolio.MonthlyLogID(eur.ID, in[0].Date.Month())
	var rates []portfolio.Rate
	for d := range 400 {
		rates = append(rates, portfolio.Rate{Currency: "USD", Date: t0 + portfolio.Date(d), UnitsPerEUR: decimal.New(10850+int64(d), -4)})
	}
	if _, err := st.PutRates(ctx, u.ID, rates); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateEntries(ctx, u.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateEntries(ctx, other.ID, []portfolio.Entry{{NetworkID: foreign.ID, Date: t0, Kind: portfolio.Payout, Amount: decimal.NewFromInt(9), Currency: "EUR"}}); err != nil {
		t.Fatal(err)
	}
	var stored []portfolio.Entry
	if err := st.r.Where("user_id = ?", u.ID).Order("date, id").Find(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if len(stored) != n {
		t.Fatalf("stored %d entries, want %d", len(stored), n)
	}

	cases := []struct {
		name     string
		from, to portfolio.Date
	}{
		{"all", 0, portfolio.NewDate(9999, 12, 31)},
		{"inclusive bounds", t0 + 10, t0 + 20},
		{"one day", t0 + 37, t0 + 37},
		{"none", t0 + 500, t0 + 600},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want []portfolio.Entry
			for _, e := range stored {
				if e.Date >= c.from && e.Date <= c.to {
					want = append(want, e)
				}
			}
			i := 0
			err := st.EachEntry(ctx, u.ID, c.from, c.to, func(got portfolio.Entry, net portfolio.Network) error {
				if i >= len(want) {
					return fmt.Errorf("more than the %d entries", len(want))
				}
				w := want[i]
				i++
				if got.Date != w.Date || got.NetworkID != w.NetworkID || got.Kind != w.Kind || got.IncomeClass != w.IncomeClass ||
					got.Amount.String() != w.Amount.String() || got.Currency != w.Currency || got.Note != w.Note ||
					got.ExternalID != w.ExternalID || got.UnitsPerEUR != w.UnitsPerEUR || got.BaseUnits != w.BaseUnits ||
					!got.BaseAmount.Equal(w.BaseAmount) || got.UserID != u.ID {
					return fmt.Errorf("entry %d (id %d):\n got %+v\nwant %+v", i-1, w.ID, got, w)
				}
				// The amount keeps the places it was recorded with ("1.010", not "1.01").
				if got.Amount.Exponent() != w.Amount.Exponent() {
					return fmt.Errorf("entry id %d: amount %s has exponent %d, stored %d", w.ID, got.Amount, got.Amount.Exponent(), w.Amount.Exponent())
				}
				if net.ID != got.NetworkID || net.Name == "" {
					return fmt.Errorf("entry id %d came with network %+v", w.ID, net)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if i != len(want) {
				t.Fatalf("got %d entries, want %d", i, len(want))
			}
		})
	}

	t.Run("caller stops", func(t *testing.T) {
		before := runtime.NumGoroutine()
		stop := errors.New("stop")
		for range 20 {
			calls := 0
			err := st.EachEntry(ctx, u.ID, 0, portfolio.NewDate(9999, 12, 31), func(portfolio.Entry, portfolio.Network) error {
				calls++
				if calls == exportBatch+3 {
					return stop
				}
				return nil
			})
			if !errors.Is(err, stop) || calls != exportBatch+3 {
				t.Fatalf("EachEntry = %v after %d calls, want the caller's error after %d", err, calls, exportBatch+3)
			}
		}
		cctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := st.EachEntry(cctx, u.ID, 0, portfolio.NewDate(9999, 12, 31), func(portfolio.Entry, portfolio.Network) error {
			if calls++; calls == 10 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || calls >= n {
			t.Fatalf("cancelled EachEntry = %v after %d of %d entries", err, calls, n)
		}
		// Nothing is left reading, and the connections went back: a write and a full read work.
		waitFor(t, func() bool { return runtime.NumGoroutine() <= before })
		if _, err := st.CreateEntries(ctx, u.ID, []portfolio.Entry{{NetworkID: eur.ID, Date: t0, Kind: portfolio.Fee, Amount: decimal.NewFromInt(1), Currency: "EUR"}}); err != nil {
			t.Fatal(err)
		}
		count := 0
		if err := st.EachEntry(ctx, u.ID, 0, portfolio.NewDate(9999, 12, 31), func(portfolio.Entry, portfolio.Network) error { count++; return nil }); err != nil || count != n+1 {
			t.Fatalf("EachEntry after the stops = %v, %d entries; want %d", err, count, n+1)
		}
	})
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
