package portfolio

// An independent reference model of DESIGN.md's "Figures" section, compared with Compute on
// random portfolios (TestComputeMatchesReferenceModel), and properties of Compute checked
// under go test -fuzz (FuzzComputeProperties).
//
// The model was written from DESIGN.md alone (reading only domain.go and date.go for the
// input types); figures.go was read afterwards for the output field names only. Where
// DESIGN.md is silent the model states its reading next to the code (projected_on past year
// 9999 is null; a closed network's share may be 0 or null).

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// ---------------------------------------------------------------------------------------------
// Reference model of DESIGN.md "Figures", written from the spec alone. Slow and literal: every
// money value and ratio is a big.Rat; cumulative figures walk the calendar day by day.
// ---------------------------------------------------------------------------------------------

// refNetwork is the model's view of one network's figures on t.
type refNetwork struct {
	ID                      int64
	Kind                    NetworkKind
	Outlay, Returned, Net   *big.Rat
	Recovery                *big.Rat // nil when outlay = 0
	Open                    bool
	CapitalAtRisk, Balance  *big.Rat
	Exposure, Loss          *big.Rat
	Reached                 bool
	ReachedOn               *Date
	WindowSum, RunRate      *big.Rat // payouts − purchases − fees in the last 3 complete months; ÷ 3
	ProjectedOn             *Date
	ProjectedMonths         *big.Int          // the ceil(...) months, when projected_on is defined
	Share                   *big.Rat          // nil when Σ exposure = 0 or the network is closed
	Flows, FlowsWithBalance map[Date]*big.Rat // cash flows summed per day, for the XIRR checks
}

// refCase is one row of the collapse stress test.
type refCase struct {
	K         int
	Collapsed []int64
	Worst     *big.Rat
}

// refFigures is the model's whole-portfolio answer.
type refFigures struct {
	T        Date
	Horizon  int
	Networks []refNetwork

	Outlay, Returned, Net, CapitalAtRisk, Balance, Exposure, Loss *big.Rat

	BreakEvenReached, BreakEvenTotal int

	HHI, Effective, Top *big.Rat                 // nil when Σ exposure = 0
	ByKind              map[NetworkKind]*big.Rat // nil when Σ exposure = 0

	Stress      []refCase
	Survivable  int
	IncomeMix   map[IncomeClass]*big.Rat // nil when no payouts in the last 12 complete months
	AllFlows    map[Date]*big.Rat
	AllFlowsBal map[Date]*big.Rat
}

func ratUnits(u int64) *big.Rat { return new(big.Rat).SetFrac(big.NewInt(u), big.NewInt(100000000)) }
func ratZero() *big.Rat         { return new(big.Rat) }
func ratAdd(a, b *big.Rat) *big.Rat {
	return new(big.Rat).Add(a, b)
}
func ratSub(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }
func ratMul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
func ratQuo(a, b *big.Rat) *big.Rat { return new(big.Rat).Quo(a, b) }
func ratNeg(a *big.Rat) *big.Rat    { return new(big.Rat).Neg(a) }
func ratInt(n int64) *big.Rat       { return new(big.Rat).SetInt64(n) }
func ratMax0(a *big.Rat) *big.Rat {
	if a.Sign() < 0 {
		return ratZero()
	}
	return new(big.Rat).Set(a)
}

// refCeil returns ⌈a⌉ for a rational a.
func refCeil(a *big.Rat) *big.Int {
	q, m := new(big.Int).DivMod(a.Num(), a.Denom(), new(big.Int)) // Euclidean: floor for Denom > 0
	if m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// refIsOpen is DESIGN.md's rule, written out: open unless exited/collapsed with closed_on ≤ t.
func refIsOpen(n Network, t Date) bool {
	closing := n.Status == StatusExited || n.Status == StatusCollapsed
	return !(closing && n.ClosedOn != nil && *n.ClosedOn <= t)
}

// refFirstOfMonth returns the first day of d's month, computed from the calendar directly.
func refFirstOfMonth(d Date) Date {
	y, m, _ := d.Time().Date()
	return DateFromTime(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC))
}

// refAddMonths adds n months keeping the day of month, clamped to the target month's last day
// (DESIGN.md: 2026-01-31 + 1 month = 2026-02-28). Independent of Date.AddMonths on purpose.
func refAddMonths(d Date, n int) Date {
	y, m, day := d.Time().Date()
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0) // 1st never overflows
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return DateFromTime(time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC))
}

func refSignedFlow(e Entry) *big.Rat {
	switch e.Kind {
	case Investment, Purchase, Fee:
		return ratNeg(ratUnits(e.BaseUnits))
	case Payout:
		return ratUnits(e.BaseUnits)
	}
	return nil
}

func refNetFlows(flows map[Date]*big.Rat) (in, out bool) {
	for _, v := range flows {
		switch v.Sign() {
		case 1:
			in = true
		case -1:
			out = true
		}
	}
	return
}

