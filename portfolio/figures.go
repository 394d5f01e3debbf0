package portfolio

import (
	"math"
	"math/big"
	"sort"

	"github.com/shopspring/decimal"
)

// Settings tune the figures: the stress test's horizon and the rules' limits.
type Settings struct {
	HorizonMonths int
	Limits        Limits
}

// Limits are the thresholds of the rules.
type Limits struct {
	SingleNetworkShare float64 // the largest share of exposure one open network may hold
	RevshareMin        int     // the fewest open revshare networks with exposure
	ProductMax         int     // the most open product networks with a monthly commitment
	CommitmentCoverage float64 // payouts run rate ÷ commitment must reach this
	IncomeClassMax     float64 // the largest share one income class may have
	OverdueDays        int     // days after the latest payout that count as overdue
	OverdueMinMonths   int     // months with payouts before a network is expected to pay
}

// DefaultSettings are the figures' defaults: a 12-month horizon and the limits of DESIGN.md.
func DefaultSettings() Settings {
	return Settings{HorizonMonths: 12, Limits: Limits{
		SingleNetworkShare: 0.35, RevshareMin: 3, ProductMax: 2, CommitmentCoverage: 1,
		IncomeClassMax: 0.8, OverdueDays: 45, OverdueMinMonths: 3,
	}}
}

// Figures are everything netfolio computes for a portfolio on one day. Money is exact, in
// the base currency; ratios are nil where they are undefined.
type Figures struct {
	AsOf           Date
	Totals         Totals
	BreakEvenCount BreakEvenCount
	Networks       []NetworkFigures
	Risk           Risk
	IncomeMix      *IncomeMix
	Rules          []Rule
}

// Totals sum the networks' money figures; XIRR is over all networks' cash flows.
type Totals struct {
	Outlay, Returned, Net, CapitalAtRisk, Balance, Exposure, Loss decimal.Decimal
	XIRR                                                          *float64
}

// BreakEvenCount counts networks with outlay that have paid back ("3 of 5").
type BreakEvenCount struct {
	Reached int `json:"reached"`
	Total   int `json:"total"`
}

// NetworkFigures are one network's figures.
type NetworkFigures struct {
	ID     int64
	Name   string
	Kind   NetworkKind
	Status NetworkStatus
	Open   bool

	Outlay, Returned, Net, CapitalAtRisk, Balance, Exposure, Loss decimal.Decimal
	RecoveryRatio                                                 *float64
	Share                                                         *float64
	BreakEven                                                     BreakEven
	XIRR, XIRRWithBalance                                         *float64

	runWindow     *big.Int // payouts − purchases − fees of the last 3 complete months, in units
	payoutWindow  *big.Int // payouts of the last 3 complete months, in units
	commitment    *decimal.Decimal
	payoutMonths  int
	latestPayout  *Date
	exposureUnits *big.Int
}

// BreakEven says whether and when a network paid back what went in.
type BreakEven struct {
	Reached        bool
	ReachedOn      *Date
	MonthlyRunRate decimal.Decimal // exact to 10^-12; the window sum ÷ 3
	ProjectedOn    *Date
}

// Risk is the spread of exposure over open networks and the collapse stress test.
type Risk struct {
	HHI, EffectiveNetworks, TopShare *float64
	ByKind                           *ByKind
	HorizonMonths                    int
	SurvivableCollapses              int
	Stress                           []StressCase
}

// ByKind sums exposure shares per network kind.
type ByKind struct{ Revshare, Product float64 }

// StressCase is the worst case after k collapses: the k open networks with the largest run
// rate collapse today, the others go on paying at their run rate for the horizon.
type StressCase struct {
	K            int
	WorstCaseNet decimal.Decimal // exact to 10^-12
	Collapsed    []int64
}

// IncomeMix is the share of each income class in the payouts of the last 12 complete months.
type IncomeMix struct{ Active, Passive, Capital float64 }

// Rule statuses.
const (
	Pass = "pass"
	Warn = "warn"
	Fail = "fail"
)

// Rule is one check of the portfolio against the common advice.
type Rule struct {
	ID      string
	Status  string
	Message string
	Value   *float64
	Limit   float64
	// Networks names the networks that break the rule, if any.
	Networks []int64
}

// unitScale is 10^8: base units per base-currency unit.
var unitScale = big.NewInt(1e8)

