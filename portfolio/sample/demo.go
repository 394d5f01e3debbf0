// Package sample makes portfolios that are not a user's own: the demo user's realistic
// multi-year portfolio, and synthetic data for tests and benchmarks. The generators are pure
// functions of their arguments, so a demo made twice is the same demo; EnsureDemo writes one
// through the store.
package sample

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

// DemoUser and DemoPassword sign in to the demo portfolio.
const (
	DemoUser     = "demo"
	DemoPassword = "netfolio-demo"
)

// DemoNetworks returns the demo portfolio's networks, three years of history up to today:
// six income networks (three paid back, one collapsed, one still paying back, one paused) and
// two product networks with a monthly commitment.
func DemoNetworks(today portfolio.Date) []portfolio.Network {
	start := today.AddMonths(-36).Month()
	closed := today.AddMonths(-14)
	dec := func(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
	return []portfolio.Network{
		{Name: "AdPack Pro", Kind: portfolio.Revshare, Status: portfolio.StatusActive, Currency: "EUR", JoinedOn: start + 3, Sponsor: "Maria K.", Notes: "Ad packs of 50 EUR, 120 % over 12 months."},
		{Name: "CryptoYield", Kind: portfolio.Revshare, Status: portfolio.StatusActive, Currency: "USD", JoinedOn: start.AddMonths(2) + 9, Sponsor: "Tom B."},
		{Name: "EtherStake Club", Kind: portfolio.Revshare, Status: portfolio.StatusActive, Currency: "ETH", JoinedOn: start.AddMonths(4) + 1},
		{Name: "Nova Share", Kind: portfolio.Revshare, Status: portfolio.StatusCollapsed, Currency: "EUR", JoinedOn: start.AddMonths(9) + 14, ClosedOn: &closed, Notes: "Withdrawals stopped; the site went offline."},
		{Name: "GoldRev Partners", Kind: portfolio.Revshare, Status: portfolio.StatusActive, Currency: "EUR", JoinedOn: today.AddMonths(-8).Month() + 6, Sponsor: "Maria K."},
		{Name: "SolarShare", Kind: portfolio.Revshare, Status: portfolio.StatusPaused, Currency: "EUR", JoinedOn: start.AddMonths(14) + 20, Notes: "Paused new deposits after the fee change."},
		{Name: "VitaLife", Kind: portfolio.Product, Status: portfolio.StatusActive, Currency: "EUR", JoinedOn: start.AddMonths(1) + 4, Sponsor: "Anna S.", CommitmentAmount: dec("89.00"), CommitmentDay: 5},
		{Name: "PureSkin", Kind: portfolio.Product, Status: portfolio.StatusActive, Currency: "EUR", JoinedOn: start.AddMonths(12) + 10, CommitmentAmount: dec("59.90"), CommitmentDay: 15},
	}
}

// DemoEntries returns the demo portfolio's entries for networks as created (with ids), up to
// today. The monthly commitment purchases carry the external ids the commitments job uses, so
// the job does not book them twice.
func DemoEntries(networks []portfolio.Network, today portfolio.Date) []portfolio.Entry {
	rng := rand.New(rand.NewPCG(7, 11))
	var out []portfolio.Entry
	add := func(n portfolio.Network, day portfolio.Date, kind portfolio.EntryKind, amount string, note string) *portfolio.Entry {
		if day > today {
			return nil
		}
		out = append(out, portfolio.Entry{NetworkID: n.ID, Date: day, Kind: kind, Amount: decimal.RequireFromString(amount), Currency: n.Currency, Note: note})
		return &out[len(out)-1]
	}
	money := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	monthly := func(n portfolio.Network, from, until portfolio.Date, dayOfMonth int, fn func(i int, day portfolio.Date)) {
		for i, m := 0, from.Month(); ; i++ {
			day := m.AddMonths(i) + portfolio.Date(dayOfMonth-1)
			if day < from {
				continue
			}
			if day > until || day > today {
				return
			}
			fn(i, day)
		}
	}
	for _, n := range networks {
		switch n.Name {
		case "AdPack Pro":
			add(n, n.JoinedOn, portfolio.Investment, "1000.00", "20 ad packs")
			add(n, n.JoinedOn, portfolio.Fee, "25.00", "membership")
			monthly(n, n.JoinedOn+20, today, 28, func(i int, day portfolio.Date) {
				add(n, day, portfolio.Payout, money(95+rng.Float64()*30), "")
				if i%6 == 5 {
					add(n, day, portfolio.Fee, "2.50", "withdrawal fee")
				}
			})
			add(n, today-3, portfolio.Balance, "184.20", "back office")
		case "CryptoYield":
			add(n, n.JoinedOn, portfolio.Investment, "1500.00", "starter package")
			add(n, n.JoinedOn.AddMonths(10), portfolio.Investment, "500.00", "top-up")
			monthly(n, n.JoinedOn+25, today, 10, func(i int, day portfolio.Date) {
				add(n, day, portfolio.Payout, money(105+rng.Float64()*40), "")
				if i%4 == 3 {
					add(n, day, portfolio.Reinvest, "50.00", "compounded")
				}
			})
			add(n, today-1, portfolio.Balance, "612.75", "dashboard balance")
		case "EtherStake Club":
			add(n, n.JoinedOn, portfolio.Investment, "0.8", "staking pool")
			monthly(n, n.JoinedOn+30, today, 1, func(i int, day portfolio.Date) {
				add(n, day, portfolio.Payout, fmt.Sprintf("%.4f", 0.045+rng.Float64()*0.02), "")
			})
			add(n, today-2, portfolio.Balance, "0.21", "")
		case "Nova Share":
			add(n, n.JoinedOn, portfolio.Investment, "2000.00", "Gold package")
			add(n, n.JoinedOn, portfolio.Fee, "49.00", "activation")
			monthly(n, n.JoinedOn+30, *n.ClosedOn-20, 18, func(i int, day portfolio.Date) {
				add(n, day, portfolio.Payout, money(140+rng.Float64()*20), "")
			})
			add(n, *n.ClosedOn+40, portfolio.Payout, "35.00", "partial refund from the liquidator")
		case "GoldRev Partners":
			add(n, n.JoinedOn, portfolio.Investment, "1200.00", "")
			monthly(n, n.JoinedOn+25, today, 3, func(i int, day portfolio.Date) {
				add(n, day, portfolio.Payout, money(85+rng.Float64()*15), "")
			})
			add(n, today-5, portfolio.Balance, "96.40", "")
		case "SolarShare":
			add(n, n.JoinedOn, portfolio.Investment, "800.00", "")
			monthly(n, n.JoinedOn+30, today, 12, func(i int, day portfolio.Date) {
				add(n, day, portfolio.Payout, money(18+rng.Float64()*6), "")
			})
		case "VitaLife", "PureSkin":
			add(n, n.JoinedOn, portfolio.Fee, "49.00", "starter kit")
			monthly(n, n.JoinedOn, today, n.CommitmentDay, func(i int, day portfolio.Date) {
				if e := add(n, day, portfolio.Purchase, portfolio.FormatExact(*n.CommitmentAmount), "autoship"); e != nil {
					e.ExternalID = fmt.Sprintf("commitment:%d:%s", n.ID, day.MonthKey())
				}
			})
			monthly(n, n.JoinedOn+40, today, 20, func(i int, day portfolio.Date) {
				growth := math.Min(float64(i)*4, 90)
				if e := add(n, day, portfolio.Payout, money(25+growth*0.6+rng.Float64()*20), "own sales"); e != nil {
					e.IncomeClass = portfolio.ClassActive
				}
				if e := add(n, day, portfolio.Payout, money(5+growth*0.5+rng.Float64()*15), "team bonus"); e != nil {
					e.IncomeClass = portfolio.ClassPassive
				}
			})
		}
	}
	return out
}

// DemoRates returns daily reference rates for USD and ETH from first to last: plausible,
// smoothly moving values, so that the demo's foreign-currency entries convert.
func DemoRates(first, last portfolio.Date) []portfolio.Rate {
	var out []portfolio.Rate
	for d := first; d <= last; d++ {
		t := float64(d - first)
		usd := 1.09 + 0.03*math.Sin(t/97)
		eth := 1 / (2100 + 700*math.Sin(t/151) + 300*math.Sin(t/37))
		out = append(out,
			portfolio.Rate{Date: d, Currency: "USD", UnitsPerEUR: decimal.NewFromFloat(usd).Round(4)},
			portfolio.Rate{Date: d, Currency: "ETH", UnitsPerEUR: decimal.NewFromFloat(eth).Round(8)},
		)
	}
	return out
}
