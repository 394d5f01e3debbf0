package store

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store/storetest"
)

// The figures computed from the daily sums the store hands over equal the figures computed
// from every entry, on random portfolios and on many days.
func TestFigureInputsGiveTheSameFigures(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, storetest.DSN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	kinds := []portfolio.EntryKind{portfolio.Investment, portfolio.Purchase, portfolio.Fee, portfolio.Payout, portfolio.Payout, portfolio.Payout, portfolio.Reinvest, portfolio.Balance}
	classes := []portfolio.IncomeClass{"", portfolio.ClassActive, portfolio.ClassPassive, portfolio.ClassCapital}
	t0 := portfolio.NewDate(2024, 1, 1)
	for round := 0; round < 6; round++ {
		u, err := st.CreateUser(ctx, NewUser{Username: "u" + string(rune('a'+round)), Password: "a long password"})
		if err != nil {
			t.Fatal(err)
		}
		var networks []portfolio.Network
		for i := 0; i < 1+rng.IntN(5); i++ {
			n := portfolio.Network{Name: "n" + string(rune('a'+i)), Kind: portfolio.Revshare, Status: portfolio.StatusActive, Currency: "EUR", JoinedOn: t0}
			if i%2 == 1 {
				n.Kind = portfolio.Product
			}
			if rng.IntN(3) == 0 {
				closed := t0 + portfolio.Date(rng.IntN(700))
				n.Status, n.ClosedOn = portfolio.StatusCollapsed, &closed
			}
			if n, err = st.CreateNetwork(ctx, u.ID, n); err != nil {
				t.Fatal(err)
			}
			networks = append(networks, n)
		}
		var batch []portfolio.Entry
		for i := 0; i < 300; i++ {
			n := networks[rng.IntN(len(networks))]
			e := portfolio.Entry{NetworkID: n.ID, Date: t0 + portfolio.Date(rng.IntN(800)), Kind: kinds[rng.IntN(len(kinds))],
				Amount: decimal.New(int64(1+rng.IntN(200000)), -2)}
			if e.Kind == portfolio.Payout {
				e.IncomeClass = classes[rng.IntN(len(classes))]
				if rng.IntN(10) == 0 { // a monthly "no payout" line
					e.Amount, e.ExternalID = decimal.Zero, portfolio.MonthlyLogID(n.ID, e.Date.Month())
				}
			}
			if e.Kind == portfolio.Balance && rng.IntN(5) == 0 {
				e.Amount = decimal.Zero
			}
			batch = append(batch, e)
		}
		// Monthly lines must be unique per network and month.
		seen := map[string]bool{}
		kept := batch[:0]
		for _, e := range batch {
			if e.ExternalID != "" && seen[e.ExternalID] {
				continue
			}
			seen[e.ExternalID] = true
			kept = append(kept, e)
		}
		if _, err := st.CreateEntries(ctx, u.ID, kept); err != nil {
			t.Fatal(err)
		}
		var all []portfolio.Entry
		if err := st.r.Where("user_id = ?", u.ID).Find(&all).Error; err != nil {
			t.Fatal(err)
		}
		gotNets, sums, _, err := st.FigureInputs(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) >= len(all) && len(all) > 50 {
			t.Errorf("the daily sums (%d rows) are no fewer than the entries (%d)", len(sums), len(all))
		}
		for day := t0 - 10; day < t0+900; day += portfolio.Date(1 + rng.IntN(60)) {
			want, _ := json.Marshal(portfolio.NewReport(portfolio.Compute(networks, all, day, portfolio.DefaultSettings()), "EUR", time.Time{}))
			got, _ := json.Marshal(portfolio.NewReport(portfolio.Compute(gotNets, sums, day, portfolio.DefaultSettings()), "EUR", time.Time{}))
			if string(got) != string(want) {
				t.Fatalf("user %d on %s: from the daily sums\n%s\nfrom the entries\n%s", u.ID, day, got, want)
			}
		}
	}
}