// refCompute is the reference model.
func refCompute(networks []Network, entries []Entry, t Date, horizon int) *refFigures {
	f := &refFigures{T: t, Horizon: horizon, AllFlows: map[Date]*big.Rat{}, AllFlowsBal: map[Date]*big.Rat{}}
	month := refFirstOfMonth(t)
	run0, run1 := refAddMonths(month, -3), month // [run0, run1): last 3 complete months
	mix0, mix1 := refAddMonths(month, -12), month

	mixSum := map[IncomeClass]*big.Rat{}
	mixTotal := ratZero()
	anyMixPayout := false

	for _, n := range networks {
		r := refNetwork{ID: n.ID, Kind: n.Kind, Outlay: ratZero(), Returned: ratZero(), WindowSum: ratZero(),
			Flows: map[Date]*big.Rat{}, FlowsWithBalance: map[Date]*big.Rat{}}
		var mine []Entry
		for _, e := range entries {
			if e.NetworkID == n.ID && e.Date <= t {
				mine = append(mine, e)
			}
		}
		var lastBal *Entry
		for i := range mine {
			e := mine[i]
			v := ratUnits(e.BaseUnits)
			switch e.Kind {
			case Investment, Purchase, Fee:
				r.Outlay = ratAdd(r.Outlay, v)
			case Payout:
				r.Returned = ratAdd(r.Returned, v)
			case Balance:
				if lastBal == nil || e.Date > lastBal.Date || (e.Date == lastBal.Date && e.ID > lastBal.ID) {
					lastBal = &mine[i]
				}
			}
			if e.Date >= run0 && e.Date < run1 {
				switch e.Kind {
				case Payout:
					r.WindowSum = ratAdd(r.WindowSum, v)
				case Purchase, Fee:
					r.WindowSum = ratSub(r.WindowSum, v)
				}
			}
			if e.Kind == Payout && e.Date >= mix0 && e.Date < mix1 {
				c := e.IncomeClass
				if c == "" {
					c = DefaultIncomeClass(n.Kind)
				}
				if mixSum[c] == nil {
					mixSum[c] = ratZero()
				}
				mixSum[c] = ratAdd(mixSum[c], v)
				mixTotal = ratAdd(mixTotal, v)
				anyMixPayout = true
			}
			if cf := refSignedFlow(e); cf != nil {
				for _, m := range []map[Date]*big.Rat{r.Flows, f.AllFlows} {
					if m[e.Date] == nil {
						m[e.Date] = ratZero()
					}
					m[e.Date] = ratAdd(m[e.Date], cf)
				}
			}
		}
		r.Net = ratSub(r.Returned, r.Outlay)
		if r.Outlay.Sign() != 0 {
			r.Recovery = ratQuo(r.Returned, r.Outlay)
		}
		r.Open = refIsOpen(n, t)
		if r.Open {
			r.CapitalAtRisk = ratMax0(ratNeg(r.Net))
			r.Balance = ratZero()
			if lastBal != nil {
				r.Balance = ratUnits(lastBal.BaseUnits)
			}
			r.Exposure = ratAdd(r.CapitalAtRisk, r.Balance)
			r.Loss = ratZero()
		} else {
			r.CapitalAtRisk, r.Balance, r.Exposure = ratZero(), ratZero(), ratZero()
			r.Loss = ratMax0(ratNeg(r.Net))
		}
		r.Reached = r.Net.Sign() >= 0
		// reached_on: walk every calendar day from the earliest entry to t, cumulating.
		if len(mine) > 0 {
			first := mine[0].Date
			for _, e := range mine {
				first = min(first, e.Date)
			}
			cumOut, cumNet := ratZero(), ratZero()
			for d := first; d <= t && r.ReachedOn == nil; d++ {
				for _, e := range mine {
					if e.Date != d {
						continue
					}
					switch e.Kind {
					case Investment, Purchase, Fee:
						cumOut = ratAdd(cumOut, ratUnits(e.BaseUnits))
						cumNet = ratSub(cumNet, ratUnits(e.BaseUnits))
					case Payout:
						cumNet = ratAdd(cumNet, ratUnits(e.BaseUnits))
					}
				}
				if cumOut.Sign() > 0 && cumNet.Sign() >= 0 {
					day := d
					r.ReachedOn = &day
				}
			}
		}
		r.RunRate = ratQuo(r.WindowSum, ratInt(3))
		if r.Net.Sign() < 0 && r.Open && r.WindowSum.Sign() > 0 {
			r.ProjectedMonths = refCeil(ratQuo(ratMul(ratInt(3), r.CapitalAtRisk), r.WindowSum))
			// DESIGN.md does not say what to show for a date past year 9999 (dates are 1900–9999
			// elsewhere): the model reads it as null, "not at the current rate" in any calendar.
			if r.ProjectedMonths.Cmp(big.NewInt(12*20000)) <= 0 {
				p := refAddMonths(t, int(r.ProjectedMonths.Int64()))
				if p.Time().Year() <= 9999 {
					r.ProjectedOn = &p
				}
			}
		}
		for d, v := range r.Flows {
			r.FlowsWithBalance[d] = new(big.Rat).Set(v)
		}
		if r.Open && r.Balance.Sign() != 0 { // xirr_with_balance: the balance as an inflow on t
			if r.FlowsWithBalance[t] == nil {
				r.FlowsWithBalance[t] = ratZero()
			}
			r.FlowsWithBalance[t] = ratAdd(r.FlowsWithBalance[t], r.Balance)
		}
		f.Networks = append(f.Networks, r)
	}

	// Totals and break-even count.
	f.Outlay, f.Returned, f.Net = ratZero(), ratZero(), ratZero()
	f.CapitalAtRisk, f.Balance, f.Exposure, f.Loss = ratZero(), ratZero(), ratZero(), ratZero()
	for _, r := range f.Networks {
		f.Outlay = ratAdd(f.Outlay, r.Outlay)
		f.Returned = ratAdd(f.Returned, r.Returned)
		f.Net = ratAdd(f.Net, r.Net)
		f.CapitalAtRisk = ratAdd(f.CapitalAtRisk, r.CapitalAtRisk)
		f.Balance = ratAdd(f.Balance, r.Balance)
		f.Exposure = ratAdd(f.Exposure, r.Exposure)
		f.Loss = ratAdd(f.Loss, r.Loss)
		if r.Outlay.Sign() > 0 {
			f.BreakEvenTotal++
			if r.Reached {
				f.BreakEvenReached++
			}
		}
	}
	for d, v := range f.AllFlows {
		f.AllFlowsBal[d] = new(big.Rat).Set(v)
	}
	for _, r := range f.Networks {
		if r.Open && r.Balance.Sign() != 0 {
			if f.AllFlowsBal[t] == nil {
				f.AllFlowsBal[t] = ratZero()
			}
			f.AllFlowsBal[t] = ratAdd(f.AllFlowsBal[t], r.Balance)
		}
	}

	// Risk spread over the open networks' exposure shares.
	sumExp := ratZero()
	for _, r := range f.Networks {
		if r.Open {
			sumExp = ratAdd(sumExp, r.Exposure)
		}
	}
	if sumExp.Sign() > 0 {
		f.HHI, f.Top, f.ByKind = ratZero(), ratZero(), map[NetworkKind]*big.Rat{}
		for i := range f.Networks {
			r := &f.Networks[i]
			if !r.Open {
				continue
			}
			w := ratQuo(r.Exposure, sumExp)
			r.Share = w
			f.HHI = ratAdd(f.HHI, ratMul(w, w))
			if w.Cmp(f.Top) > 0 {
				f.Top = w
			}
			if f.ByKind[r.Kind] == nil {
				f.ByKind[r.Kind] = ratZero()
			}
			f.ByKind[r.Kind] = ratAdd(f.ByKind[r.Kind], w)
		}
		f.Effective = ratQuo(ratInt(1), f.HHI)
	}

	// Collapse stress test over horizon months.
	var open []refNetwork
	for _, r := range f.Networks {
		if r.Open {
			open = append(open, r)
		}
	}
	// Largest run rate first; equal run rates: smaller id first (insertion sort, by hand).
	for i := 1; i < len(open); i++ {
		for j := i; j > 0; j-- {
			a, b := open[j-1], open[j]
			c := a.RunRate.Cmp(b.RunRate)
			if c < 0 || (c == 0 && a.ID > b.ID) {
				open[j-1], open[j] = b, a
			}
		}
	}
	H := ratInt(int64(horizon))
	f.Survivable = -1
	allOK := true
	for k := 0; k <= len(open); k++ {
		worst := ratZero()
		collapsed := map[int64]bool{}
		ids := []int64{}
		for _, o := range open[:k] {
			collapsed[o.ID] = true
			ids = append(ids, o.ID)
		}
		for _, r := range f.Networks {
			switch {
			case !r.Open || collapsed[r.ID]:
				worst = ratAdd(worst, r.Net)
			default:
				worst = ratAdd(worst, ratAdd(r.Net, ratMul(H, r.RunRate)))
			}
		}
		f.Stress = append(f.Stress, refCase{K: k, Collapsed: ids, Worst: worst})
		if allOK && worst.Sign() >= 0 {
			f.Survivable = k
		} else {
			allOK = false
		}
	}

	// Income mix over the last 12 complete months.
	if anyMixPayout && mixTotal.Sign() > 0 {
		f.IncomeMix = map[IncomeClass]*big.Rat{}
		for _, c := range []IncomeClass{ClassActive, ClassPassive, ClassCapital} {
			s := mixSum[c]
			if s == nil {
				s = ratZero()
			}
			f.IncomeMix[c] = ratQuo(s, mixTotal)
		}
	}
	return f
}

