package api_test

import (
	"fmt"
	"testing"
)

// The portfolio endpoint serves figures in the base currency, rounded to cents, straight after
// any write (a snapshot older than the data is never served).
func TestPortfolioFigures(t *testing.T) {
	s := startServer(t)
	c := s.newUser("olga", false)
	a := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "A", "kind": "revshare", "joined_on": "2025-01-01"}), "id")
	b := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "B", "kind": "revshare", "joined_on": "2025-01-01"}), "id")

	empty := c.must(200, "GET", "/api/v1/portfolio", nil)
	if str(empty, "as_of") != "2026-03-15" || str(empty, "totals", "net") != "0.00" || str(empty, "risk", "hhi") != "<null>" {
		t.Errorf("empty portfolio: %v", empty)
	}

	c.must(201, "POST", "/api/v1/entries/batch", []map[string]any{
		// A: 1000 in, 3 × 150 back in Dec–Feb: net −550, run rate 150, break-even in ceil(550/150) = 4 months.
		{"network_id": a, "date": "2025-11-20", "kind": "investment", "amount": "1000"},
		{"network_id": a, "date": "2025-12-10", "kind": "payout", "amount": "150"},
		{"network_id": a, "date": "2026-01-10", "kind": "payout", "amount": "150"},
		{"network_id": a, "date": "2026-02-10", "kind": "payout", "amount": "150"},
		{"network_id": a, "date": "2026-03-01", "kind": "balance", "amount": "50"},
		// B: 500 in, 600 back: paid back on 2026-02-01.
		{"network_id": b, "date": "2026-01-01", "kind": "investment", "amount": "500"},
		{"network_id": b, "date": "2026-02-01", "kind": "payout", "amount": "600"},
	})
	p := c.must(200, "GET", "/api/v1/portfolio", nil)
	want := map[string]string{
		"totals.outlay": "1500.00", "totals.returned": "1050.00", "totals.net": "-450.00",
		"totals.capital_at_risk": "550.00", "totals.balance": "50.00", "totals.exposure": "600.00", "totals.loss": "0.00",
		"break_even_count.reached": "1", "break_even_count.total": "2",
		"networks.0.name": "A", "networks.0.net": "-550.00", "networks.0.exposure": "600.00", "networks.0.share": "1",
		"networks.0.break_even.monthly_run_rate": "150.00", "networks.0.break_even.projected_on": "2026-07-15",
		"networks.0.break_even.reached_on": "<null>", "networks.0.recovery_ratio": "0.45",
		"networks.1.break_even.reached_on": "2026-02-01", "networks.1.break_even.reached": "true", "networks.1.share": "0",
		"risk.hhi": "1", "risk.effective_networks": "1", "risk.top_share": "1", "risk.horizon_months": "12",
		// Stress: k=0 −450 + 12×150 + 12×200 = 3750; k=1 collapses B (run rate 200): 1350; k=2: −450.
		"risk.stress.0.worst_case_net": "3750.00", "risk.stress.1.worst_case_net": "1350.00", "risk.stress.2.worst_case_net": "-450.00",
		"risk.survivable_collapses": "1", "income_mix.capital": "1",
	}
	for path, v := range want {
		if got := str(p, splitPath(path)...); got != v {
			t.Errorf("%s = %s, want %s", path, got, v)
		}
	}
	if id(p, "risk", "stress", 1, "collapsed", 0) != b {
		t.Errorf("k=1 collapses %v, want B", get(p, "risk", "stress", 1, "collapsed"))
	}
	if length(p, "rules") != 6 {
		t.Errorf("%d rules, want 6", length(p, "rules"))
	}

	// The snapshot answer equals a fresh computation, but for computed_at.
	fresh := c.must(200, "GET", "/api/v1/portfolio?fresh=true", nil)
	for _, path := range []string{"totals.net", "networks.0.xirr", "risk.stress.1.worst_case_net", "rules.0.status"} {
		if str(fresh, splitPath(path)...) != str(p, splitPath(path)...) {
			t.Errorf("fresh %s = %s, snapshot %s", path, str(fresh, splitPath(path)...), str(p, splitPath(path)...))
		}
	}
	// As of an earlier day: only entries up to then count.
	past := c.must(200, "GET", "/api/v1/portfolio?as_of=2026-01-31", nil)
	if str(past, "as_of") != "2026-01-31" || str(past, "totals", "net") != "-1200.00" || str(past, "networks", 1, "break_even", "reached") != "false" {
		t.Errorf("as of 2026-01-31: %v", get(past, "totals"))
	}
	if got := c.must(200, "GET", "/api/v1/portfolio?horizon=24", nil); str(got, "risk", "horizon_months") != "24" || str(got, "risk", "stress", 0, "worst_case_net") != "7950.00" {
		t.Errorf("horizon 24: %v", get(got, "risk"))
	}

	// A write is visible at once.
	c.must(201, "POST", "/api/v1/entries", map[string]any{"network_id": a, "date": "2026-03-14", "kind": "payout", "amount": "600"})
	if got := c.must(200, "GET", "/api/v1/portfolio", nil); str(got, "networks", 0, "net") != "50.00" || str(got, "break_even_count", "reached") != "2" {
		t.Errorf("after a write: %v", get(got, "networks", 0))
	}

	run(t, c, []scenario{
		{name: "bad as_of", method: "GET", path: "/api/v1/portfolio?as_of=someday", status: 422, fields: []string{"as_of"}},
		{name: "bad horizon", method: "GET", path: "/api/v1/portfolio?horizon=0", status: 422, fields: []string{"horizon"}},
		{name: "recompute", method: "POST", path: "/api/v1/portfolio/recompute", status: 202},
		{name: "bad history month", method: "GET", path: "/api/v1/portfolio/history?from=2026-13", status: 422, fields: []string{"from"}},
	})
	c.t = t

	// What-if: only B collapses (net 100); A (net 50 after the last payout) goes on at 150 a
	// month for 12 months: 50 + 1800 + 100 = 1950.
	w := c.must(200, "GET", fmt.Sprintf("/api/v1/portfolio/whatif?collapse=%d&horizon=12", b), nil)
	if str(w, "end_net") != "1950.00" || str(w, "horizon_months") != "12" || id(w, "collapse", 0) != b ||
		str(w, "networks", 0, "end_net") != "1850.00" || str(w, "networks", 1, "collapsed") != "true" {
		t.Errorf("what-if: %v", w)
	}
	run(t, c, []scenario{
		{name: "what-if of another's network", method: "GET", path: "/api/v1/portfolio/whatif?collapse=999", status: 422, fields: []string{"collapse"}},
		{name: "what-if garbage", method: "GET", path: "/api/v1/portfolio/whatif?collapse=a,b", status: 422, fields: []string{"collapse"}},
	})
	c.t = t

	h := c.must(200, "GET", "/api/v1/portfolio/history?from=2025-12&to=2026-03", nil)
	if n := length(h, "points"); n != 4 {
		t.Fatalf("%d history points, want 4: %v", n, h)
	}
	// End of January: A −1000 + 2 × 150 = −700, B −500; the March balance does not count yet.
	if str(h, "points", 1, "month") != "2026-01" || str(h, "points", 1, "net") != "-1200.00" || str(h, "points", 1, "exposure") != "1200.00" ||
		str(h, "points", 1, "networks", 0, "capital_at_risk") != "700.00" {
		t.Errorf("January: %v", get(h, "points", 1))
	}
	if str(h, "points", 3, "date") != "2026-03-15" {
		t.Errorf("the last point is today: %v", get(h, "points", 3, "date"))
	}
	if got := c.must(200, "GET", "/api/v1/jobs", nil); length(got) != 0 {
		t.Errorf("jobs without a scheduler: %v", got)
	}
	if got := c.must(200, "GET", "/api/v1/reminders", nil); length(got) != 0 {
		t.Errorf("reminders before the job ran: %v", got)
	}

	// Another user sees none of it.
	other := s.newUser("pete", false)
	if got := other.must(200, "GET", "/api/v1/portfolio", nil); length(got, "networks") != 0 || str(got, "totals", "outlay") != "0.00" {
		t.Errorf("pete sees %v", got)
	}
	if got := other.must(200, "GET", "/api/v1/portfolio/history", nil); length(got, "points") != 1 {
		t.Errorf("pete's history %v", got)
	}
}

