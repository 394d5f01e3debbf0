package portfolio

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestComputeWhatIf(t *testing.T) {
	t0 := NewDate(2026, 3, 15)
	units := func(s string) int64 { return decimal.RequireFromString(s).Shift(8).IntPart() }
	closed := NewDate(2026, 1, 1)
	networks := []Network{
		{ID: 1, Name: "A", Kind: Revshare, Status: StatusActive},
		{ID: 2, Name: "B", Kind: Revshare, Status: StatusActive},
		{ID: 3, Name: "C", Kind: Revshare, Status: StatusCollapsed, ClosedOn: &closed},
	}
	e := func(id int64, net int64, day Date, kind EntryKind, amount string) Entry {
		return Entry{ID: id, NetworkID: net, Date: day, Kind: kind, BaseUnits: units(amount)}
	}
	entries := []Entry{
		// A: −1000, then 100 a month in Dec–Feb: net −700, run rate 100.
		e(1, 1, NewDate(2025, 11, 1), Investment, "1000"),
		e(2, 1, NewDate(2025, 12, 1), Payout, "100"), e(3, 1, NewDate(2026, 1, 1), Payout, "100"), e(4, 1, NewDate(2026, 2, 1), Payout, "100"),
		// B: −300, then 10 + 10 + 20 = 40 in the window: net −260, run rate 40/3.
		e(5, 2, NewDate(2025, 11, 1), Investment, "300"),
		e(6, 2, NewDate(2025, 12, 1), Payout, "10"), e(7, 2, NewDate(2026, 1, 1), Payout, "10"), e(8, 2, NewDate(2026, 2, 1), Payout, "20"),
		// C: closed with −500.
		e(9, 3, NewDate(2025, 6, 1), Investment, "500"),
	}
	f := Compute(networks, entries, t0, DefaultSettings())
	cases := []struct {
		name     string
		collapse []int64
		horizon  int
		end      string   // exact to 10^-12
		ends     []string // per network
		chosen   []int64
	}{
		// Σ net = −700 − 260 − 500 = −1460; 12 months: A +1200, B +160.
		{"nothing collapses", nil, 12, "-100", []string{"500", "-100", "-500"}, []int64{}},
		{"A collapses", []int64{1}, 12, "-1300", []string{"-700", "-100", "-500"}, []int64{1}},
		{"both collapse", []int64{2, 1}, 12, "-1460", []string{"-700", "-260", "-500"}, []int64{1, 2}},
		// 1 month: B adds 40/3 = 13.333333333333.
		{"A collapses, one month", []int64{1}, 1, "-1446.666666666667", []string{"-700", "-246.666666666667", "-500"}, []int64{1}},
		{"a closed network and an unknown id change nothing", []int64{3, 99}, 12, "-100", []string{"500", "-100", "-500"}, []int64{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := ComputeWhatIf(f, tc.collapse, tc.horizon)
			if !w.EndNet.Equal(decimal.RequireFromString(tc.end)) {
				t.Errorf("end net %s, want %s", w.EndNet, tc.end)
			}
			for i, want := range tc.ends {
				if got := w.Networks[i].EndNet; !got.Equal(decimal.RequireFromString(want)) {
					t.Errorf("network %d ends at %s, want %s", w.Networks[i].ID, got, want)
				}
			}
			if len(w.Collapse) != len(tc.chosen) {
				t.Fatalf("collapsed %v, want %v", w.Collapse, tc.chosen)
			}
			for i := range tc.chosen {
				if w.Collapse[i] != tc.chosen[i] {
					t.Errorf("collapsed %v, want %v", w.Collapse, tc.chosen)
				}
			}
		})
	}
	// The what-if of the worst case's set equals the stress test's worst case.
	for _, s := range f.Risk.Stress {
		if w := ComputeWhatIf(f, s.Collapsed, f.Risk.HorizonMonths); !w.EndNet.Equal(s.WorstCaseNet) {
			t.Errorf("k=%d: what-if %s, stress %s", s.K, w.EndNet, s.WorstCaseNet)
		}
	}
}