// ---------------------------------------------------------------------------------------------
// Random portfolios. One generator drives both the seeded test and the fuzz target: it draws
// its choices from a refChooser, backed either by math/rand/v2 or by the fuzz input's bytes.
// ---------------------------------------------------------------------------------------------

type refChooser interface {
	IntN(n int) int // in [0, n); n > 0
	Int64N(n int64) int64
}

// refByteChooser draws from a byte string and answers 0 once it is used up, so every input is
// a valid (if small) portfolio.
type refByteChooser struct{ b []byte }

func (c *refByteChooser) next8() uint64 {
	var buf [8]byte
	k := copy(buf[:], c.b)
	c.b = c.b[k:]
	return binary.LittleEndian.Uint64(buf[:])
}

func (c *refByteChooser) IntN(n int) int {
	if n <= 1 {
		return 0
	}
	var v uint64
	switch {
	case n <= 256:
		if len(c.b) > 0 {
			v = uint64(c.b[0])
			c.b = c.b[1:]
		}
	default:
		v = c.next8()
	}
	return int(v % uint64(n))
}

func (c *refByteChooser) Int64N(n int64) int64 {
	if n <= 1 {
		return 0
	}
	return int64(c.next8() % uint64(n))
}

// refPortfolio is one generated input to Compute.
type refPortfolio struct {
	Networks []Network
	Entries  []Entry
	T        Date
	Horizon  int
}