// Compute returns the figures of networks and their entries on day asOf. Entries after asOf
// and entries of networks not given are ignored; the order of entries does not matter.
func Compute(networks []Network, entries []Entry, asOf Date, s Settings) Figures {
	byID := make(map[int64]int, len(networks))
	for i, n := range networks {
		byID[n.ID] = i
	}
	perNet := make([][]*Entry, len(networks))
	for i := range entries {
		e := &entries[i]
		if e.Date > asOf {
			continue
		}
		if j, ok := byID[e.NetworkID]; ok {
			perNet[j] = append(perNet[j], e)
		}
	}
	thisMonth := asOf.Month()
	w := windows{
		run0: thisMonth.AddMonths(-3), mix0: thisMonth.AddMonths(-12), end: thisMonth,
	}
	f := Figures{AsOf: asOf, Networks: make([]NetworkFigures, len(networks))}
	mix := classSums{}
	all := newDailyFlows()
	for i := range networks {
		nf, flows := computeNetwork(&networks[i], perNet[i], asOf, w, &mix)
		f.Networks[i] = nf
		all.merge(flows)
	}
	f.Totals = totals(f.Networks)
	f.Totals.XIRR = all.xirr()
	for _, n := range f.Networks {
		if n.Outlay.IsPositive() {
			f.BreakEvenCount.Total++
			if n.BreakEven.Reached {
				f.BreakEvenCount.Reached++
			}
		}
	}
	f.Risk = risk(f.Networks, s.HorizonMonths)
	f.IncomeMix = mix.shares()
	f.Rules = rules(&f, s.Limits)
	return f
}

// windows are the month ranges [from, end) the run rate and the income mix look at.
type windows struct{ run0, mix0, end Date }

type classSums struct{ active, passive, capital big.Int }

func (c *classSums) add(class IncomeClass, units int64) {
	v := big.NewInt(units)
	switch class {
	case ClassActive:
		c.active.Add(&c.active, v)
	case ClassPassive:
		c.passive.Add(&c.passive, v)
	default:
		c.capital.Add(&c.capital, v)
	}
}

func (c *classSums) shares() *IncomeMix {
	total := new(big.Int).Add(&c.active, &c.passive)
	total.Add(total, &c.capital)
	if total.Sign() <= 0 {
		return nil
	}
	return &IncomeMix{Active: ratio(&c.active, total), Passive: ratio(&c.passive, total), Capital: ratio(&c.capital, total)}
}

// computeNetwork walks one network's entries in date order. It returns the figures and the
// network's daily cash flows for the portfolio XIRR.
func computeNetwork(n *Network, entries []*Entry, asOf Date, w windows, mix *classSums) (NetworkFigures, dailyFlows) {
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].Date != entries[j].Date {
			return entries[i].Date < entries[j].Date
		}
		return entries[i].ID < entries[j].ID
	})
	nf := NetworkFigures{ID: n.ID, Name: n.Name, Kind: n.Kind, Status: n.Status, Open: n.OpenOn(asOf),
		runWindow: new(big.Int), payoutWindow: new(big.Int), commitment: n.CommitmentAmount}
	outlay, returned := new(big.Int), new(big.Int)
	var balance *Entry
	var reachedOn *Date
	flows := newDailyFlows()
	months := map[Date]bool{}
	tmp := new(big.Int)
	for i, e := range entries {
		units := tmp.SetInt64(e.BaseUnits)
		sign := e.Kind.CashSign()
		switch {
		case sign < 0:
			outlay.Add(outlay, units)
		case sign > 0:
			returned.Add(returned, units)
		}
		if e.Kind == Balance {
			balance = e // sorted by date, then by id: the last one wins
		}
		inRun := e.Date >= w.run0 && e.Date < w.end
		switch e.Kind {
		case Payout:
			if inRun {
				nf.runWindow.Add(nf.runWindow, units)
				nf.payoutWindow.Add(nf.payoutWindow, units)
			}
			if e.Date >= w.mix0 && e.Date < w.end {
				class := e.IncomeClass
				if class == "" {
					class = DefaultIncomeClass(n.Kind)
				}
				mix.add(class, e.BaseUnits)
			}
			if e.BaseUnits > 0 {
				months[e.Date.Month()] = true
				d := e.Date
				nf.latestPayout = &d
			}
		case Purchase, Fee:
			if inRun {
				nf.runWindow.Sub(nf.runWindow, units)
			}
		}
		if sign != 0 {
			flows.add(e.Date, int64(sign)*e.BaseUnits)
		}
		// Cumulative figures count at the end of each day: check on a day's last entry.
		if reachedOn == nil && (i == len(entries)-1 || entries[i+1].Date != e.Date) &&
			outlay.Sign() > 0 && returned.Cmp(outlay) >= 0 {
			d := e.Date
			reachedOn = &d
		}
	}
	nf.payoutMonths = len(months)
	net := new(big.Int).Sub(returned, outlay)
	nf.Outlay, nf.Returned, nf.Net = fromUnits(outlay), fromUnits(returned), fromUnits(net)
	if outlay.Sign() > 0 {
		r := ratio(returned, outlay)
		nf.RecoveryRatio = &r
	}
	deficit := new(big.Int)
	if net.Sign() < 0 {
		deficit.Neg(net)
	}
	balanceUnits := new(big.Int)
	if balance != nil {
		balanceUnits.SetInt64(balance.BaseUnits)
	}
	nf.exposureUnits = new(big.Int)
	if nf.Open {
		nf.exposureUnits.Add(deficit, balanceUnits)
		nf.CapitalAtRisk, nf.Balance, nf.Exposure = fromUnits(deficit), fromUnits(balanceUnits), fromUnits(nf.exposureUnits)
		nf.Loss = decimal.Zero
	} else {
		nf.CapitalAtRisk, nf.Balance, nf.Exposure = decimal.Zero, decimal.Zero, decimal.Zero
		nf.Loss = fromUnits(deficit)
	}
	nf.BreakEven = BreakEven{
		Reached:        net.Sign() >= 0,
		ReachedOn:      reachedOn,
		MonthlyRunRate: thirds(nf.runWindow),
	}
	if net.Sign() < 0 && nf.Open && nf.runWindow.Sign() > 0 {
		nf.BreakEven.ProjectedOn = projectBreakEven(asOf, deficit, nf.runWindow)
	}
	nf.XIRR = flows.xirr()
	nf.XIRRWithBalance = nf.XIRR
	if nf.Open && balanceUnits.Sign() != 0 {
		withBalance := flows.clone()
		withBalance.addBig(asOf, balanceUnits)
		nf.XIRRWithBalance = withBalance.xirr()
	}
	return nf, flows
}