func splitPath(p string) []any {
	var out []any
	for _, part := range splitDots(p) {
		var n int
		if _, err := fmt.Sscanf(part, "%d", &n); err == nil && fmt.Sprint(n) == part {
			out = append(out, n)
		} else {
			out = append(out, part)
		}
	}
	return out
}

func splitDots(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func TestMonthlyPayoutLog(t *testing.T) {
	s := startServer(t)
	c := s.newUser("quinn", false)
	a := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "A", "kind": "revshare", "joined_on": "2025-12-20"}), "id")
	usd := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "U", "kind": "product", "currency": "USD", "joined_on": "2026-01-01"}), "id")
	c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "P", "kind": "revshare", "status": "paused", "joined_on": "2025-01-01"})
	c.must(200, "PUT", "/api/v1/rates", []map[string]any{{"date": "2026-01-30", "currency": "USD", "units_per_eur": "1.25"}})

	created := c.do("PUT", "/api/v1/payouts/monthly", map[string]any{"network_id": a, "month": "2026-01", "amount": "120.50"})
	if created.Status != 201 || str(created.Body, "date") != "2026-01-31" || str(created.Body, "external_id") != fmt.Sprintf("monthly:%d:2026-01", a) ||
		str(created.Body, "income_class") != "capital" {
		t.Fatalf("create line: %d %s", created.Status, created.Raw)
	}
	updated := c.do("PUT", "/api/v1/payouts/monthly", map[string]any{"network_id": a, "month": "2026-01", "amount": "130", "income_class": "passive"})
	if updated.Status != 200 || id(updated.Body, "id") != id(created.Body, "id") || str(updated.Body, "amount") != "130.00" {
		t.Fatalf("update line: %d %s", updated.Status, updated.Raw)
	}
	c.must(201, "PUT", "/api/v1/payouts/monthly", map[string]any{"network_id": usd, "month": "2026-01", "amount": "50"})
	// "0" records "no payout this month" and clears the reminder.
	c.must(201, "PUT", "/api/v1/payouts/monthly", map[string]any{"network_id": usd, "month": "2026-02", "amount": "0"})
	// An ordinary payout entry counts as logged too.
	c.must(201, "POST", "/api/v1/entries", map[string]any{"network_id": a, "date": "2026-02-03", "kind": "payout", "amount": "10"})

	log := c.must(200, "GET", "/api/v1/payouts/monthly?year=2026", nil)
	if length(log, "months") != 12 || str(log, "months", 0) != "2026-01" || length(log, "networks") != 3 {
		t.Fatalf("log: %v", log)
	}
	cells := func(row int) []string {
		var out []string
		for i := 0; i < 4; i++ {
			out = append(out, fmt.Sprintf("%s/%s", str(log, "networks", row, "cells", i, "amount"), str(log, "networks", row, "cells", i, "logged")))
		}
		return out
	}
	// Rows by name: A, P, U. March is the current month: not yet due.
	wantA := []string{"130.00/true", "10.00/true", "<null>/true", "<null>/true"}
	wantP := []string{"<null>/true", "<null>/true", "<null>/true", "<null>/true"} // paused: no reminder
	wantU := []string{"40.00/true", "0.00/true", "<null>/true", "<null>/true"}    // 50 USD at 1.25
	for row, want := range [][]string{wantA, wantP, wantU} {
		if got := cells(row); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("row %d cells %v, want %v", row, got, want)
		}
	}
	if str(log, "totals", 0, "amount") != "170.00" || str(log, "networks", 0, "total") != "140.00" || str(log, "total") != "180.00" {
		t.Errorf("totals: %v %v", get(log, "totals"), get(log, "total"))
	}
	if str(log, "networks", 0, "cells", 0, "line", "amount") != "130.00" {
		t.Errorf("the log line: %v", get(log, "networks", 0, "cells", 0))
	}
	// In 2025, A joined on 2025-12-20 and logged nothing in December: reminded.
	prev := c.must(200, "GET", "/api/v1/payouts/monthly?year=2025", nil)
	if str(prev, "networks", 0, "cells", 11, "logged") != "false" || str(prev, "networks", 0, "cells", 10, "logged") != "true" {
		t.Errorf("2025: %v", get(prev, "networks", 0, "cells"))
	}

	other := s.newUser("rita", false)
	run(t, other, []scenario{
		{name: "another user's network", method: "PUT", path: "/api/v1/payouts/monthly", body: map[string]any{"network_id": a, "month": "2026-01", "amount": "1"}, status: 422, fields: []string{"network_id"}},
	})
	run(t, c, []scenario{
		{name: "future month", method: "PUT", path: "/api/v1/payouts/monthly", body: map[string]any{"network_id": a, "month": "2026-04", "amount": "1"}, status: 422, fields: []string{"month"}},
		{name: "bad month", method: "PUT", path: "/api/v1/payouts/monthly", body: map[string]any{"network_id": a, "month": "2026-1", "amount": "1"}, status: 422, fields: []string{"month"}},
		{name: "negative", method: "PUT", path: "/api/v1/payouts/monthly", body: map[string]any{"network_id": a, "month": "2026-01", "amount": "-1"}, status: 422, fields: []string{"amount"}},
		{name: "bad year", method: "GET", path: "/api/v1/payouts/monthly?year=abc", status: 422, fields: []string{"year"}},
		{name: "zero outside the log", method: "POST", path: "/api/v1/entries", body: map[string]any{"network_id": a, "date": "2026-01-05", "kind": "payout", "amount": "0"}, status: 422, fields: []string{"amount"}},
	})
	if got := other.must(200, "GET", "/api/v1/payouts/monthly", nil); length(got, "networks") != 0 {
		t.Errorf("rita sees %v", got)
	}
}