func refDate(y int, m time.Month, d int) Date {
	return DateFromTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// refGenAmount returns a base amount in 10^-8 units: cents, 8-decimal amounts, round sums
// (so that run-rate divisions come out exact), and now and then one near the 9×10^10 limit.
func refGenAmount(c refChooser) int64 {
	switch c.IntN(20) {
	case 0: // huge, just below 9×10^10
		return 9e18 - 1 - c.Int64N(1e17)
	case 1, 2, 3: // round: multiples of 10
		return (1 + c.Int64N(200)) * 10 * 1e8
	case 4, 5, 6, 7, 8: // 8 decimals, 0.01 .. 100000
		return 1e6 + c.Int64N(1e13-1e6+1)
	case 9: // tiny
		return 1 + c.Int64N(1000)
	default: // cents, 0.01 .. 100000
		return (1 + c.Int64N(1e7)) * 1e6
	}
}

func refGenT(c refChooser) Date {
	y := 2024 + c.IntN(4)
	m := time.Month(1 + c.IntN(12))
	switch c.IntN(6) {
	case 0: // last day of a month
		return refDate(y, m+1, 0)
	case 1: // Jan 31 (→ Feb 28/29 after a month)
		return refDate(y, time.January, 31)
	case 2:
		return refDate(y, []time.Month{time.March, time.May, time.August, time.October, time.December}[c.IntN(5)], 31)
	default:
		return refDate(y, m, 1+c.IntN(28))
	}
}

func refGenPortfolio(c refChooser, maxEntries int) refPortfolio {
	p := refPortfolio{T: refGenT(c), Horizon: 12}
	switch c.IntN(8) {
	case 0:
		p.Horizon = []int{0, 1, 3, 6, 24, 36}[c.IntN(6)]
	}
	t := p.T
	nNet := 1 + c.IntN(7)
	ids := []int64{}
	for id := int64(1 + c.IntN(5)); len(ids) < nNet; id += int64(1 + c.IntN(3)) {
		ids = append(ids, id)
	}
	for i := len(ids) - 1; i > 0; i-- { // network order is not id order
		j := c.IntN(i + 1)
		ids[i], ids[j] = ids[j], ids[i]
	}
	nextEntryID := int64(1 + c.IntN(100))
	var all []Entry
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, id := range ids {
		n := Network{ID: id, UserID: 1, Name: fmt.Sprintf("net%d", id), Currency: "EUR"}
		n.Kind = Revshare
		if c.IntN(2) == 1 {
			n.Kind = Product
		}
		n.Status = []NetworkStatus{StatusActive, StatusPaused, StatusExited, StatusCollapsed}[c.IntN(4)]
		n.JoinedOn = t - Date(c.IntN(1100))
		if n.Status.Closing() {
			var d Date
			switch c.IntN(3) {
			case 0:
				d = t - Date(1+c.IntN(400))
			case 1:
				d = t
			default:
				d = t + Date(1+c.IntN(400))
			}
			n.ClosedOn = &d
		}
		if n.Kind == Product && c.IntN(2) == 0 {
			a := decimal.New(refGenAmount(c)%(1e7*1e6)+1e6, -8)
			n.CommitmentAmount = &a
			n.CommitmentDay = 1 + c.IntN(28)
		}
		p.Networks = append(p.Networks, n)

		round := c.IntN(4) == 0 // all amounts multiples of 10: exact run-rate divisions
		nEnt := c.IntN(maxEntries + 1)
		var days []Date
		spread := 1 + c.IntN(1100) // some networks are dense, some span ~3 years
		for range nEnt {
			var d Date
			switch {
			case len(days) > 0 && c.IntN(4) == 0: // same day as an earlier entry
				d = days[c.IntN(len(days))]
			case c.IntN(12) == 0: // after t
				d = t + Date(1+c.IntN(120))
			case c.IntN(10) == 0: // near t's month boundaries (run-rate / mix windows)
				m := refFirstOfMonth(t)
				b := []Date{m, refAddMonths(m, -3), refAddMonths(m, -12)}[c.IntN(3)]
				d = b + Date(c.IntN(5)) - 2
			default:
				d = t - Date(c.IntN(spread))
			}
			days = append(days, d)
			e := Entry{ID: nextEntryID, UserID: 1, NetworkID: id, Date: d, Currency: "EUR",
				CreatedAt: base.Add(time.Duration(nextEntryID) * time.Second)}
			nextEntryID += int64(1 + c.IntN(3))
			k := c.IntN(100)
			switch {
			case k < 20:
				e.Kind = Investment
			case k < 35:
				e.Kind = Purchase
			case k < 42:
				e.Kind = Fee
			case k < 75:
				e.Kind = Payout
			case k < 82:
				e.Kind = Reinvest
			default:
				e.Kind = Balance
			}
			e.BaseUnits = refGenAmount(c)
			if round {
				e.BaseUnits = (1 + c.Int64N(60)) * 10 * 1e8
			}
			switch {
			case e.Kind == Balance && c.IntN(6) == 0:
				e.BaseUnits = 0
			case e.Kind == Payout && c.IntN(5) == 0 && len(all) > 0:
				// pay back exactly what some earlier outflow of this network cost: net hits 0
				for _, o := range all {
					if o.NetworkID == id && o.Kind.CashSign() < 0 {
						e.BaseUnits = o.BaseUnits
					}
				}
			}
			if e.Kind == Payout {
				// an explicit class, the network kind's default as the store writes it, or none
				switch c.IntN(6) {
				case 0:
					e.IncomeClass = DefaultIncomeClass(n.Kind)
				case 1:
					e.IncomeClass = ""
				default:
					e.IncomeClass = []IncomeClass{ClassActive, ClassPassive, ClassCapital}[c.IntN(3)]
				}
			}
			e.BaseAmount = FromBaseUnits(e.BaseUnits)
			e.Amount = e.BaseAmount
			if e.Amount.IsZero() && e.Kind != Balance {
				e.Amount = decimal.New(1, -18)
			}
			all = append(all, e)
		}
		if len(days) > 0 && c.IntN(4) == 0 {
			// Break even exactly on day d ≤ t, with a same-day outflow around it: the net is 0
			// at the end of the day whichever comes first in id order.
			d := days[c.IntN(len(days))]
			if d > t {
				d = t
			}
			net := int64(0)
			for _, e := range all {
				if e.NetworkID == id && e.Date <= t {
					net += int64(e.Kind.CashSign()) * e.BaseUnits
				}
			}
			if net < 0 && -net < 8e18 {
				y := (1 + c.Int64N(50)) * 1e8
				pay := Entry{ID: nextEntryID, UserID: 1, NetworkID: id, Date: d, Kind: Payout,
					BaseUnits: -net + y, IncomeClass: DefaultIncomeClass(n.Kind), Currency: "EUR"}
				inv := Entry{ID: nextEntryID + 1, UserID: 1, NetworkID: id, Date: d, Kind: Investment,
					BaseUnits: y, Currency: "EUR"}
				if c.IntN(2) == 0 {
					pay.ID, inv.ID = inv.ID, pay.ID
				}
				nextEntryID += 2
				for _, e := range []Entry{pay, inv} {
					e.BaseAmount = FromBaseUnits(e.BaseUnits)
					e.Amount = e.BaseAmount
					all = append(all, e)
				}
			}
		}
	}
	if c.IntN(10) == 0 { // an entry of a network that is not given: ignored
		all = append(all, Entry{ID: nextEntryID, NetworkID: 999, Date: t - 3, Kind: Payout,
			BaseUnits: 1e8, BaseAmount: decimal.New(1, 0), Amount: decimal.New(1, 0), IncomeClass: ClassPassive})
	}
	for i := len(all) - 1; i > 0; i-- { // entries arrive in no particular order
		j := c.IntN(i + 1)
		all[i], all[j] = all[j], all[i]
	}
	p.Entries = all
	return p
}

// dump writes the portfolio compactly, so that a failure can be replayed by hand.
func (p refPortfolio) dump() string {
	var b strings.Builder
	fmt.Fprintf(&b, "t=%s horizon=%d\n", p.T, p.Horizon)
	for _, n := range p.Networks {
		closed := "-"
		if n.ClosedOn != nil {
			closed = n.ClosedOn.String()
		}
		commit := ""
		if n.CommitmentAmount != nil {
			commit = fmt.Sprintf(" commit=%s@%d", n.CommitmentAmount, n.CommitmentDay)
		}
		fmt.Fprintf(&b, "  net id=%d %s %s closed_on=%s%s\n", n.ID, n.Kind, n.Status, closed, commit)
		es := slices.Clone(p.Entries)
		sort.Slice(es, func(i, j int) bool {
			if es[i].Date != es[j].Date {
				return es[i].Date < es[j].Date
			}
			return es[i].ID < es[j].ID
		})
		for _, e := range es {
			if e.NetworkID == n.ID {
				fmt.Fprintf(&b, "    #%d %s %-10s %s %s\n", e.ID, e.Date, e.Kind, FromBaseUnits(e.BaseUnits).String(), e.IncomeClass)
			}
		}
	}
	return b.String()
}

// ---------------------------------------------------------------------------------------------
// Comparing Compute with the model.
// ---------------------------------------------------------------------------------------------

// refRound12 rounds x to 12 decimal places, half away from zero.
func refRound12(x *big.Rat) decimal.Decimal {
	scaled := new(big.Rat).Mul(x, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(12), nil)))
	num := new(big.Int).Abs(scaled.Num())
	q, r := new(big.Int).QuoRem(num, scaled.Denom(), new(big.Int))
	if new(big.Int).Lsh(r, 1).Cmp(scaled.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if scaled.Sign() < 0 {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, -12)
}

func refDec(x *big.Rat) decimal.Decimal { return decimal.NewFromBigRat(x, 8) } // money: 10^-8 exact

func refFloatClose(got float64, want *big.Rat) bool {
	w, _ := want.Float64()
	if math.IsNaN(got) || math.IsInf(got, 0) {
		return false
	}
	if w == 0 {
		return got == 0
	}
	return math.Abs(got-w) <= 1e-12*math.Abs(w)
}