// dailyFlows sums cash flows per day exactly, in base units, for XIRR.
type dailyFlows map[Date]*big.Int

func newDailyFlows() dailyFlows { return dailyFlows{} }

func (f dailyFlows) add(day Date, units int64) { f.addBig(day, big.NewInt(units)) }

func (f dailyFlows) addBig(day Date, units *big.Int) {
	if s, ok := f[day]; ok {
		s.Add(s, units)
		return
	}
	f[day] = new(big.Int).Set(units)
}

func (f dailyFlows) merge(g dailyFlows) {
	for day, u := range g {
		f.addBig(day, u)
	}
}

func (f dailyFlows) clone() dailyFlows {
	c := make(dailyFlows, len(f)+1)
	c.merge(f)
	return c
}

// xirr solves XIRR over the daily sums; a day that nets to zero drops out.
func (f dailyFlows) xirr() *float64 {
	days := make([]int32, 0, len(f))
	amounts := make([]float64, 0, len(f))
	for day, u := range f {
		if u.Sign() == 0 {
			continue
		}
		v, _ := new(big.Rat).SetFrac(u, unitScale).Float64()
		days = append(days, int32(day))
		amounts = append(amounts, v)
	}
	return xirrOf(days, amounts)
}

// projectBreakEven is t + ceil(capital_at_risk ÷ run rate) months, computed exactly as
// ceil(3 × capital_at_risk ÷ window sum); nil when that lies past year 9999.
func projectBreakEven(asOf Date, deficit, window *big.Int) *Date {
	num := new(big.Int).Mul(deficit, big.NewInt(3))
	months, rem := new(big.Int).QuoRem(num, window, new(big.Int))
	if rem.Sign() > 0 {
		months.Add(months, big.NewInt(1))
	}
	if !months.IsInt64() || months.Int64() > 12*10000 {
		return nil
	}
	d := asOf.AddMonths(int(months.Int64()))
	if y, _, _ := d.YMD(); y > 9999 {
		return nil
	}
	return &d
}

func totals(networks []NetworkFigures) Totals {
	t := Totals{}
	for _, n := range networks {
		t.Outlay = t.Outlay.Add(n.Outlay)
		t.Returned = t.Returned.Add(n.Returned)
		t.Net = t.Net.Add(n.Net)
		t.CapitalAtRisk = t.CapitalAtRisk.Add(n.CapitalAtRisk)
		t.Balance = t.Balance.Add(n.Balance)
		t.Exposure = t.Exposure.Add(n.Exposure)
		t.Loss = t.Loss.Add(n.Loss)
	}
	return t
}

