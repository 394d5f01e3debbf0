package store

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

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
		assertDaysAreTheEntries(t, st)
		// A second batch onto the same days adds to their sums: days that had a balance get
		// none, or a later one; days without get their first.
		again := make([]portfolio.Entry, 0, len(kept))
		for i, e := range kept {
			switch {
			case e.ExternalID != "" || e.Kind == portfolio.Balance && i%2 == 0:
				continue
			case e.Kind == portfolio.Payout && i%3 == 0:
				e.Kind, e.IncomeClass = portfolio.Balance, ""
			}
			again = append(again, e)
		}
		if _, err := st.CreateEntries(ctx, u.ID, again); err != nil {
			t.Fatal(err)
		}
		assertDaysAreTheEntries(t, st)
		// Change the data every way the store can: edits that move entries between days and
		// networks, deletions, log lines upserted, an import, commitment bookings, a network
		// deleted with its entries. The daily sums must follow every one.
		var created []portfolio.Entry
		if err := st.r.Where("user_id = ?", u.ID).Order("id").Find(&created).Error; err != nil {
			t.Fatal(err)
		}
		for i, e := range created {
			switch i % 9 {
			case 0:
				if _, err := st.UpdateEntry(ctx, u.ID, e.ID, func(x *portfolio.Entry) error {
					x.Date += portfolio.Date(rng.IntN(40)) - 20
					x.NetworkID = networks[rng.IntN(len(networks))].ID
					x.BaseGiven = false
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			case 1:
				if err := st.DeleteEntry(ctx, u.ID, e.ID); err != nil {
					t.Fatal(err)
				}
			case 2:
				if e.Kind != portfolio.Balance {
					if _, err := st.UpdateEntry(ctx, u.ID, e.ID, func(x *portfolio.Entry) error {
						x.Kind, x.IncomeClass, x.Amount, x.BaseGiven = portfolio.Payout, portfolio.ClassPassive, x.Amount.Add(decimal.NewFromInt(3)), false
						if x.ExternalID != "" {
							x.ExternalID = ""
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		n0 := networks[0]
		for m := 0; m < 3; m++ {
			month := (t0 + portfolio.Date(rng.IntN(700))).Month()
			for j := 0; j < 2; j++ {
				e := portfolio.Entry{NetworkID: n0.ID, Date: month + 9, Kind: portfolio.Payout, Amount: decimal.New(int64(rng.IntN(5000)), -2),
					ExternalID: portfolio.MonthlyLogID(n0.ID, month)}
				if _, _, err := st.UpsertByExternalID(ctx, u.ID, e); err != nil {
					t.Fatal(err)
				}
			}
		}
		imported := []ImportItem{
			{Line: 2, Network: n0.Name, Entry: portfolio.Entry{Date: t0 + 5, Kind: portfolio.Payout, Amount: decimal.NewFromInt(17), ImportHash: "h1"}},
			{Line: 3, Network: "Imported", NetworkKind: portfolio.Revshare, Entry: portfolio.Entry{Date: t0 + 6, Kind: portfolio.Investment, Amount: decimal.NewFromInt(900), ImportHash: "h2"}},
		}
		next := 0
		if _, err := st.Import(ctx, u.ID, func() (ImportItem, *ImportError, error) {
			if next == len(imported) {
				return ImportItem{}, nil, io.EOF
			}
			next++
			return imported[next-1], nil, nil
		}, ImportOptions{CreateNetworks: true}); err != nil {
			t.Fatal(err)
		}
		commitment := decimal.NewFromInt(50)
		shop, err := st.CreateNetwork(ctx, u.ID, portfolio.Network{Name: "Shop", Kind: portfolio.Product, Status: portfolio.StatusActive, Currency: "EUR",
			JoinedOn: t0, CommitmentAmount: &commitment, CommitmentDay: 3})
		if err != nil {
			t.Fatal(err)
		}
		due := []portfolio.Entry{{NetworkID: shop.ID, Date: t0 + 2, Kind: portfolio.Purchase, Amount: commitment, Currency: "EUR", ExternalID: "commitment:x:1"},
			{NetworkID: shop.ID, Date: t0 + 33, Kind: portfolio.Purchase, Amount: commitment, Currency: "EUR", ExternalID: "commitment:x:2"}}
		if _, err := st.BookCommitments(ctx, u.ID, shop.ID, due); err != nil {
			t.Fatal(err)
		}
		if len(networks) > 1 {
			if err := st.DeleteNetwork(ctx, u.ID, networks[len(networks)-1].ID, true); err != nil {
				t.Fatal(err)
			}
			networks = networks[:len(networks)-1]
		}
		networks, err = st.Networks(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}

		assertDaysAreTheEntries(t, st)

		var all []portfolio.Entry
		if err := st.r.Where("user_id = ?", u.ID).Find(&all).Error; err != nil {
			t.Fatal(err)
		}
		gotNets, sums, _, err := st.FigureInputs(ctx, u.ID)
		if len(gotNets) != len(networks) {
			t.Fatalf("%d networks, want %d", len(gotNets), len(networks))
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) >= len(all) && len(all) > 50 {
			t.Errorf("the daily sums (%d rows) are no fewer than the entries (%d)", len(sums), len(all))
		}
		for day := t0 - 10; day < t0+900; day += portfolio.Date(1 + rng.IntN(60)) {
			want, _ := json.Marshal(portfolio.NewReport(portfolio.Compute(gotNets, all, day, portfolio.DefaultSettings()), "EUR", time.Time{}))
			got, _ := json.Marshal(portfolio.NewReport(portfolio.Compute(gotNets, sums, day, portfolio.DefaultSettings()), "EUR", time.Time{}))
			if string(got) != string(want) {
				t.Fatalf("user %d on %s: from the daily sums\n%s\nfrom the entries\n%s", u.ID, day, got, want)
			}
		}
	}
}

// assertDaysAreTheEntries checks that the daily sums the writes kept equal the daily sums
// summed afresh from the entries.
func assertDaysAreTheEntries(t *testing.T, st *Store) {
	t.Helper()
	type dayRow struct {
		UserID, NetworkID                                                   int64
		Date                                                                string
		Investment, OtherOutlay, PayoutActive, PayoutPassive, PayoutCapital int64
		LastID                                                              int64
		BalanceID                                                           *int64
	}
	read := func(tx *gorm.DB) []dayRow {
		var rows []dayRow
		if err := tx.Table("entry_days").Order("network_id, date").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		return rows
	}
	kept := read(st.w)
	var afresh []dayRow
	err := st.w.Transaction(func(tx *gorm.DB) error {
		if err := rebuildDays(tx); err != nil {
			return err
		}
		afresh = read(tx)
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if len(kept) != len(afresh) {
		t.Fatalf("entry_days has %d rows; summed afresh, %d", len(kept), len(afresh))
	}
	for i := range kept {
		k, a := kept[i], afresh[i]
		if k.BalanceID == nil && a.BalanceID == nil || k.BalanceID != nil && a.BalanceID != nil && *k.BalanceID == *a.BalanceID {
			k.BalanceID, a.BalanceID = nil, nil
		}
		if k != a {
			t.Fatalf("entry_days row %d is %+v; summed afresh, %+v", i, kept[i], afresh[i])
		}
	}
}