func refDateStr(d *Date) string {
	if d == nil {
		return "null"
	}
	return d.String()
}

func refRatStr(x *big.Rat) string {
	if x == nil {
		return "null"
	}
	f, _ := x.Float64()
	return fmt.Sprintf("%.17g", f)
}

func refFloatStr(x *float64) string {
	if x == nil {
		return "null"
	}
	return fmt.Sprintf("%.17g", *x)
}

// refDiff lists every field where Compute's figures differ from the model's.
func refDiff(got Figures, m *refFigures) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	money := func(what string, g decimal.Decimal, w *big.Rat) {
		if !g.Equal(refDec(w)) {
			bad("%s: got %s, model %s", what, g, refDec(w))
		}
	}
	ratio := func(what string, g *float64, w *big.Rat) {
		switch {
		case (g == nil) != (w == nil):
			bad("%s: got %s, model %s", what, refFloatStr(g), refRatStr(w))
		case g != nil && !refFloatClose(*g, w):
			bad("%s: got %.17g, model %s", what, *g, refRatStr(w))
		}
	}
	date := func(what string, g, w *Date) {
		if (g == nil) != (w == nil) || (g != nil && *g != *w) {
			bad("%s: got %s, model %s", what, refDateStr(g), refDateStr(w))
		}
	}
	if got.AsOf != m.T {
		bad("as_of: got %s, model %s", got.AsOf, m.T)
	}
	if len(got.Networks) != len(m.Networks) {
		bad("networks: got %d, model %d", len(got.Networks), len(m.Networks))
		return out
	}
	for i, w := range m.Networks {
		g := got.Networks[i]
		p := fmt.Sprintf("network %d", w.ID)
		if g.ID != w.ID {
			bad("%s: got id %d at position %d", p, g.ID, i)
			continue
		}
		if g.Open != w.Open {
			bad("%s open: got %v, model %v", p, g.Open, w.Open)
		}
		money(p+" outlay", g.Outlay, w.Outlay)
		money(p+" returned", g.Returned, w.Returned)
		money(p+" net", g.Net, w.Net)
		money(p+" capital_at_risk", g.CapitalAtRisk, w.CapitalAtRisk)
		money(p+" balance", g.Balance, w.Balance)
		money(p+" exposure", g.Exposure, w.Exposure)
		money(p+" loss", g.Loss, w.Loss)
		ratio(p+" recovery_ratio", g.RecoveryRatio, w.Recovery)
		if !w.Open && m.HHI != nil && g.Share != nil && *g.Share == 0 {
			// A closed network's share: DESIGN.md computes shares over the open networks;
			// Compute reports 0 (= its exposure 0 ÷ Σ exposure), the model has none. Both read
			// the sentence; not counted as a mismatch.
		} else {
			ratio(p+" share", g.Share, w.Share)
		}
		if g.BreakEven.Reached != w.Reached {
			bad("%s reached: got %v, model %v", p, g.BreakEven.Reached, w.Reached)
		}
		date(p+" reached_on", g.BreakEven.ReachedOn, w.ReachedOn)
		if want := refRound12(w.RunRate); !g.BreakEven.MonthlyRunRate.Equal(want) {
			bad("%s monthly_run_rate: got %s, model %s", p, g.BreakEven.MonthlyRunRate, want)
		}
		date(p+" projected_on", g.BreakEven.ProjectedOn, w.ProjectedOn)
	}
	money("totals.outlay", got.Totals.Outlay, m.Outlay)
	money("totals.returned", got.Totals.Returned, m.Returned)
	money("totals.net", got.Totals.Net, m.Net)
	money("totals.capital_at_risk", got.Totals.CapitalAtRisk, m.CapitalAtRisk)
	money("totals.balance", got.Totals.Balance, m.Balance)
	money("totals.exposure", got.Totals.Exposure, m.Exposure)
	money("totals.loss", got.Totals.Loss, m.Loss)
	if got.BreakEvenCount.Reached != m.BreakEvenReached || got.BreakEvenCount.Total != m.BreakEvenTotal {
		bad("break_even_count: got %d/%d, model %d/%d", got.BreakEvenCount.Reached, got.BreakEvenCount.Total,
			m.BreakEvenReached, m.BreakEvenTotal)
	}
	r := got.Risk
	ratio("hhi", r.HHI, m.HHI)
	ratio("effective_networks", r.EffectiveNetworks, m.Effective)
	ratio("top_share", r.TopShare, m.Top)
	switch {
	case (r.ByKind == nil) != (m.ByKind == nil):
		bad("by_kind: got %v, model %v", r.ByKind, m.ByKind)
	case r.ByKind != nil:
		for _, k := range []struct {
			kind NetworkKind
			got  float64
		}{{Revshare, r.ByKind.Revshare}, {Product, r.ByKind.Product}} {
			w := m.ByKind[k.kind]
			if w == nil {
				w = ratZero()
			}
			g := k.got
			ratio("by_kind."+string(k.kind), &g, w)
		}
	}
	if r.HorizonMonths != m.Horizon {
		bad("horizon: got %d, model %d", r.HorizonMonths, m.Horizon)
	}
	if r.SurvivableCollapses != m.Survivable {
		bad("survivable_collapses: got %d, model %d", r.SurvivableCollapses, m.Survivable)
	}
	if len(r.Stress) != len(m.Stress) {
		bad("stress: got %d cases, model %d", len(r.Stress), len(m.Stress))
	} else {
		for k, w := range m.Stress {
			g := r.Stress[k]
			if g.K != w.K {
				bad("stress[%d].k: got %d", k, g.K)
			}
			if want := refRound12(w.Worst); !g.WorstCaseNet.Equal(want) {
				bad("stress[%d].worst_case_net: got %s, model %s", k, g.WorstCaseNet, want)
			}
			if !slices.Equal(g.Collapsed, w.Collapsed) && !(len(g.Collapsed) == 0 && len(w.Collapsed) == 0) {
				bad("stress[%d].collapsed: got %v, model %v", k, g.Collapsed, w.Collapsed)
			}
		}
	}
	switch {
	case (got.IncomeMix == nil) != (m.IncomeMix == nil):
		bad("income_mix: got %v, model %v", got.IncomeMix, m.IncomeMix)
	case got.IncomeMix != nil:
		for _, k := range []struct {
			class IncomeClass
			got   float64
		}{{ClassActive, got.IncomeMix.Active}, {ClassPassive, got.IncomeMix.Passive}, {ClassCapital, got.IncomeMix.Capital}} {
			g := k.got
			ratio("income_mix."+string(k.class), &g, m.IncomeMix[k.class])
		}
	}
	out = append(out, refCheckXIRRs(got, m)...)
	return out
}