// risk computes the spread of exposure over open networks and the collapse stress test.
func risk(networks []NetworkFigures, horizon int) Risk {
	r := Risk{HorizonMonths: horizon}
	total := new(big.Int)
	for _, n := range networks {
		if n.Open {
			total.Add(total, n.exposureUnits)
		}
	}
	if total.Sign() > 0 {
		sumSq, top := new(big.Int), new(big.Int)
		var byKind [2]big.Int
		for i := range networks {
			n := &networks[i]
			share := ratio(n.exposureUnits, total)
			n.Share = &share
			if !n.Open {
				continue
			}
			sumSq.Add(sumSq, new(big.Int).Mul(n.exposureUnits, n.exposureUnits))
			if n.exposureUnits.Cmp(top) > 0 {
				top.Set(n.exposureUnits)
			}
			k := 0
			if n.Kind == Product {
				k = 1
			}
			byKind[k].Add(&byKind[k], n.exposureUnits)
		}
		totalSq := new(big.Int).Mul(total, total)
		hhi, eff, topShare := ratio(sumSq, totalSq), ratio(totalSq, sumSq), ratio(top, total)
		r.HHI, r.EffectiveNetworks, r.TopShare = &hhi, &eff, &topShare
		r.ByKind = &ByKind{Revshare: ratio(&byKind[0], total), Product: ratio(&byKind[1], total)}
	}
	r.Stress, r.SurvivableCollapses = stress(networks, horizon)
	return r
}

// stress runs the collapse stress test. Every figure is kept times 3 so that the run rate
// (a three-month sum ÷ 3) stays exact.
func stress(networks []NetworkFigures, horizon int) ([]StressCase, int) {
	h := big.NewInt(int64(horizon))
	base3 := new(big.Int) // every network ending at its net, times 3
	var open []*NetworkFigures
	for i := range networks {
		n := &networks[i]
		base3.Add(base3, new(big.Int).Mul(toUnits(n.Net), big.NewInt(3)))
		if n.Open {
			open = append(open, n)
		}
	}
	// Largest run rate first; ties by id so the collapsed list is stable.
	sort.SliceStable(open, func(i, j int) bool {
		if c := open[i].runWindow.Cmp(open[j].runWindow); c != 0 {
			return c > 0
		}
		return open[i].ID < open[j].ID
	})
	// Survivors add H × window; collapsing the k first removes their share.
	survive3 := new(big.Int).Set(base3)
	for _, n := range open {
		survive3.Add(survive3, new(big.Int).Mul(h, n.runWindow))
	}
	cases := make([]StressCase, 0, len(open)+1)
	survivable := -1
	ok := true
	collapsed := []int64{}
	for k := 0; k <= len(open); k++ {
		if k > 0 {
			n := open[k-1]
			survive3.Sub(survive3, new(big.Int).Mul(h, n.runWindow))
			collapsed = append(collapsed, n.ID)
		}
		cases = append(cases, StressCase{K: k, WorstCaseNet: thirds(survive3), Collapsed: append([]int64{}, collapsed...)})
		if ok && survive3.Sign() >= 0 {
			survivable = k
		} else {
			ok = false
		}
	}
	return cases, survivable
}

func fromUnits(u *big.Int) decimal.Decimal { return decimal.NewFromBigInt(u, -BaseUnitPlaces) }

func toUnits(d decimal.Decimal) *big.Int { return d.Shift(BaseUnitPlaces).BigInt() }

// thirds returns units ÷ 3 as money, exact to 10^-12: a third's tail of 3s or 6s can never
// turn into a false half when the result is rounded to a minor unit.
func thirds(units *big.Int) decimal.Decimal {
	return fromUnits(units).DivRound(decimal.NewFromInt(3), 12)
}

// ratio returns a ÷ b as the float64 nearest to the exact quotient.
func ratio(a, b *big.Int) float64 {
	f, _ := new(big.Rat).SetFrac(a, b).Float64()
	return f
}

// xirrOf is XIRR as an optional value: nil when there is no rate.
func xirrOf(days []int32, flows []float64) *float64 {
	r, ok := XIRR(days, flows)
	if !ok || math.IsNaN(r) || math.IsInf(r, 0) {
		return nil
	}
	return &r
}
