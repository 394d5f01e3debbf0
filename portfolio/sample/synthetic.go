package sample

import (
	"fmt"
	"math/rand/v2"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

// Synthetic describes a deterministic synthetic portfolio for benchmarks: a realistic mix of
// income and product networks, a few collapsed, in EUR, USD and ETH, with daily payouts over
// five years up to Today.
type Synthetic struct {
	Seed     uint64
	Networks int
	Entries  int
	Today    portfolio.Date
}

// Span is the first day of the synthetic history.
func (s Synthetic) Span() portfolio.Date { return s.Today.AddMonths(-60) }

// MakeNetworks returns the portfolio's networks: two in three are income networks, one in five
// has collapsed, product networks have a monthly commitment.
func (s Synthetic) MakeNetworks() []portfolio.Network {
	rng := rand.New(rand.NewPCG(s.Seed, 1))
	currencies := []string{"EUR", "EUR", "EUR", "USD", "ETH"}
	out := make([]portfolio.Network, s.Networks)
	for i := range out {
		n := portfolio.Network{Name: fmt.Sprintf("Network %02d", i+1), Kind: portfolio.Revshare, Status: portfolio.StatusActive,
			Currency: currencies[rng.IntN(len(currencies))], JoinedOn: s.Span() + portfolio.Date(rng.IntN(200))}
		if i%3 == 2 {
			n.Kind, n.Currency = portfolio.Product, "EUR"
			c := decimal.NewFromInt(int64(40 + rng.IntN(80)))
			n.CommitmentAmount, n.CommitmentDay = &c, 1+rng.IntN(28)
		}
		if i%5 == 4 {
			closed := s.Today - portfolio.Date(30+rng.IntN(600))
			n.Status, n.ClosedOn = portfolio.StatusCollapsed, &closed
		}
		out[i] = n
	}
	return out
}

// EachEntry calls fn with the entries of the networks (as created, with ids) in chunks of up
// to chunk entries, oldest first per network, so a million entries never sit in memory at once.
func (s Synthetic) EachEntry(networks []portfolio.Network, chunk int, fn func([]portfolio.Entry) error) error {
	rng := rand.New(rand.NewPCG(s.Seed, 2))
	buf := make([]portfolio.Entry, 0, chunk)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		err := fn(buf)
		buf = buf[:0]
		return err
	}
	per := s.Entries / max(len(networks), 1)
	for i, n := range networks {
		count := per
		if i == len(networks)-1 {
			count = s.Entries - per*(len(networks)-1)
		}
		end := s.Today
		if n.ClosedOn != nil {
			end = *n.ClosedOn + 20 // a late payout after the collapse happens
		}
		span := int(end - n.JoinedOn)
		scale := 1.0
		if n.Currency == "ETH" {
			scale = 0.0004
		}
		amount := func(lo, hi float64) decimal.Decimal {
			return decimal.NewFromFloat((lo + rng.Float64()*(hi-lo)) * scale).Round(8)
		}
		for k := 0; k < count; k++ {
			e := portfolio.Entry{NetworkID: n.ID, Date: n.JoinedOn + portfolio.Date(k*span/max(count, 1)), Currency: n.Currency}
			switch {
			case k == 0:
				e.Kind, e.Amount = portfolio.Investment, amount(1000, 5000)
			case k%97 == 0 && n.Kind == portfolio.Revshare:
				e.Kind, e.Amount = portfolio.Investment, amount(100, 1000)
			case k%31 == 0 && n.Kind == portfolio.Product:
				e.Kind, e.Amount = portfolio.Purchase, amount(40, 120)
			case k%29 == 0:
				e.Kind, e.Amount = portfolio.Fee, amount(1, 10)
			case k%13 == 0:
				e.Kind, e.Amount = portfolio.Balance, amount(100, 2000)
			case k%53 == 0:
				e.Kind, e.Amount = portfolio.Reinvest, amount(10, 50)
			default:
				e.Kind, e.Amount = portfolio.Payout, amount(0.5, 12)
				e.IncomeClass = []portfolio.IncomeClass{portfolio.ClassActive, portfolio.ClassPassive, portfolio.ClassCapital}[rng.IntN(3)]
				if n.Kind == portfolio.Revshare {
					e.IncomeClass = portfolio.ClassCapital
				}
			}
			if e.Amount.IsZero() && e.Kind != portfolio.Balance {
				e.Amount = decimal.New(1, -2)
			}
			buf = append(buf, e)
			if len(buf) == chunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