// ---------------------------------------------------------------------------------------------
// XIRR is not modelled; its answers are checked: a rate solves the equation, nil when the
// netted flows lack an inflow or an outflow, not nil when a root is certain to exist, and no
// root lies strictly between the answer and 10 % ("the one nearest 10 %").
// ---------------------------------------------------------------------------------------------

type refFlow struct {
	tau, c float64 // years since the first nonzero day; amount
}

func refFlowList(flows map[Date]*big.Rat) []refFlow {
	var days []Date
	for d, v := range flows {
		if v.Sign() != 0 {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	out := make([]refFlow, len(days))
	for i, d := range days {
		c, _ := flows[d].Float64()
		out[i] = refFlow{float64(d-days[0]) / 365, c}
	}
	return out
}

// refNPVAt returns Σ cᵢ·e^(−u·τᵢ) and Σ |cᵢ·e^(−u·τᵢ)|, both scaled by the same positive
// factor (so that nothing overflows): the sign and the relative size are what count.
func refNPVAt(fl []refFlow, u float64) (npv, mag float64) {
	m := math.Inf(-1)
	for _, f := range fl {
		m = max(m, -u*f.tau)
	}
	for _, f := range fl {
		x := f.c * math.Exp(-u*f.tau-m)
		npv += x
		mag += math.Abs(x)
	}
	return npv, mag
}

func refCheckXIRR(what string, got *float64, flows map[Date]*big.Rat) []string {
	fl := refFlowList(flows)
	in, out := refNetFlows(flows)
	if got != nil && (math.IsNaN(*got) || math.IsInf(*got, 0)) {
		return []string{fmt.Sprintf("%s: %v", what, *got)}
	}
	if !in || !out {
		if got != nil {
			return []string{fmt.Sprintf("%s: got %.17g, but the flows have no inflow or no outflow (DESIGN: null)", what, *got)}
		}
		return nil
	}
	first, last := fl[0].c, fl[len(fl)-1].c
	if got == nil {
		// f(u) → sign(last) as u → −∞ and f → first as u → +∞. If first and last differ in
		// sign and f(700) already has first's sign, a root with a finite rate exists.
		if (first > 0) != (last > 0) {
			if v, mag := refNPVAt(fl, 700); math.Abs(v) > 1e-9*mag && (v > 0) == (first > 0) {
				return []string{fmt.Sprintf("%s: null, but a root exists below u=700 (flows %v)", what, fl)}
			}
		}
		return nil
	}
	r := *got
	if r <= -1 {
		return []string{fmt.Sprintf("%s: rate %.17g ≤ −100 %%", what, r)}
	}
	if 1+r < 1e-12 {
		return nil // a collapse deeper than float64 resolves near −1: not checkable here
	}
	u := math.Log1p(r)
	if v, mag := refNPVAt(fl, u); !(math.Abs(v) <= 1e-6*mag) {
		// Near −100 % a float64 rate cannot pin 1 + r finely (its ulp is ~1e-16 absolute):
		// accept r when NPV changes sign between r's float64 neighbours.
		lo, _ := refNPVAt(fl, math.Log1p(math.Nextafter(r, math.Inf(-1))))
		hi, _ := refNPVAt(fl, math.Log1p(math.Nextafter(r, math.Inf(1))))
		if lo != 0 && hi != 0 && (lo > 0) == (hi > 0) {
			return []string{fmt.Sprintf("%s: rate %.17g does not solve NPV = 0 (relative NPV %.3g, flows %v)", what, r, v/mag, fl)}
		}
	}
	// No sign change strictly between the answer and 10 %.
	g := math.Log1p(0.1)
	lo, hi := min(u, g), max(u, g)
	// Skip the answer's own neighbourhood: at least what one float64 step of r moves u by.
	tol := max(1e-6*max(1, math.Abs(u)), 4*(math.Nextafter(r, math.Inf(1))-r)/(1+r))
	if u < g {
		lo += tol
	} else {
		hi -= tol
	}
	if hi > lo {
		const steps = 2000
		prevV, prevMag := refNPVAt(fl, lo)
		for i := 1; i <= steps; i++ {
			x := lo + (hi-lo)*float64(i)/steps
			v, mag := refNPVAt(fl, x)
			if math.Abs(v) > 1e-9*mag && math.Abs(prevV) > 1e-9*prevMag && (v > 0) != (prevV > 0) {
				return []string{fmt.Sprintf("%s: rate %.17g, but a root near %.6g is closer to 10 %% (flows %v)", what, r, math.Expm1(x), fl)}
			}
			prevV, prevMag = v, mag
		}
	}
	return nil
}

func refCheckXIRRs(got Figures, m *refFigures) []string {
	var out []string
	for i, w := range m.Networks {
		g := got.Networks[i]
		out = append(out, refCheckXIRR(fmt.Sprintf("network %d xirr", w.ID), g.XIRR, w.Flows)...)
		out = append(out, refCheckXIRR(fmt.Sprintf("network %d xirr_with_balance", w.ID), g.XIRRWithBalance, w.FlowsWithBalance)...)
	}
	out = append(out, refCheckXIRR("totals.xirr", got.Totals.XIRR, m.AllFlows)...)
	return out
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

func refSettings(horizon int) Settings {
	s := DefaultSettings()
	s.HorizonMonths = horizon
	return s
}

func TestComputeMatchesReferenceModel(t *testing.T) {
	const seed, portfolios = 20260601, 400
	failures := 0
	for i := range portfolios {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		p := refGenPortfolio(rng, 60)
		in := slices.Clone(p.Entries)
		got := Compute(p.Networks, in, p.T, refSettings(p.Horizon))
		want := refCompute(p.Networks, p.Entries, p.T, p.Horizon)
		if diffs := refDiff(got, want); len(diffs) > 0 {
			failures++
			if failures <= 5 {
				t.Errorf("seed %d, portfolio %d: %d mismatches:\n  %s\nportfolio:\n%s", seed, i, len(diffs),
					strings.Join(diffs, "\n  "), p.dump())
			}
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d portfolios disagree with the model", failures, portfolios)
	}
	if testing.Verbose() {
		t.Logf("coverage of the random portfolios: %s", refCoverage(seed, portfolios))
	}
}

// refCoverage counts how often the interesting cases came up, to show the generator reaches them.
func refCoverage(seed uint64, portfolios int) string {
	c := map[string]int{}
	for i := range portfolios {
		p := refGenPortfolio(rand.New(rand.NewPCG(seed, uint64(i))), 60)
		m := refCompute(p.Networks, p.Entries, p.T, p.Horizon)
		if m.HHI == nil {
			c["Σexposure=0"]++
		}
		if m.IncomeMix == nil {
			c["income_mix=null"]++
		}
		c[fmt.Sprintf("survivable=%d", min(m.Survivable, 2))]++
		for _, n := range m.Networks {
			c["networks"]++
			if !n.Open {
				c["closed"]++
			}
			if n.ReachedOn != nil {
				c["reached_on"]++
			}
			if n.Net.Sign() == 0 && n.Outlay.Sign() > 0 {
				c["net=0 exactly"]++
			}
			if n.ProjectedOn != nil {
				c["projected_on"]++
				if q := new(big.Rat).Quo(new(big.Rat).Mul(ratInt(3), n.CapitalAtRisk), n.WindowSum); q.IsInt() {
					c["projected exact ceil"]++
				}
			}
			if n.ProjectedMonths != nil && n.ProjectedOn == nil {
				c["projected past 9999"]++
			}
		}
		for k := 1; k < len(m.Stress); k++ {
			ids := m.Stress[k].Collapsed
			a := ids[len(ids)-1]
			if k < len(m.Stress)-1 {
				b := m.Stress[k+1].Collapsed[k]
				var ra, rb *big.Rat
				for _, n := range m.Networks {
					if n.ID == a {
						ra = n.RunRate
					}
					if n.ID == b {
						rb = n.RunRate
					}
				}
				if ra.Cmp(rb) == 0 {
					c["stress run-rate tie"]++
				}
			}
		}
	}
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s:%d ", k, c[k])
	}
	return b.String()
}

// TestReferenceModelScenarios pins the model itself on DESIGN.md's own examples, so that the
// comparison above is against something known to be right.
func TestReferenceModelScenarios(t *testing.T) {
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := refAddMonths(d("2026-01-31"), 1); got != d("2026-02-28") {
		t.Errorf("2026-01-31 + 1 month = %s", got)
	}
	if got := refAddMonths(d("2024-01-31"), 1); got != d("2024-02-29") {
		t.Errorf("2024-01-31 + 1 month = %s", got)
	}
	if got := refAddMonths(d("2026-03-31"), -13); got != d("2025-02-28") {
		t.Errorf("2026-03-31 − 13 months = %s", got)
	}
	for i := range 5000 {
		rng := rand.New(rand.NewPCG(7, uint64(i)))
		day := Date(rng.IntN(40000))
		n := rng.IntN(400) - 200
		if a, b := refAddMonths(day, n), day.AddMonths(n); a != b {
			t.Fatalf("%s + %d months: model %s, Date.AddMonths %s", day, n, a, b)
		}
	}
	// 400 at risk, 40 a month over the last three months: 400 / (40/3) = 30 months exactly.
	tday := d("2026-01-31")
	nets := []Network{{ID: 1, Kind: Revshare, Status: StatusActive}}
	es := []Entry{
		{ID: 1, NetworkID: 1, Date: d("2025-01-10"), Kind: Investment, BaseUnits: 440 * 1e8},
		{ID: 2, NetworkID: 1, Date: d("2025-10-05"), Kind: Payout, BaseUnits: 10 * 1e8},
		{ID: 3, NetworkID: 1, Date: d("2025-11-05"), Kind: Payout, BaseUnits: 20 * 1e8},
		{ID: 4, NetworkID: 1, Date: d("2025-12-31"), Kind: Payout, BaseUnits: 10 * 1e8},
		{ID: 5, NetworkID: 1, Date: d("2026-01-31"), Kind: Balance, BaseUnits: 7 * 1e8},
		{ID: 6, NetworkID: 1, Date: d("2026-01-31"), Kind: Balance, BaseUnits: 5 * 1e8},
	}
	m := refCompute(nets, es, tday, 12)
	n := m.Networks[0]
	if n.CapitalAtRisk.Cmp(ratInt(400)) != 0 || n.WindowSum.Cmp(ratInt(40)) != 0 {
		t.Fatalf("car %s window %s", n.CapitalAtRisk, n.WindowSum)
	}
	if n.ProjectedOn == nil || *n.ProjectedOn != d("2028-07-31") {
		t.Errorf("projected_on = %s, want 2028-07-31 (30 months)", refDateStr(n.ProjectedOn))
	}
	if n.Balance.Cmp(ratInt(5)) != 0 {
		t.Errorf("balance = %s, want 5 (same day: the higher id)", n.Balance)
	}
	// Stress: 12 more months at 40/3 gives −400 + 160 = −240 < 0: survivable −1.
	if m.Survivable != -1 || m.Stress[0].Worst.Cmp(ratInt(-240)) != 0 {
		t.Errorf("survivable %d, worst %s", m.Survivable, m.Stress[0].Worst)
	}
}

// ---------------------------------------------------------------------------------------------
// Fuzzing: properties that hold for every portfolio, plus the model comparison.
// ---------------------------------------------------------------------------------------------

// refFingerprint writes every exported figure in full (floats by their bits), so that two
// Figures can be compared for exact equality.
func refFingerprint(f Figures) string {
	var b strings.Builder
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				b.WriteString("nil;")
				return
			}
			walk(v.Elem())
		case reflect.Struct:
			if d, ok := v.Interface().(decimal.Decimal); ok {
				b.WriteString(d.String() + ";")
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					b.WriteString(v.Type().Field(i).Name + "=")
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			b.WriteString("[")
			for i := range v.Len() {
				walk(v.Index(i))
			}
			b.WriteString("]")
		case reflect.Float64:
			fmt.Fprintf(&b, "%x;", math.Float64bits(v.Float()))
		default:
			fmt.Fprintf(&b, "%v;", v.Interface())
		}
	}
	walk(reflect.ValueOf(f))
	return b.String()
}

// refFloats returns every float64 reachable from f's exported fields.
func refFloats(f Figures) []float64 {
	var out []float64
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if _, ok := v.Interface().(decimal.Decimal); ok {
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Float64:
			out = append(out, v.Float())
		}
	}
	walk(reflect.ValueOf(f))
	return out
}

