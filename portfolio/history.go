package portfolio

import (
	"math/big"
	"sort"

	"github.com/shopspring/decimal"
)

// HistoryPoint is the portfolio at one month end, for charts.
type HistoryPoint struct {
	Date     Date
	Networks []HistoryNetwork
	HHI      *float64
	Exposure decimal.Decimal
	Net      decimal.Decimal
}

// HistoryNetwork is one network at a month end.
type HistoryNetwork struct {
	ID                           int64
	Net, CapitalAtRisk, Exposure decimal.Decimal
}

// MonthEnds returns the portfolio at the end of every month from from's month to to's month,
// (the last point is to itself), with the same definitions as Compute (open on the day, latest balance, exposure shares).
// It sorts the entries once and sweeps forward, so a long history costs little more than one
// pass over the entries.
func MonthEnds(networks []Network, entries []Entry, from, to Date) []HistoryPoint {
	if to < from {
		return nil
	}
	order := make([]*Entry, len(entries))
	for i := range entries {
		order[i] = &entries[i]
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].Date != order[j].Date {
			return order[i].Date < order[j].Date
		}
		return order[i].ID < order[j].ID
	})
	index := make(map[int64]int, len(networks))
	for i, n := range networks {
		index[n.ID] = i
	}
	net := make([]big.Int, len(networks))
	balance := make([]int64, len(networks))
	var points []HistoryPoint
	next := 0
	for month := from.Month(); month <= to; month = month.AddMonths(1) {
		end := min(month.AddMonths(1)-1, to)
		for ; next < len(order) && order[next].Date <= end; next++ {
			e := order[next]
			i, ok := index[e.NetworkID]
			if !ok {
				continue
			}
			switch sign := e.Kind.CashSign(); {
			case sign > 0:
				net[i].Add(&net[i], big.NewInt(e.BaseUnits))
			case sign < 0:
				net[i].Sub(&net[i], big.NewInt(e.BaseUnits))
			}
			if e.Kind == Balance {
				balance[i] = e.BaseUnits
			}
		}
		p := HistoryPoint{Date: end, Networks: make([]HistoryNetwork, len(networks))}
		totalNet, totalExp, sumSq := new(big.Int), new(big.Int), new(big.Int)
		for i := range networks {
			h := HistoryNetwork{ID: networks[i].ID, Net: fromUnits(&net[i]), CapitalAtRisk: decimal.Zero, Exposure: decimal.Zero}
			totalNet.Add(totalNet, &net[i])
			if networks[i].OpenOn(end) {
				exp := new(big.Int)
				if net[i].Sign() < 0 {
					exp.Neg(&net[i])
				}
				h.CapitalAtRisk = fromUnits(exp)
				exp.Add(exp, big.NewInt(balance[i]))
				h.Exposure = fromUnits(exp)
				totalExp.Add(totalExp, exp)
				sumSq.Add(sumSq, new(big.Int).Mul(exp, exp))
			}
			p.Networks[i] = h
		}
		p.Net, p.Exposure = fromUnits(totalNet), fromUnits(totalExp)
		if totalExp.Sign() > 0 {
			hhi := ratio(sumSq, new(big.Int).Mul(totalExp, totalExp))
			p.HHI = &hhi
		}
		points = append(points, p)
	}
	return points
}

// HistoryReport is a HistoryPoint as JSON.
type HistoryReport struct {
	Month    string                 `json:"month"`
	Date     Date                   `json:"date"`
	Networks []HistoryNetworkReport `json:"networks"`
	HHI      *float64               `json:"hhi"`
	Exposure string                 `json:"exposure"`
	Net      string                 `json:"net"`
}

// HistoryNetworkReport is a HistoryNetwork as JSON.
type HistoryNetworkReport struct {
	ID            int64  `json:"id"`
	Net           string `json:"net"`
	CapitalAtRisk string `json:"capital_at_risk"`
	Exposure      string `json:"exposure"`
}

// NewHistoryReport renders month-end points in the base currency.
func NewHistoryReport(points []HistoryPoint, base string) []HistoryReport {
	out := make([]HistoryReport, len(points))
	for i, p := range points {
		r := HistoryReport{Month: p.Date.MonthKey(), Date: p.Date, HHI: p.HHI,
			Exposure: FormatMoney(p.Exposure, base), Net: FormatMoney(p.Net, base),
			Networks: make([]HistoryNetworkReport, len(p.Networks))}
		for j, n := range p.Networks {
			r.Networks[j] = HistoryNetworkReport{ID: n.ID, Net: FormatMoney(n.Net, base),
				CapitalAtRisk: FormatMoney(n.CapitalAtRisk, base), Exposure: FormatMoney(n.Exposure, base)}
		}
		out[i] = r
	}
	return out
}
