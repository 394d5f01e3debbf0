package portfolio

import (
	"fmt"
	"math/big"
	"strings"
)

// Rule ids.
const (
	RuleSingleNetworkShare  = "single_network_share"
	RuleRevshareDiversified = "revshare_diversified"
	RuleProductFocus        = "product_focus"
	RuleCommitmentsCovered  = "commitments_covered"
	RuleIncomeMix           = "income_mix"
	RulePayoutsOverdue      = "payouts_overdue"
)

// rules checks the portfolio against the common advice: spread income networks, keep product
// networks few, let commitments pay for themselves, watch for networks that stop paying.
// A rule that does not apply passes. Breaking a spread rule warns; a commitment that costs more
// than it brings, or a network that stopped paying, fails.
func rules(f *Figures, l Limits) []Rule {
	return []Rule{
		singleNetworkShare(f, l),
		revshareDiversified(f, l),
		productFocus(f, l),
		commitmentsCovered(f, l),
		incomeMix(f, l),
		payoutsOverdue(f, l),
	}
}

func ptr(v float64) *float64 { return &v }

func names(f *Figures, ids []int64) string {
	byID := map[int64]string{}
	for _, n := range f.Networks {
		byID[n.ID] = n.Name
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return strings.Join(out, ", ")
}

func singleNetworkShare(f *Figures, l Limits) Rule {
	r := Rule{ID: RuleSingleNetworkShare, Status: Pass, Limit: l.SingleNetworkShare, Value: f.Risk.TopShare}
	withExposure := 0
	var top *NetworkFigures
	for i := range f.Networks {
		n := &f.Networks[i]
		if n.Open && n.exposureUnits.Sign() > 0 {
			withExposure++
			if top == nil || n.exposureUnits.Cmp(top.exposureUnits) > 0 {
				top = n
			}
		}
	}
	switch {
	case withExposure < 2:
		r.Message = "fewer than two open networks hold exposure; nothing to spread yet"
	case *f.Risk.TopShare > l.SingleNetworkShare:
		r.Status, r.Networks = Warn, []int64{top.ID}
		r.Message = fmt.Sprintf("%s holds %.0f %% of your exposure, more than %.0f %%", top.Name, *f.Risk.TopShare*100, l.SingleNetworkShare*100)
	default:
		r.Message = fmt.Sprintf("no network holds more than %.0f %% of your exposure", l.SingleNetworkShare*100)
	}
	return r
}

func revshareDiversified(f *Figures, l Limits) Rule {
	count := 0
	for _, n := range f.Networks {
		if n.Open && n.Kind == Revshare && n.exposureUnits.Sign() > 0 {
			count++
		}
	}
	r := Rule{ID: RuleRevshareDiversified, Status: Pass, Limit: float64(l.RevshareMin), Value: ptr(float64(count))}
	switch {
	case count == 0:
		r.Message = "no open income network holds exposure"
	case count < l.RevshareMin:
		r.Status = Warn
		r.Message = fmt.Sprintf("your exposure in income networks sits in %d of them; spread it over at least %d", count, l.RevshareMin)
	default:
		r.Message = fmt.Sprintf("your exposure in income networks is spread over %d of them", count)
	}
	return r
}

func productFocus(f *Figures, l Limits) Rule {
	var ids []int64
	for _, n := range f.Networks {
		if n.Open && n.Kind == Product && n.commitment != nil {
			ids = append(ids, n.ID)
		}
	}
	r := Rule{ID: RuleProductFocus, Status: Pass, Limit: float64(l.ProductMax), Value: ptr(float64(len(ids)))}
	if len(ids) > l.ProductMax {
		r.Status, r.Networks = Warn, ids
		r.Message = fmt.Sprintf("%d product networks with a monthly commitment (%s); keep focus on at most %d", len(ids), names(f, ids), l.ProductMax)
	} else {
		r.Message = fmt.Sprintf("%d product networks with a monthly commitment", len(ids))
	}
	return r
}

// commitmentsCovered checks each open product network with a commitment: the payouts of the
// last three complete months ÷ 3 must reach the commitment (times the limit). Its value is the
// lowest coverage.
func commitmentsCovered(f *Figures, l Limits) Rule {
	r := Rule{ID: RuleCommitmentsCovered, Status: Pass, Limit: l.CommitmentCoverage}
	var short []int64
	for _, n := range f.Networks {
		if !n.Open || n.Kind != Product || n.commitment == nil || !n.commitment.IsPositive() {
			continue
		}
		// coverage = (payout window ÷ 3) ÷ commitment
		den := new(big.Int).Mul(toUnits(*n.commitment), big.NewInt(3))
		coverage := ratio(n.payoutWindow, den)
		if r.Value == nil || coverage < *r.Value {
			r.Value = ptr(coverage)
		}
		if coverage < l.CommitmentCoverage {
			short = append(short, n.ID)
		}
	}
	switch {
	case r.Value == nil:
		r.Message = "no open product network has a monthly commitment"
	case len(short) > 0:
		r.Status, r.Networks = Fail, short
		r.Message = fmt.Sprintf("the payouts of %s do not cover the monthly commitment", names(f, short))
	default:
		r.Message = "every monthly commitment is covered by the network's payouts"
	}
	return r
}

func incomeMix(f *Figures, l Limits) Rule {
	r := Rule{ID: RuleIncomeMix, Status: Pass, Limit: l.IncomeClassMax}
	m := f.IncomeMix
	if m == nil {
		r.Message = "no payouts in the last 12 complete months"
		return r
	}
	top, class := m.Active, "active"
	if m.Passive > top {
		top, class = m.Passive, "passive"
	}
	if m.Capital > top {
		top, class = m.Capital, "capital"
	}
	r.Value = ptr(top)
	if top > l.IncomeClassMax {
		r.Status = Warn
		r.Message = fmt.Sprintf("%.0f %% of your payouts are %s income; more than %.0f %% in one class", top*100, class, l.IncomeClassMax*100)
	} else {
		r.Message = fmt.Sprintf("no income class is above %.0f %% of your payouts", l.IncomeClassMax*100)
	}
	return r
}

// payoutsOverdue flags open networks that paid in 3+ different months but whose latest payout
// is more than 45 days old: often the first sign of a collapse. Its value is the most days
// since a latest payout among the networks that are expected to pay.
func payoutsOverdue(f *Figures, l Limits) Rule {
	r := Rule{ID: RulePayoutsOverdue, Status: Pass, Limit: float64(l.OverdueDays)}
	var late []int64
	for _, n := range f.Networks {
		if !n.Open || n.payoutMonths < l.OverdueMinMonths || n.latestPayout == nil {
			continue
		}
		days := float64(f.AsOf - *n.latestPayout)
		if r.Value == nil || days > *r.Value {
			r.Value = ptr(days)
		}
		if days > float64(l.OverdueDays) {
			late = append(late, n.ID)
		}
	}
	if len(late) > 0 {
		r.Status, r.Networks = Fail, late
		r.Message = fmt.Sprintf("no payout for more than %d days from %s", l.OverdueDays, names(f, late))
	} else {
		r.Message = "every network that pays regularly has paid recently"
	}
	return r
}