func refProperties(f Figures, nOpen int) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, x := range refFloats(f) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			bad("a float figure is %v", x)
		}
	}
	var sum Totals
	shares, exposure := 0.0, decimal.Zero
	for _, n := range f.Networks {
		sum.Outlay = sum.Outlay.Add(n.Outlay)
		sum.Returned = sum.Returned.Add(n.Returned)
		sum.Net = sum.Net.Add(n.Net)
		sum.CapitalAtRisk = sum.CapitalAtRisk.Add(n.CapitalAtRisk)
		sum.Balance = sum.Balance.Add(n.Balance)
		sum.Exposure = sum.Exposure.Add(n.Exposure)
		sum.Loss = sum.Loss.Add(n.Loss)
		if n.Open {
			exposure = exposure.Add(n.Exposure)
			if n.Share != nil {
				shares += *n.Share
			}
		}
		if !n.Net.Equal(n.Returned.Sub(n.Outlay)) {
			bad("network %d: net %s ≠ returned %s − outlay %s", n.ID, n.Net, n.Returned, n.Outlay)
		}
		if !n.Exposure.Equal(n.CapitalAtRisk.Add(n.Balance)) {
			bad("network %d: exposure ≠ capital_at_risk + balance", n.ID)
		}
	}
	tt := f.Totals
	for _, c := range []struct {
		name      string
		got, want decimal.Decimal
	}{{"outlay", tt.Outlay, sum.Outlay}, {"returned", tt.Returned, sum.Returned}, {"net", tt.Net, sum.Net},
		{"capital_at_risk", tt.CapitalAtRisk, sum.CapitalAtRisk}, {"balance", tt.Balance, sum.Balance},
		{"exposure", tt.Exposure, sum.Exposure}, {"loss", tt.Loss, sum.Loss}} {
		if !c.got.Equal(c.want) {
			bad("totals.%s %s ≠ Σ networks %s", c.name, c.got, c.want)
		}
	}
	if exposure.IsPositive() {
		if math.Abs(shares-1) > 1e-12 {
			bad("open shares sum to %.17g", shares)
		}
		if f.Risk.HHI == nil || f.Risk.TopShare == nil || f.Risk.EffectiveNetworks == nil || f.Risk.ByKind == nil {
			bad("Σ exposure > 0 but risk ratios are null")
		} else if bk := f.Risk.ByKind.Revshare + f.Risk.ByKind.Product; math.Abs(bk-1) > 1e-12 {
			bad("by_kind sums to %.17g", bk)
		}
	} else if f.Risk.HHI != nil || f.Risk.TopShare != nil || f.Risk.EffectiveNetworks != nil || f.Risk.ByKind != nil {
		bad("Σ exposure = 0 but risk ratios are set")
	}
	st := f.Risk.Stress
	if len(st) != nOpen+1 {
		bad("stress has %d cases for %d open networks", len(st), nOpen)
	}
	surv := -1
	for k, c := range st {
		if c.K != k || len(c.Collapsed) != k {
			bad("stress[%d]: k=%d with %d collapsed", k, c.K, len(c.Collapsed))
		}
		if k > 0 && !slices.Equal(c.Collapsed[:k-1], st[k-1].Collapsed) {
			bad("stress[%d] does not extend stress[%d]", k, k-1)
		}
		if c.WorstCaseNet.IsNegative() {
			break
		}
		surv = k
	}
	if f.Risk.SurvivableCollapses != surv {
		bad("survivable_collapses %d, stress list says %d", f.Risk.SurvivableCollapses, surv)
	}
	if mix := f.IncomeMix; mix != nil {
		if s := mix.Active + mix.Passive + mix.Capital; math.Abs(s-1) > 1e-12 {
			bad("income mix sums to %.17g", s)
		}
	}
	return out
}

