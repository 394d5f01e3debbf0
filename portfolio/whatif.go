package portfolio

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// WhatIf is where the portfolio would end after a horizon if exactly the chosen networks
// collapsed today: the stress test's rules for one chosen set instead of the worst case.
type WhatIf struct {
	HorizonMonths int
	Collapse      []int64
	EndNet        decimal.Decimal // exact to 10^-12
	Networks      []WhatIfNetwork
}

// WhatIfNetwork is one network's end in a what-if: a collapsed open network ends at its net, a
// surviving one at net + horizon × run rate, a closed one at its net.
type WhatIfNetwork struct {
	ID             int64
	Name           string
	Open           bool
	Collapsed      bool
	Net            decimal.Decimal
	MonthlyRunRate decimal.Decimal
	EndNet         decimal.Decimal
}

// ComputeWhatIf applies a what-if to computed figures. Ids of closed networks collapse
// nothing more (they are closed already); ids the figures do not have are ignored.
func ComputeWhatIf(f Figures, collapse []int64, horizon int) WhatIf {
	chosen := make(map[int64]bool, len(collapse))
	for _, id := range collapse {
		chosen[id] = true
	}
	w := WhatIf{HorizonMonths: horizon, Collapse: []int64{}, Networks: make([]WhatIfNetwork, len(f.Networks))}
	h := big.NewInt(int64(horizon))
	total3 := new(big.Int)
	for i, n := range f.Networks {
		end3 := new(big.Int).Mul(toUnits(n.Net), big.NewInt(3))
		collapsed := n.Open && chosen[n.ID]
		if n.Open && !collapsed {
			end3.Add(end3, new(big.Int).Mul(h, n.runWindow))
		}
		if collapsed {
			w.Collapse = append(w.Collapse, n.ID)
		}
		total3.Add(total3, end3)
		w.Networks[i] = WhatIfNetwork{ID: n.ID, Name: n.Name, Open: n.Open, Collapsed: collapsed, Net: n.Net,
			MonthlyRunRate: n.BreakEven.MonthlyRunRate, EndNet: thirds(end3)}
	}
	w.EndNet = thirds(total3)
	return w
}

// WhatIfReport is a WhatIf as JSON, money rounded to the base currency's minor unit.
type WhatIfReport struct {
	HorizonMonths int                   `json:"horizon_months"`
	Collapse      []int64               `json:"collapse"`
	EndNet        string                `json:"end_net"`
	Networks      []WhatIfNetworkReport `json:"networks"`
}

// WhatIfNetworkReport is a WhatIfNetwork as JSON.
type WhatIfNetworkReport struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Open           bool   `json:"open"`
	Collapsed      bool   `json:"collapsed"`
	Net            string `json:"net"`
	MonthlyRunRate string `json:"monthly_run_rate"`
	EndNet         string `json:"end_net"`
}

// NewWhatIfReport renders a what-if in the base currency.
func NewWhatIfReport(w WhatIf, base string) WhatIfReport {
	r := WhatIfReport{HorizonMonths: w.HorizonMonths, Collapse: w.Collapse, EndNet: FormatMoney(w.EndNet, base),
		Networks: make([]WhatIfNetworkReport, len(w.Networks))}
	for i, n := range w.Networks {
		r.Networks[i] = WhatIfNetworkReport{ID: n.ID, Name: n.Name, Open: n.Open, Collapsed: n.Collapsed,
			Net: FormatMoney(n.Net, base), MonthlyRunRate: FormatMoney(n.MonthlyRunRate, base), EndNet: FormatMoney(n.EndNet, base)}
	}
	return r
}
