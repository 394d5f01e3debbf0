package portfolio_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/sample"
)

// The figures' targets (make bench): a million entries in 20 networks, read from the
// database, in under a second (aim: 250 ms). The database hands Compute daily sums per network
// (store.FigureInputs), so both inputs are measured: the raw entries, and those daily rows.

const (
	benchEntries  = 1_000_000
	benchNetworks = 20
)

// benchToday is fixed so that every run computes the same portfolio.
var benchToday = portfolio.NewDate(2026, time.March, 15)

type benchPortfolio struct {
	networks []portfolio.Network
	entries  []portfolio.Entry // every entry, with ids and base amounts, as stored
	daily    []portfolio.Entry // what store.FigureInputs hands Compute
}

// benchData builds the synthetic portfolio once per test binary: it takes a few seconds and
// a few hundred MB, and is shared by every benchmark below.
var benchData = sync.OnceValues(func() (*benchPortfolio, error) {
	syn := sample.Synthetic{Seed: 1, Networks: benchNetworks, Entries: benchEntries, Today: benchToday}
	networks := syn.MakeNetworks()
	for i := range networks {
		networks[i].ID = int64(i + 1)
		networks[i].UserID = 1
	}
	// Base amounts as the store converts them: at the day's rate (DemoRates has one a day).
	first := syn.Span() - portfolio.MaxRateAge
	rates := map[string][]decimal.Decimal{}
	for _, r := range sample.DemoRates(first, syn.Today) {
		rates[r.Currency] = append(rates[r.Currency], r.UnitsPerEUR)
	}
	one := decimal.NewFromInt(1)
	p := &benchPortfolio{networks: networks, entries: make([]portfolio.Entry, 0, benchEntries)}
	err := syn.EachEntry(networks, 10000, func(chunk []portfolio.Entry) error {
		for _, e := range chunk {
			e.ID, e.UserID = int64(len(p.entries)+1), 1
			base := e.Amount
			if e.Currency != "EUR" {
				byDay := rates[e.Currency]
				i := int(e.Date - first)
				if i < 0 || i >= len(byDay) {
					return fmt.Errorf("no %s rate on %s", e.Currency, e.Date)
				}
				base = portfolio.Convert(e.Amount, one, byDay[i])
				e.UnitsPerEUR = byDay[i].String()
			}
			if err := e.SetBase(base, false); err != nil {
				return err
			}
			p.entries = append(p.entries, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.daily = dailyRows(p.entries)
	return p, nil
})

// dailyRows sums entries the way store.FigureInputs does: per network and day, the sums of
// investments, of purchases and fees (as purchases), and of payouts per income class, each
// with the day's largest id and left out when 0; and each day's last balance. Reinvestments
// move no cash and are left out.
func dailyRows(entries []portfolio.Entry) []portfolio.Entry {
	type day struct {
		network int64
		date    portfolio.Date
	}
	type sums struct {
		units   [5]int64 // investment, purchase and fee, payout active, passive, capital
		id      int64
		balance *portfolio.Entry
	}
	kinds := [5]struct {
		kind  portfolio.EntryKind
		class portfolio.IncomeClass
	}{{portfolio.Investment, ""}, {portfolio.Purchase, ""}, {portfolio.Payout, portfolio.ClassActive},
		{portfolio.Payout, portfolio.ClassPassive}, {portfolio.Payout, portfolio.ClassCapital}}
	days := map[day]*sums{}
	var order []day
	for i := range entries {
		e := &entries[i]
		k := day{e.NetworkID, e.Date}
		d, ok := days[k]
		if !ok {
			d = &sums{}
			days[k] = d
			order = append(order, k)
		}
		switch e.Kind {
		case portfolio.Balance:
			if d.balance == nil || e.ID > d.balance.ID {
				d.balance = e
			}
			continue
		case portfolio.Investment:
			d.units[0] += e.BaseUnits
		case portfolio.Purchase, portfolio.Fee:
			d.units[1] += e.BaseUnits
		case portfolio.Payout:
			switch e.IncomeClass {
			case portfolio.ClassActive:
				d.units[2] += e.BaseUnits
			case portfolio.ClassPassive:
				d.units[3] += e.BaseUnits
			default:
				d.units[4] += e.BaseUnits
			}
		default:
			continue
		}
		d.id = max(d.id, e.ID)
	}
	var out []portfolio.Entry
	for _, k := range order {
		d := days[k]
		for i, kc := range kinds {
			if d.units[i] != 0 {
				out = append(out, portfolio.Entry{ID: d.id, NetworkID: k.network, Date: k.date, Kind: kc.kind, IncomeClass: kc.class, BaseUnits: d.units[i]})
			}
		}
		if b := d.balance; b != nil {
			out = append(out, portfolio.Entry{ID: b.ID, NetworkID: b.NetworkID, Date: b.Date, Kind: portfolio.Balance, BaseUnits: b.BaseUnits})
		}
	}
	slices.SortFunc(out, func(a, b portfolio.Entry) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func loadBenchData(b *testing.B) *benchPortfolio {
	b.Helper()
	p, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkCompute: the figures of a 1,000,000-entry, 20-network portfolio on one day, from
// the raw entries and from the daily rows the store hands over. entries/s counts the
// portfolio's entries (a million either way), so the two variants compare directly.
func BenchmarkCompute(b *testing.B) {
	p := loadBenchData(b)
	settings := portfolio.DefaultSettings()
	// The daily rows must give the figures the entries give, or the variant measures nothing.
	raw, err := json.Marshal(portfolio.Compute(p.networks, p.entries, benchToday, settings))
	if err != nil {
		b.Fatal(err)
	}
	daily, _ := json.Marshal(portfolio.Compute(p.networks, p.daily, benchToday, settings))
	if !bytes.Equal(raw, daily) {
		b.Fatalf("the daily rows give other figures than the entries:\n%s\n%s", raw, daily)
	}
	for _, in := range []struct {
		name string
		rows []portfolio.Entry
	}{
		{fmt.Sprintf("entries=%d", len(p.entries)), p.entries},
		{fmt.Sprintf("daily-rows=%d", len(p.daily)), p.daily},
	} {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			var f portfolio.Figures
			for b.Loop() {
				f = portfolio.Compute(p.networks, in.rows, benchToday, settings)
			}
			if len(f.Networks) != benchNetworks || !f.Totals.Outlay.IsPositive() {
				b.Fatalf("implausible figures: %d networks, outlay %s", len(f.Networks), f.Totals.Outlay)
			}
			b.ReportMetric(float64(len(p.entries))*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkMonthEnds: the month-end history the snapshot job stores next to the figures,
// from the daily rows.
func BenchmarkMonthEnds(b *testing.B) {
	p := loadBenchData(b)
	first := p.daily[0].Date
	for _, e := range p.daily {
		first = min(first, e.Date)
	}
	b.ReportAllocs()
	var points []portfolio.HistoryPoint
	for b.Loop() {
		points = portfolio.MonthEnds(p.networks, p.daily, first, benchToday)
	}
	if len(points) == 0 {
		b.Fatal("no history")
	}
	b.ReportMetric(float64(len(p.entries))*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