func FuzzComputeProperties(f *testing.F) {
	for i := range 8 {
		rng := rand.New(rand.NewPCG(uint64(i), 99))
		seed := make([]byte, 64+64*i)
		for j := range seed {
			seed[j] = byte(rng.UintN(256))
		}
		f.Add(seed)
	}
	f.Add([]byte{})
	f.Add([]byte("netfolio: 3 of 5 networks have paid back"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := refGenPortfolio(&refByteChooser{b: data}, 30)
		s := refSettings(p.Horizon)
		in := slices.Clone(p.Entries)
		got := Compute(p.Networks, in, p.T, s)
		if !reflect.DeepEqual(in, p.Entries) {
			t.Fatalf("Compute changed its input entries")
		}
		nOpen := 0
		for _, n := range p.Networks {
			if n.OpenOn(p.T) {
				nOpen++
			}
		}
		if diffs := refProperties(got, nOpen); len(diffs) > 0 {
			t.Fatalf("properties:\n  %s\nportfolio:\n%s", strings.Join(diffs, "\n  "), p.dump())
		}
		// The order entries arrive in does not matter.
		var h uint64 = 1469598103934665603
		for _, b := range data {
			h = (h ^ uint64(b)) * 1099511628211
		}
		rng := rand.New(rand.NewPCG(h, uint64(len(data))))
		shuffled := slices.Clone(p.Entries)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again := Compute(p.Networks, shuffled, p.T, s)
		if a, b := refFingerprint(got), refFingerprint(again); a != b {
			t.Fatalf("figures depend on entry order:\n%s\nvs\n%s\nportfolio:\n%s", a, b, p.dump())
		}
		// And the model agrees.
		if diffs := refDiff(got, refCompute(p.Networks, p.Entries, p.T, p.Horizon)); len(diffs) > 0 {
			t.Fatalf("model mismatches:\n  %s\nportfolio:\n%s", strings.Join(diffs, "\n  "), p.dump())
		}
	})
}

// TestComputeIncomeClassDefault: DESIGN.md gives payouts without an income class a default by
// network kind ("income_class (payouts only; defaults: revshare → capital, product → active)").
// The store fills it in on every write, but Compute is a pure function of entries and may be
// given a payout without one: it should then read a product network's payout as active.
func TestComputeIncomeClassDefault(t *testing.T) {
	asOf := refDate(2026, time.March, 15)
	nets := []Network{{ID: 1, Kind: Product, Status: StatusActive}, {ID: 2, Kind: Revshare, Status: StatusActive}}
	es := []Entry{
		{ID: 1, NetworkID: 1, Date: refDate(2026, time.February, 10), Kind: Payout, BaseUnits: 300 * 1e8},
		{ID: 2, NetworkID: 2, Date: refDate(2026, time.February, 11), Kind: Payout, BaseUnits: 100 * 1e8},
	}
	f := Compute(nets, es, asOf, DefaultSettings())
	if f.IncomeMix == nil || f.IncomeMix.Active != 0.75 || f.IncomeMix.Capital != 0.25 {
		t.Errorf("income_mix = %+v, want active 0.75 (the product payout), capital 0.25 (the revshare one)", f.IncomeMix)
	}
}
