package portfolio

import (
	"time"

	"github.com/shopspring/decimal"
)

// Report is the JSON form of Figures that the API serves and snapshots store: money as
// decimal strings rounded to the base currency's minor unit (half away from zero), ratios as
// numbers, null where a figure is undefined.
type Report struct {
	AsOf           Date             `json:"as_of"`
	ComputedAt     time.Time        `json:"computed_at"`
	BaseCurrency   string           `json:"base_currency"`
	Totals         TotalsReport     `json:"totals"`
	BreakEvenCount BreakEvenCount   `json:"break_even_count"`
	Networks       []NetworkReport  `json:"networks"`
	Risk           RiskReport       `json:"risk"`
	IncomeMix      *IncomeMixReport `json:"income_mix"`
	Rules          []RuleReport     `json:"rules"`
}

// TotalsReport is Totals as JSON.
type TotalsReport struct {
	Outlay        string   `json:"outlay"`
	Returned      string   `json:"returned"`
	Net           string   `json:"net"`
	CapitalAtRisk string   `json:"capital_at_risk"`
	Balance       string   `json:"balance"`
	Exposure      string   `json:"exposure"`
	Loss          string   `json:"loss"`
	XIRR          *float64 `json:"xirr"`
}

// NetworkReport is NetworkFigures as JSON.
type NetworkReport struct {
	ID              int64           `json:"id"`
	Name            string          `json:"name"`
	Kind            NetworkKind     `json:"kind"`
	Status          NetworkStatus   `json:"status"`
	Open            bool            `json:"open"`
	Outlay          string          `json:"outlay"`
	Returned        string          `json:"returned"`
	Net             string          `json:"net"`
	RecoveryRatio   *float64        `json:"recovery_ratio"`
	CapitalAtRisk   string          `json:"capital_at_risk"`
	Balance         string          `json:"balance"`
	Exposure        string          `json:"exposure"`
	Loss            string          `json:"loss"`
	Share           *float64        `json:"share"`
	BreakEven       BreakEvenReport `json:"break_even"`
	XIRR            *float64        `json:"xirr"`
	XIRRWithBalance *float64        `json:"xirr_with_balance"`
}

// BreakEvenReport is BreakEven as JSON.
type BreakEvenReport struct {
	Reached        bool   `json:"reached"`
	ReachedOn      *Date  `json:"reached_on"`
	MonthlyRunRate string `json:"monthly_run_rate"`
	ProjectedOn    *Date  `json:"projected_on"`
}

// RiskReport is Risk as JSON.
type RiskReport struct {
	HHI                 *float64       `json:"hhi"`
	EffectiveNetworks   *float64       `json:"effective_networks"`
	TopShare            *float64       `json:"top_share"`
	ByKind              *ByKindReport  `json:"by_kind"`
	HorizonMonths       int            `json:"horizon_months"`
	SurvivableCollapses int            `json:"survivable_collapses"`
	Stress              []StressReport `json:"stress"`
}

// ByKindReport is ByKind as JSON.
type ByKindReport struct {
	Revshare float64 `json:"revshare"`
	Product  float64 `json:"product"`
}

// StressReport is one StressCase as JSON.
type StressReport struct {
	K            int     `json:"k"`
	WorstCaseNet string  `json:"worst_case_net"`
	Collapsed    []int64 `json:"collapsed"`
}

// IncomeMixReport is IncomeMix as JSON.
type IncomeMixReport struct {
	Active  float64 `json:"active"`
	Passive float64 `json:"passive"`
	Capital float64 `json:"capital"`
}

// RuleReport is one Rule as JSON.
type RuleReport struct {
	ID       string   `json:"id"`
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	Value    *float64 `json:"value"`
	Limit    float64  `json:"limit"`
	Networks []int64  `json:"networks"`
}

// NewReport renders figures for a user whose base currency is base.
func NewReport(f Figures, base string, computedAt time.Time) Report {
	m := func(d decimal.Decimal) string { return FormatMoney(d, base) }
	r := Report{
		AsOf: f.AsOf, ComputedAt: computedAt.UTC(), BaseCurrency: base, BreakEvenCount: f.BreakEvenCount,
		Totals: TotalsReport{Outlay: m(f.Totals.Outlay), Returned: m(f.Totals.Returned), Net: m(f.Totals.Net),
			CapitalAtRisk: m(f.Totals.CapitalAtRisk), Balance: m(f.Totals.Balance), Exposure: m(f.Totals.Exposure),
			Loss: m(f.Totals.Loss), XIRR: f.Totals.XIRR},
		Networks: make([]NetworkReport, len(f.Networks)),
		Risk: RiskReport{HHI: f.Risk.HHI, EffectiveNetworks: f.Risk.EffectiveNetworks, TopShare: f.Risk.TopShare,
			HorizonMonths: f.Risk.HorizonMonths, SurvivableCollapses: f.Risk.SurvivableCollapses,
			Stress: make([]StressReport, len(f.Risk.Stress))},
		Rules: make([]RuleReport, len(f.Rules)),
	}
	for i, n := range f.Networks {
		r.Networks[i] = NetworkReport{ID: n.ID, Name: n.Name, Kind: n.Kind, Status: n.Status, Open: n.Open,
			Outlay: m(n.Outlay), Returned: m(n.Returned), Net: m(n.Net), RecoveryRatio: n.RecoveryRatio,
			CapitalAtRisk: m(n.CapitalAtRisk), Balance: m(n.Balance), Exposure: m(n.Exposure), Loss: m(n.Loss),
			Share: n.Share, XIRR: n.XIRR, XIRRWithBalance: n.XIRRWithBalance,
			BreakEven: BreakEvenReport{Reached: n.BreakEven.Reached, ReachedOn: n.BreakEven.ReachedOn,
				MonthlyRunRate: m(n.BreakEven.MonthlyRunRate), ProjectedOn: n.BreakEven.ProjectedOn}}
	}
	if k := f.Risk.ByKind; k != nil {
		r.Risk.ByKind = &ByKindReport{Revshare: k.Revshare, Product: k.Product}
	}
	for i, s := range f.Risk.Stress {
		r.Risk.Stress[i] = StressReport{K: s.K, WorstCaseNet: m(s.WorstCaseNet), Collapsed: s.Collapsed}
	}
	if mix := f.IncomeMix; mix != nil {
		r.IncomeMix = &IncomeMixReport{Active: mix.Active, Passive: mix.Passive, Capital: mix.Capital}
	}
	for i, rule := range f.Rules {
		ids := rule.Networks
		if ids == nil {
			ids = []int64{}
		}
		r.Rules[i] = RuleReport{ID: rule.ID, Status: rule.Status, Message: rule.Message, Value: rule.Value, Limit: rule.Limit, Networks: ids}
	}
	return r
}
