package portfolio

// Figures are checked against DESIGN.md, section "Figures", with expectations computed by
// hand: every expected number below comes with its arithmetic in a comment.
//
// Unless a case says otherwise, t = 2026-03-15, so "the last 3 complete months" (the run-rate
// window) are Dec 2025, Jan 2026 and Feb 2026, and "the last 12 complete months" (the income
// mix) are Mar 2025 … Feb 2026. Every fixture is in EUR, the base currency: BaseUnits is the
// amount × 10^8.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

// figT is the as-of date of most cases.
const figT = "2026-03-15"

// ---------------------------------------------------------------------------------------------
// Fixture builders

// figD parses a fixture date; a typo is a bug in the test, so it panics.
func figD(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(fmt.Sprintf("bad fixture date %q: %v", s, err))
	}
	return d
}

// figDP is figD as a pointer; "" is nil.
func figDP(s string) *Date {
	if s == "" {
		return nil
	}
	d := figD(s)
	return &d
}

// figUnits turns a base-currency amount such as "12.34" into BaseUnits (× 10^8).
func figUnits(amount string) int64 {
	d := decimal.RequireFromString(amount).Shift(BaseUnitPlaces)
	if !d.IsInteger() {
		panic(fmt.Sprintf("fixture amount %q is finer than 10^-8", amount))
	}
	return d.IntPart()
}

// figNet is a network; closedOn "" means none.
func figNet(id int64, kind NetworkKind, status NetworkStatus, closedOn string) Network {
	return Network{
		ID: id, UserID: 1, Name: fmt.Sprintf("net%d", id), Kind: kind, Status: status,
		Currency: "EUR", JoinedOn: figD("2024-01-01"), ClosedOn: figDP(closedOn),
	}
}

// figRev is an active revshare network.
func figRev(id int64) Network { return figNet(id, Revshare, StatusActive, "") }

// figProd is a product network with a monthly commitment ("" for none).
func figProd(id int64, status NetworkStatus, closedOn, commitment string) Network {
	n := figNet(id, Product, status, closedOn)
	if commitment != "" {
		c := decimal.RequireFromString(commitment)
		n.CommitmentAmount, n.CommitmentDay = &c, 1
	}
	return n
}

// figE is one entry in EUR. Payouts get the class `capital`; use figPay to choose one.
func figE(netID int64, date string, kind EntryKind, amount string) Entry {
	e := Entry{
		UserID: 1, NetworkID: netID, Date: figD(date), Kind: kind,
		Amount: decimal.RequireFromString(amount), Currency: "EUR", BaseUnits: figUnits(amount),
	}
	e.BaseAmount = FromBaseUnits(e.BaseUnits)
	if kind == Payout {
		e.IncomeClass = ClassCapital
	}
	return e
}

// figPay is a payout of the given income class.
func figPay(netID int64, date, amount string, class IncomeClass) Entry {
	e := figE(netID, date, Payout, amount)
	e.IncomeClass = class
	return e
}

// figID gives an entry an explicit id (the order it was recorded in).
func figID(id int64, e Entry) Entry {
	e.ID = id
	return e
}

// figBook numbers the entries 1, 2, 3 … in the order given — the order they were recorded
// in — unless an entry already has an id.
func figBook(es ...Entry) []Entry {
	out := make([]Entry, len(es))
	for i, e := range es {
		if e.ID == 0 {
			e.ID = int64(i + 1)
		}
		out[i] = e
	}
	return out
}

// figInvest is one investment of amount on 2025-01-01: an open network's exposure.
func figInvest(netID int64, amount string) Entry {
	return figE(netID, "2025-01-01", Investment, amount)
}

// figCompute runs Compute with the default settings, changed by mod if given.
func figCompute(nets []Network, entries []Entry, asOf string, mod func(*Settings)) Figures {
	s := DefaultSettings()
	if mod != nil {
		mod(&s)
	}
	return Compute(nets, entries, figD(asOf), s)
}

// ---------------------------------------------------------------------------------------------
// Assertions

func figF(v float64) *float64 { return &v }

// figNF returns the figures of network id.
func figNF(t *testing.T, f Figures, id int64) NetworkFigures {
	t.Helper()
	for _, n := range f.Networks {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no figures for network %d", id)
	return NetworkFigures{}
}

// figRule returns the rule with the given id.
func figRule(t *testing.T, f Figures, id string) Rule {
	t.Helper()
	for _, r := range f.Rules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %q in %+v", id, f.Rules)
	return Rule{}
}

// figExact checks money exactly.
func figExact(t *testing.T, what string, got decimal.Decimal, want string) {
	t.Helper()
	if w := decimal.RequireFromString(want); !got.Equal(w) {
		t.Errorf("%s = %s, want %s", what, got, w)
	}
}

var figTwelfth = decimal.New(1, -12)

// figNear checks money that is exact to 10^-12 (run rates, stress worst cases).
func figNear(t *testing.T, what string, got decimal.Decimal, want string) {
	t.Helper()
	if w := decimal.RequireFromString(want); got.Sub(w).Abs().GreaterThan(figTwelfth) {
		t.Errorf("%s = %s, want %s (± 1e-12)", what, got, w)
	}
}

// figRatio checks an optional ratio: nil, or within tol of want (relative above 1).
func figRatio(t *testing.T, what string, got, want *float64, tol float64) {
	t.Helper()
	switch {
	case want == nil && got == nil:
	case want == nil:
		t.Errorf("%s = %v, want nil", what, *got)
	case got == nil:
		t.Errorf("%s = nil, want %v", what, *want)
	case math.Abs(*got-*want) > tol*math.Max(1, math.Abs(*want)):
		t.Errorf("%s = %v, want %v (± %g)", what, *got, *want, tol)
	}
}

// figDate checks an optional date; "" means nil.
func figDate(t *testing.T, what string, got *Date, want string) {
	t.Helper()
	switch {
	case want == "" && got == nil:
	case want == "":
		t.Errorf("%s = %s, want nil", what, *got)
	case got == nil:
		t.Errorf("%s = nil, want %s", what, want)
	case *got != figD(want):
		t.Errorf("%s = %s, want %s", what, *got, want)
	}
}

// figJSON normalises figures for comparison: exported fields only, decimals as their value.
func figJSON(t *testing.T, f Figures) string {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatalf("marshal figures: %v", err)
	}
	return string(b)
}

// ---------------------------------------------------------------------------------------------
// outlay, returned, net, recovery_ratio

func TestFiguresCashFlows(t *testing.T) {
	cases := []struct {
		name                  string
		kind                  NetworkKind
		entries               []Entry
		outlay, returned, net string
		recovery              *float64
	}{
		{
			name: "investment, fee and payout; reinvest and balance move no cash",
			kind: Revshare,
			entries: figBook(
				figE(1, "2025-01-10", Investment, "1000"),
				figE(1, "2025-02-01", Fee, "10.50"),
				figE(1, "2025-03-01", Payout, "200.25"),
				figE(1, "2025-03-02", Reinvest, "50"),
				figE(1, "2025-03-03", Balance, "400"),
			),
			// outlay = 1000 + 10.50 = 1010.50; returned = 200.25; net = 200.25 − 1010.50
			outlay: "1010.50", returned: "200.25", net: "-810.25",
			recovery: figF(200.25 / 1010.50),
		},
		{
			name: "product: purchases and fees against commissions, exactly paid back",
			kind: Product,
			entries: figBook(
				figE(1, "2025-01-05", Purchase, "100"),
				figE(1, "2025-01-06", Fee, "20"),
				figE(1, "2025-02-01", Payout, "150"),
				figE(1, "2025-02-05", Purchase, "30"),
			),
			// outlay = 100 + 20 + 30 = 150; returned = 150; net = 0; ratio 150/150 = 1
			outlay: "150", returned: "150", net: "0", recovery: figF(1),
		},
		{
			name:    "only reinvest and balance: no cash, recovery_ratio null",
			kind:    Revshare,
			entries: figBook(figE(1, "2025-03-02", Reinvest, "50"), figE(1, "2025-03-03", Balance, "400")),
			outlay:  "0", returned: "0", net: "0", recovery: nil,
		},
		{
			name:    "payouts without outlay: recovery_ratio null",
			kind:    Revshare,
			entries: figBook(figE(1, "2025-04-01", Payout, "75.5")),
			outlay:  "0", returned: "75.5", net: "75.5", recovery: nil,
		},
		{
			name:    "network with no entries",
			kind:    Product,
			entries: nil,
			outlay:  "0", returned: "0", net: "0", recovery: nil,
		},
		{
			name: "single base units stay exact",
			kind: Revshare,
			entries: figBook(
				figE(1, "2025-01-01", Investment, "0.00000003"),
				figE(1, "2025-02-01", Payout, "0.00000001"),
				figE(1, "2025-03-01", Payout, "0.00000001"),
			),
			// 3 units out, 2 units in: net −1 unit; ratio 2/3
			outlay: "0.00000003", returned: "0.00000002", net: "-0.00000001", recovery: figF(2.0 / 3.0),
		},
		{
			name: "sums beyond int64 units stay exact",
			kind: Revshare,
			entries: figBook(
				figE(1, "2025-01-01", Investment, "80000000000"),
				figE(1, "2025-02-01", Investment, "80000000000"),
				figE(1, "2025-06-01", Payout, "89999999999.99999999"),
			),
			// 2 × 8×10^10 = 1.6×10^11 = 1.6×10^19 units > MaxInt64 ≈ 9.22×10^18
			// net = 89999999999.99999999 − 160000000000 = −70000000000.00000001
			outlay: "160000000000", returned: "89999999999.99999999", net: "-70000000000.00000001",
			recovery: figF(89999999999.99999999 / 160000000000),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := figCompute([]Network{figNet(1, c.kind, StatusActive, "")}, c.entries, figT, nil)
			n := figNF(t, f, 1)
			figExact(t, "outlay", n.Outlay, c.outlay)
			figExact(t, "returned", n.Returned, c.returned)
			figExact(t, "net", n.Net, c.net)
			figRatio(t, "recovery_ratio", n.RecoveryRatio, c.recovery, 1e-15)
		})
	}
}

// ---------------------------------------------------------------------------------------------
// open vs closed: capital_at_risk, balance, exposure, loss

func TestFiguresOpenClosed(t *testing.T) {
	// invest 1000, payout 300, balance 250: net = 300 − 1000 = −700
	standard := figBook(
		figE(1, "2025-01-01", Investment, "1000"),
		figE(1, "2025-06-01", Payout, "300"),
		figE(1, "2025-12-01", Balance, "250"),
	)
	// invest 1000, payout 1200: net = +200
	inProfit := figBook(figE(1, "2025-01-01", Investment, "1000"), figE(1, "2025-06-01", Payout, "1200"))
	cases := []struct {
		name     string
		status   NetworkStatus
		closedOn string
		entries  []Entry
		open     bool
		net      string
		car      string // capital_at_risk
		balance  string
		exposure string
		loss     string
	}{
		// open: car = max(0, 700) = 700; exposure = 700 + 250 = 950
		{"active is open", StatusActive, "", standard, true, "-700", "700", "250", "950", "0"},
		{"paused is open", StatusPaused, "", standard, true, "-700", "700", "250", "950", "0"},
		{"collapsed with closed_on after t is still open", StatusCollapsed, "2026-03-16", standard, true, "-700", "700", "250", "950", "0"},
		{"exited with closed_on after t is still open", StatusExited, "2027-01-01", standard, true, "-700", "700", "250", "950", "0"},
		// closed: car, balance, exposure 0; loss = max(0, 700) = 700
		{"exited with closed_on = t is closed", StatusExited, figT, standard, false, "-700", "0", "0", "0", "700"},
		{"collapsed with closed_on before t is closed", StatusCollapsed, "2026-01-01", standard, false, "-700", "0", "0", "0", "700"},
		// the payout of 2025-06-01 comes after the collapse of 2025-03-01 and still counts by its date
		{"late payout after a collapse counts", StatusCollapsed, "2025-03-01", standard, false, "-700", "0", "0", "0", "700"},
		// loss = max(0, −200) = 0
		{"exited in profit has no loss", StatusExited, "2025-07-01", inProfit, false, "200", "0", "0", "0", "0"},
		// open in profit: car = max(0, −200) = 0
		{"open in profit has no capital at risk", StatusActive, "", inProfit, true, "200", "0", "0", "0", "0"},
		{"collapsed without entries", StatusCollapsed, "2025-01-01", nil, false, "0", "0", "0", "0", "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := figCompute([]Network{figNet(1, Revshare, c.status, c.closedOn)}, c.entries, figT, nil)
			n := figNF(t, f, 1)
			if n.Open != c.open {
				t.Errorf("open = %v, want %v", n.Open, c.open)
			}
			figExact(t, "net", n.Net, c.net)
			figExact(t, "capital_at_risk", n.CapitalAtRisk, c.car)
			figExact(t, "balance", n.Balance, c.balance)
			figExact(t, "exposure", n.Exposure, c.exposure)
			figExact(t, "loss", n.Loss, c.loss)
		})
	}
}

// ---------------------------------------------------------------------------------------------
// balance: the latest balance entry by date, on a tie the one recorded last

func TestFiguresBalance(t *testing.T) {
	invest := figE(1, "2025-01-01", Investment, "1000") // car = 1000, exposure = 1000 + balance
	cases := []struct {
		name    string
		entries []Entry
		balance string
	}{
		{"no balance entry: 0", []Entry{figID(1, invest)}, "0"},
		{"latest by date, not latest recorded", []Entry{
			figID(1, invest),
			figID(2, figE(1, "2025-05-01", Balance, "500")),
			figID(3, figE(1, "2025-09-01", Balance, "300")),
			figID(4, figE(1, "2025-07-01", Balance, "800")), // recorded last but dated earlier
		}, "300"},
		{"tie on the date: the one recorded last (higher id) wins", []Entry{
			figID(1, invest),
			figID(2, figE(1, "2025-09-01", Balance, "300")),
			figID(3, figE(1, "2025-09-01", Balance, "350")),
		}, "350"},
		{"tie on the date, given in reverse order: still the higher id", []Entry{
			figID(3, figE(1, "2025-09-01", Balance, "350")),
			figID(2, figE(1, "2025-09-01", Balance, "300")),
			figID(1, invest),
		}, "350"},
		{"tie on the date: a lower amount recorded last wins", []Entry{
			figID(1, invest),
			figID(2, figE(1, "2025-09-01", Balance, "350")),
			figID(3, figE(1, "2025-09-01", Balance, "300")),
		}, "300"},
		{"balance after t is ignored", []Entry{
			figID(1, invest),
			figID(2, figE(1, "2025-09-01", Balance, "300")),
			figID(3, figE(1, "2026-03-16", Balance, "900")),
		}, "300"},
		{"balance on t counts", []Entry{
			figID(1, invest),
			figID(2, figE(1, "2025-09-01", Balance, "300")),
			figID(3, figE(1, figT, Balance, "900")),
		}, "900"},
		{"a latest balance of 0 wins over an older one", []Entry{
			figID(1, invest),
			figID(2, figE(1, "2025-09-01", Balance, "300")),
			figID(3, figE(1, "2025-10-01", Balance, "0")),
		}, "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := figCompute([]Network{figRev(1)}, c.entries, figT, nil)
			n := figNF(t, f, 1)
			figExact(t, "balance", n.Balance, c.balance)
			figExact(t, "capital_at_risk", n.CapitalAtRisk, "1000")
			want := decimal.RequireFromString("1000").Add(decimal.RequireFromString(c.balance))
			figExact(t, "exposure", n.Exposure, want.String())
			figExact(t, "net", n.Net, "-1000") // balances move no cash
		})
	}
}

// ---------------------------------------------------------------------------------------------
// break-even: reached and reached_on

func TestFiguresBreakEven(t *testing.T) {
	cases := []struct {
		name      string
		status    NetworkStatus
		closedOn  string
		entries   []Entry
		net       string
		reached   bool
		reachedOn string
	}{
		{name: "no entries: net 0 is reached, never on a day", entries: nil, net: "0", reached: true},
		{
			name: "payout recorded before the investment on the same day: end of day counts",
			entries: figBook(
				figE(1, "2025-05-01", Payout, "1000"),
				figE(1, "2025-05-01", Investment, "1000"),
			),
			// end of 2025-05-01: outlay 1000 > 0, net 1000 − 1000 = 0 ≥ 0
			net: "0", reached: true, reachedOn: "2025-05-01",
		},
		{
			name: "investment recorded before the payout on the same day",
			entries: figBook(
				figE(1, "2025-05-01", Investment, "1000"),
				figE(1, "2025-05-01", Payout, "1000"),
			),
			net: "0", reached: true, reachedOn: "2025-05-01",
		},
		{
			name: "a state inside a day does not count",
			entries: figBook(
				figE(1, "2025-05-01", Payout, "1000"),
				figE(1, "2025-05-01", Investment, "500"), // here net = +500 with outlay 500 …
				figE(1, "2025-05-01", Investment, "600"), // … but the day ends at 1000 − 1100 = −100
				figE(1, "2025-05-03", Payout, "100"),     // cumulative 1100 − 1100 = 0
			),
			net: "0", reached: true, reachedOn: "2025-05-03",
		},
		{
			name: "a payout before any outlay does not reach break-even",
			entries: figBook(
				figE(1, "2025-01-01", Payout, "50"),       // outlay 0: not counted
				figE(1, "2025-02-01", Investment, "1000"), // net 50 − 1000 = −950
				figE(1, "2025-06-01", Payout, "950"),      // net 0
			),
			net: "0", reached: true, reachedOn: "2025-06-01",
		},
		{
			name: "reached_on stays set when net drops below 0 again",
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2025-03-01", Payout, "1100"),    // net +100: first day ≥ 0
				figE(1, "2025-04-01", Investment, "500"), // net 1100 − 1500 = −400
			),
			net: "-400", reached: false, reachedOn: "2025-03-01",
		},
		{
			name:    "one cent short: never",
			entries: figBook(figE(1, "2025-01-01", Investment, "1000"), figE(1, "2025-06-01", Payout, "999.99")),
			net:     "-0.01", reached: false,
		},
		{
			name:    "reached on t itself",
			entries: figBook(figE(1, "2025-01-01", Investment, "1000"), figE(1, figT, Payout, "1000")),
			net:     "0", reached: true, reachedOn: figT,
		},
		{
			name:    "a payout after t does not count",
			entries: figBook(figE(1, "2025-01-01", Investment, "1000"), figE(1, "2026-03-16", Payout, "1000")),
			net:     "-1000", reached: false,
		},
		{
			name:    "only payouts: reached, but no day (outlay never > 0)",
			entries: figBook(figE(1, "2025-01-01", Payout, "100")),
			net:     "100", reached: true,
		},
		{
			name: "reinvest and balance do not pay back",
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2025-02-01", Reinvest, "2000"),
				figE(1, "2025-03-01", Balance, "5000"),
			),
			net: "-1000", reached: false,
		},
		{
			name: "fees count as outlay",
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2025-02-01", Payout, "1000"), // net 0 → reached on 2025-02-01
				figE(1, "2025-02-01", Fee, "1"),       // … but the withdrawal fee makes the day −1
				figE(1, "2025-02-02", Payout, "1"),    // net 0
			),
			net: "0", reached: true, reachedOn: "2025-02-02",
		},
		{
			name: "closed network that paid back", status: StatusExited, closedOn: "2025-08-01",
			entries: figBook(figE(1, "2025-01-01", Investment, "1000"), figE(1, "2025-07-01", Payout, "1200")),
			net:     "200", reached: true, reachedOn: "2025-07-01",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status := c.status
			if status == "" {
				status = StatusActive
			}
			f := figCompute([]Network{figNet(1, Revshare, status, c.closedOn)}, c.entries, figT, nil)
			n := figNF(t, f, 1)
			figExact(t, "net", n.Net, c.net)
			if n.BreakEven.Reached != c.reached {
				t.Errorf("reached = %v, want %v", n.BreakEven.Reached, c.reached)
			}
			figDate(t, "reached_on", n.BreakEven.ReachedOn, c.reachedOn)
		})
	}
}

// ---------------------------------------------------------------------------------------------
// monthly_run_rate and projected_on

func TestFiguresRunRateProjection(t *testing.T) {
	r4 := figBook( // car 300, window 90
		figE(1, "2025-06-01", Investment, "390"),
		figE(1, "2025-12-10", Payout, "30"),
		figE(1, "2026-01-10", Payout, "30"),
		figE(1, "2026-02-10", Payout, "30"),
	)
	cases := []struct {
		name      string
		asOf      string
		net       Network
		entries   []Entry
		wantNet   string
		runRate   string
		projected string
	}{
		{
			name: "window is the three calendar months before t's month",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-06-01", Investment, "2000"),
				figE(1, "2025-11-30", Payout, "500"), // before the window
				figE(1, "2025-12-01", Payout, "60"),  // first day of the window
				figE(1, "2026-01-10", Investment, "100"),
				figE(1, "2026-01-15", Payout, "30"),
				figE(1, "2026-01-20", Fee, "6"),
				figE(1, "2026-02-28", Purchase, "4"),
				figE(1, "2026-02-28", Payout, "30"),  // last day of the window
				figE(1, "2026-03-01", Payout, "700"), // t's month, before t: not in the window
				figE(1, "2026-03-16", Payout, "900"), // after t: ignored
			),
			// outlay = 2000 + 100 + 6 + 4 = 2110; returned = 500 + 60 + 30 + 30 + 700 = 1320
			// net = −790; window = 60 + 30 + 30 − 6 − 4 = 110 (the investment does not count)
			// run = 110/3 = 36.666666666667; months = ceil(3 × 790 / 110) = ceil(21.54) = 22
			// 2026-03-15 + 22 months = 2028-01-15
			wantNet: "-790", runRate: "36.666666666667", projected: "2028-01-15",
		},
		{
			name: "DESIGN example: 400 at 40/3 a month is 30 months, not 31",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-06-01", Investment, "440"),
				figE(1, "2025-12-05", Payout, "20"),
				figE(1, "2026-02-05", Payout, "20"),
			),
			// net = 40 − 440 = −400; window 40, run 13.333333333333
			// ceil(3 × 400 / 40) = 30 → 2026-03-15 + 30 months = 2028-09-15
			wantNet: "-400", runRate: "13.333333333333", projected: "2028-09-15",
		},
		{
			name: "month-end clamping: 2026-01-31 + 1 month = 2026-02-28",
			asOf: "2026-01-31",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-09-01", Investment, "400"),
				figE(1, "2025-10-31", Payout, "100"),
				figE(1, "2025-11-30", Payout, "100"),
				figE(1, "2025-12-31", Payout, "100"),
			),
			// window Oct–Dec 2025 = 300, run 100; net = −100; ceil(3 × 100 / 300) = 1 month
			wantNet: "-100", runRate: "100", projected: "2026-02-28",
		},
		{
			name:    "exact multiple: 300 at 30 a month is 10 months",
			net:     figRev(1),
			entries: r4,
			// net = 90 − 390 = −300; ceil(900 / 90) = 10 → 2027-01-15
			wantNet: "-300", runRate: "30", projected: "2027-01-15",
		},
		{
			name: "one cent more rounds up to 11 months",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-06-01", Investment, "390.01"),
				figE(1, "2025-12-10", Payout, "30"),
				figE(1, "2026-01-10", Payout, "30"),
				figE(1, "2026-02-10", Payout, "30"),
			),
			// net = −300.01; ceil(900.03 / 90) = ceil(10.0003) = 11 → 2027-02-15
			wantNet: "-300.01", runRate: "30", projected: "2027-02-15",
		},
		{
			name: "run rate of a third: 100/3",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-06-01", Investment, "1000"),
				figE(1, "2026-01-10", Payout, "100"),
			),
			// net = −900; run 33.333333333333; ceil(3 × 900 / 100) = 27 → 2028-06-15
			wantNet: "-900", runRate: "33.333333333333", projected: "2028-06-15",
		},
		{
			name: "t in January: the window is Oct–Dec of the year before",
			asOf: "2026-01-10",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2025-09-30", Payout, "45"), // before the window
				figE(1, "2025-10-01", Payout, "30"),
				figE(1, "2025-11-15", Payout, "30"),
				figE(1, "2025-12-31", Payout, "30"),
				figE(1, "2026-01-05", Payout, "45"), // t's month
			),
			// returned 180, net −820, window 90, run 30; ceil(3 × 820 / 90) = ceil(27.33) = 28
			// 2026-01-10 + 28 months = 2028-05-10
			wantNet: "-820", runRate: "30", projected: "2028-05-10",
		},
		{
			name: "negative run rate: no projection",
			net:  figProd(1, StatusActive, "", ""),
			entries: figBook(
				figE(1, "2025-12-01", Purchase, "100"),
				figE(1, "2025-12-20", Payout, "40"),
				figE(1, "2026-01-01", Purchase, "100"),
				figE(1, "2026-01-15", Fee, "30"),
				figE(1, "2026-01-20", Payout, "40"),
				figE(1, "2026-02-01", Purchase, "100"),
				figE(1, "2026-02-20", Payout, "40"),
			),
			// outlay 330, returned 120, net −210; window 120 − 300 − 30 = −210, run −70
			wantNet: "-210", runRate: "-70", projected: "",
		},
		{
			name: "zero run rate: no projection",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2025-06-01", Payout, "100"),
			),
			wantNet: "-900", runRate: "0", projected: "",
		},
		{
			name: "net ≥ 0: no projection",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-11-01", Investment, "100"),
				figE(1, "2025-12-01", Payout, "60"),
				figE(1, "2026-01-01", Payout, "60"),
			),
			// net = 120 − 100 = 20; run 120/3 = 40
			wantNet: "20", runRate: "40", projected: "",
		},
		{
			name: "closed network: no projection",
			net:  figNet(1, Revshare, StatusCollapsed, "2026-03-01"),
			entries: figBook(
				figE(1, "2025-06-01", Investment, "1000"),
				figE(1, "2025-12-10", Payout, "30"),
				figE(1, "2026-01-10", Payout, "30"),
				figE(1, "2026-02-10", Payout, "30"),
			),
			wantNet: "-910", runRate: "30", projected: "",
		},
		{
			name: "paused network is open and projects", net: figNet(1, Revshare, StatusPaused, ""),
			entries: r4, wantNet: "-300", runRate: "30", projected: "2027-01-15",
		},
		{
			name: "collapse dated after t: still open, projects", net: figNet(1, Revshare, StatusCollapsed, "2026-04-01"),
			entries: r4, wantNet: "-300", runRate: "30", projected: "2027-01-15",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			asOf := c.asOf
			if asOf == "" {
				asOf = figT
			}
			f := figCompute([]Network{c.net}, c.entries, asOf, nil)
			n := figNF(t, f, 1)
			figExact(t, "net", n.Net, c.wantNet)
			figNear(t, "monthly_run_rate", n.BreakEven.MonthlyRunRate, c.runRate)
			figDate(t, "projected_on", n.BreakEven.ProjectedOn, c.projected)
		})
	}
}

// ---------------------------------------------------------------------------------------------
// xirr, xirr_with_balance, portfolio xirr

func TestFiguresXIRR(t *testing.T) {
	cases := []struct {
		name        string
		net         Network
		entries     []Entry
		xirr, withB *float64
	}{
		{
			name: "−1000 then +1100 365 days later is 10 %",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2026-01-01", Payout, "1100"), // 365 days: 1100/1000 − 1 = 0.1
			),
			xirr: figF(0.1), withB: figF(0.1), // no balance: nothing to add
		},
		{
			name: "no inflow: null; the balance as an inflow on t gives 10 %",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-03-15", Investment, "1000"),
				figE(1, "2025-12-01", Balance, "1100"), // becomes +1100 on 2026-03-15, 365 days later
			),
			xirr: nil, withB: figF(0.1),
		},
		{
			name: "balance dated t",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-03-15", Investment, "1000"),
				figE(1, figT, Balance, "1100"),
			),
			xirr: nil, withB: figF(0.1),
		},
		{
			name: "payout and balance on t add up",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-03-15", Investment, "1000"),
				figE(1, figT, Payout, "550"),
				figE(1, "2026-01-01", Balance, "550"),
			),
			// xirr: 550/1000 − 1 = −0.45 over 365 days; with balance: 1100/1000 − 1 = 0.1
			xirr: figF(-0.45), withB: figF(0.1),
		},
		{
			name:    "only payouts: no outflow, null",
			net:     figRev(1),
			entries: figBook(figE(1, "2025-01-01", Payout, "100"), figE(1, "2025-06-01", Payout, "100")),
			xirr:    nil, withB: nil,
		},
		{
			name: "a day that nets to zero drops out: null",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-05-01", Investment, "1000"),
				figE(1, "2025-05-01", Payout, "1000"),
			),
			xirr: nil, withB: nil,
		},
		{
			name: "two years across a leap day",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2024-01-01", Investment, "1000"),
				figE(1, "2026-01-01", Payout, "1210"),
			),
			// 731 days: (1 + r)^(731/365) = 1.21
			xirr: figF(math.Pow(1.21, 365.0/731.0) - 1), withB: figF(math.Pow(1.21, 365.0/731.0) - 1),
		},
		{
			name: "a collapse gives a rate near −100 %",
			net:  figNet(1, Revshare, StatusCollapsed, "2026-01-02"),
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2026-01-01", Payout, "1"), // 1/1000 − 1 = −0.999
			),
			xirr: figF(-0.999), withB: figF(-0.999),
		},
		{
			name: "closed network: its balance is 0 and is not added",
			net:  figNet(1, Revshare, StatusExited, "2026-02-01"),
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2026-01-01", Payout, "1100"),
				figE(1, "2026-01-15", Balance, "500"),
			),
			xirr: figF(0.1), withB: figF(0.1),
		},
		{
			name: "entries after t are ignored",
			net:  figRev(1),
			entries: figBook(
				figE(1, "2025-01-01", Investment, "1000"),
				figE(1, "2026-01-01", Payout, "1100"),
				figE(1, "2026-04-01", Payout, "5000"),
				figE(1, "2026-04-01", Balance, "5000"),
			),
			xirr: figF(0.1), withB: figF(0.1),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := figCompute([]Network{c.net}, c.entries, figT, nil)
			n := figNF(t, f, 1)
			figRatio(t, "xirr", n.XIRR, c.xirr, 1e-9)
			figRatio(t, "xirr_with_balance", n.XIRRWithBalance, c.withB, 1e-9)
		})
	}

	t.Run("portfolio xirr combines every network's cash flows, without balances", func(t *testing.T) {
		nets := []Network{figRev(1), figNet(2, Revshare, StatusCollapsed, "2025-06-01")}
		entries := figBook(
			figE(1, "2025-01-01", Investment, "1000"),
			figE(1, "2025-12-01", Balance, "5000"), // a valuation, not a cash flow
			figE(2, "2026-01-01", Payout, "1100"),  // late payout after the collapse
		)
		f := figCompute(nets, entries, figT, nil)
		// each network alone has one direction only: null
		figRatio(t, "xirr of 1", figNF(t, f, 1).XIRR, nil, 0)
		figRatio(t, "xirr of 2", figNF(t, f, 2).XIRR, nil, 0)
		// together: −1000 on 2025-01-01, +1100 on 2026-01-01 → 0.1
		figRatio(t, "totals.xirr", f.Totals.XIRR, figF(0.1), 1e-9)
	})
}

// ---------------------------------------------------------------------------------------------
// totals and break_even_count

func TestFiguresTotalsBreakEvenCount(t *testing.T) {
	nets := []Network{
		figRev(1),
		figRev(2),
		figNet(3, Revshare, StatusCollapsed, "2025-10-01"),
		figProd(4, StatusPaused, "", ""),
		figRev(5), // no entries
		figProd(6, StatusExited, "2025-11-01", ""),
		figRev(7), // balance only
	}
	entries := figBook(
		// 1: net 1200 − 1000 = +200, reached
		figE(1, "2025-01-01", Investment, "1000"), figE(1, "2025-12-01", Payout, "1200"),
		// 2: net 400 − 1000 = −600: car 600, balance 300, exposure 900
		figE(2, "2025-01-01", Investment, "1000"), figE(2, "2025-06-01", Payout, "400"),
		figE(2, "2025-07-01", Balance, "300"),
		// 3: closed, net 100 − 500 = −400: loss 400
		figE(3, "2025-01-01", Investment, "500"), figE(3, "2025-05-01", Payout, "100"),
		// 4: net 80 − 50 = +30, reached
		figE(4, "2025-02-01", Purchase, "50"), figE(4, "2025-03-01", Payout, "80"),
		// 6: closed, net 150 − 100 = +50, reached
		figE(6, "2025-02-01", Purchase, "100"), figE(6, "2025-03-01", Payout, "150"),
		// 7: no outlay, exposure 200
		figE(7, "2025-02-01", Balance, "200"),
		// 8: unknown network, ignored
		figE(8, "2025-02-01", Investment, "99999"),
	)
	f := figCompute(nets, entries, figT, nil)
	tt := f.Totals
	figExact(t, "outlay", tt.Outlay, "2650")     // 1000 + 1000 + 500 + 50 + 100
	figExact(t, "returned", tt.Returned, "1930") // 1200 + 400 + 100 + 80 + 150
	figExact(t, "net", tt.Net, "-720")           // 200 − 600 − 400 + 30 + 50
	figExact(t, "capital_at_risk", tt.CapitalAtRisk, "600")
	figExact(t, "balance", tt.Balance, "500")    // 300 + 200
	figExact(t, "exposure", tt.Exposure, "1100") // 900 + 200
	figExact(t, "loss", tt.Loss, "400")
	// outlay > 0: networks 1, 2, 3, 4, 6 (5 and 7 have none); reached: 1, 4, 6
	if want := (BreakEvenCount{Reached: 3, Total: 5}); f.BreakEvenCount != want {
		t.Errorf("break_even_count = %+v, want %+v", f.BreakEvenCount, want)
	}
	if len(f.Networks) != len(nets) {
		t.Errorf("%d network figures, want %d", len(f.Networks), len(nets))
	}
	// the network without entries has net 0 and counts as reached, but not in the count
	if n := figNF(t, f, 5); !n.BreakEven.Reached || n.BreakEven.ReachedOn != nil {
		t.Errorf("network without entries: reached %v on %v, want true on nil", n.BreakEven.Reached, n.BreakEven.ReachedOn)
	}
}

// ---------------------------------------------------------------------------------------------
// risk spread

func TestFiguresRiskSpread(t *testing.T) {
	type share struct {
		id    int64
		share *float64
	}
	cases := []struct {
		name                string
		nets                []Network
		entries             []Entry
		hhi, effective, top *float64
		byKind              *ByKind
		shares              []share
	}{
		{
			name:    "exposures 600, 300, 100",
			nets:    []Network{figRev(1), figRev(2), figRev(3)},
			entries: figBook(figInvest(1, "600"), figInvest(2, "300"), figInvest(3, "100")),
			// shares .6 .3 .1; hhi = .36 + .09 + .01 = .46; effective = 1/.46 = 2.1739…
			hhi: figF(0.46), effective: figF(1 / 0.46), top: figF(0.6),
			byKind: &ByKind{Revshare: 1, Product: 0},
			shares: []share{{1, figF(0.6)}, {2, figF(0.3)}, {3, figF(0.1)}},
		},
		{
			name: "balances count, closed networks do not",
			nets: []Network{
				figRev(1), figProd(2, StatusActive, "", ""), figRev(3),
				figNet(4, Revshare, StatusCollapsed, "2025-06-01"),
			},
			entries: figBook(
				figInvest(1, "400"), // exposure 400
				figE(2, "2025-01-01", Purchase, "100"), figE(2, "2025-02-01", Payout, "150"),
				figE(2, "2025-03-01", Balance, "300"), // net +50: car 0, exposure 300
				figInvest(3, "100"), figE(3, "2025-02-01", Payout, "100"),
				figE(3, "2025-03-01", Balance, "300"), // net 0: exposure 300
				figInvest(4, "9000"),                  // closed: exposure 0
			),
			// Σ = 1000: shares .4 .3 .3; hhi = .16 + .09 + .09 = .34; effective = 1/.34
			// by kind: revshare .4 + .3 = .7, product .3
			hhi: figF(0.34), effective: figF(1 / 0.34), top: figF(0.4),
			byKind: &ByKind{Revshare: 0.7, Product: 0.3},
			shares: []share{{1, figF(0.4)}, {2, figF(0.3)}, {3, figF(0.3)}},
		},
		{
			name: "every network paid back with no balance: all null",
			nets: []Network{figRev(1), figRev(2)},
			entries: figBook(
				figInvest(1, "100"), figE(1, "2025-02-01", Payout, "100"),
				figInvest(2, "100"), figE(2, "2025-02-01", Payout, "300"),
			),
			shares: []share{{1, nil}, {2, nil}},
		},
		{
			name:    "only closed networks hold losses: all null",
			nets:    []Network{figNet(1, Revshare, StatusCollapsed, "2025-06-01")},
			entries: figBook(figInvest(1, "1000")),
			shares:  []share{{1, nil}},
		},
		{name: "empty portfolio: all null"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := figCompute(c.nets, c.entries, figT, nil)
			r := f.Risk
			figRatio(t, "hhi", r.HHI, c.hhi, 1e-12)
			figRatio(t, "effective_networks", r.EffectiveNetworks, c.effective, 1e-12)
			figRatio(t, "top_share", r.TopShare, c.top, 1e-12)
			switch {
			case c.byKind == nil && r.ByKind != nil:
				t.Errorf("by_kind = %+v, want nil", *r.ByKind)
			case c.byKind != nil && r.ByKind == nil:
				t.Errorf("by_kind = nil, want %+v", *c.byKind)
			case c.byKind != nil:
				figRatio(t, "by_kind.revshare", &r.ByKind.Revshare, &c.byKind.Revshare, 1e-12)
				figRatio(t, "by_kind.product", &r.ByKind.Product, &c.byKind.Product, 1e-12)
			}
			for _, s := range c.shares {
				figRatio(t, fmt.Sprintf("share of %d", s.id), figNF(t, f, s.id).Share, s.share, 1e-12)
			}
			if r.HorizonMonths != 12 {
				t.Errorf("horizon = %d, want the default 12", r.HorizonMonths)
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// collapse stress test

type figStress struct {
	net       string
	collapsed []int64 // nil: not checked (a tie on the run rate)
}

func figCheckStress(t *testing.T, r Risk, want []figStress, survivable int) {
	t.Helper()
	if len(r.Stress) != len(want) {
		t.Fatalf("%d stress cases, want %d (k = 0 … open networks): %+v", len(r.Stress), len(want), r.Stress)
	}
	for k, w := range want {
		got := r.Stress[k]
		if got.K != k {
			t.Errorf("case %d has k = %d", k, got.K)
		}
		figNear(t, fmt.Sprintf("worst_case_net k=%d", k), got.WorstCaseNet, w.net)
		if w.collapsed != nil && !slices.Equal(got.Collapsed, w.collapsed) {
			t.Errorf("collapsed k=%d = %v, want %v", k, got.Collapsed, w.collapsed)
		}
		if len(got.Collapsed) != k {
			t.Errorf("collapsed k=%d has %d networks", k, len(got.Collapsed))
		}
	}
	if r.SurvivableCollapses != survivable {
		t.Errorf("survivable_collapses = %d, want %d", r.SurvivableCollapses, survivable)
	}
}

func TestFiguresStress(t *testing.T) {
	// A: run 10, net −70. C: product, run (30 − 180)/3 = −50, net −150. E: closed, net +720.
	twoOpen := func(ePayout string) []Entry {
		return figBook(
			figE(1, "2025-01-01", Investment, "100"),
			figE(1, "2025-12-10", Payout, "10"), figE(1, "2026-01-10", Payout, "10"), figE(1, "2026-02-10", Payout, "10"),
			figE(2, "2025-12-01", Purchase, "60"), figE(2, "2026-01-01", Purchase, "60"), figE(2, "2026-02-01", Purchase, "60"),
			figE(2, "2025-12-20", Payout, "10"), figE(2, "2026-01-20", Payout, "10"), figE(2, "2026-02-20", Payout, "10"),
			figE(3, "2025-01-01", Investment, "100"), figE(3, "2025-05-01", Payout, ePayout),
		)
	}
	twoOpenNets := []Network{figRev(1), figProd(2, StatusActive, "", ""), figNet(3, Revshare, StatusExited, "2025-06-01")}

	cases := []struct {
		name       string
		nets       []Network
		entries    []Entry
		horizon    int // 0: the default 12
		want       []figStress
		survivable int
	}{
		{
			name: "mixed portfolio: closed networks stay at net, negative run rates collapse last",
			nets: []Network{
				figRev(1), figRev(2), figProd(3, StatusActive, "", ""),
				figNet(4, Revshare, StatusCollapsed, "2026-01-10"),
				figNet(5, Revshare, StatusExited, "2025-09-01"),
			},
			entries: figBook(
				// 1: net 150 − 1000 = −850, run 150/3 = 50
				figE(1, "2025-06-01", Investment, "1000"),
				figE(1, "2025-12-01", Payout, "50"), figE(1, "2026-01-01", Payout, "50"), figE(1, "2026-02-01", Payout, "50"),
				// 2: net 60 − 500 = −440, run 20
				figE(2, "2025-06-01", Investment, "500"),
				figE(2, "2025-12-01", Payout, "20"), figE(2, "2026-01-01", Payout, "20"), figE(2, "2026-02-01", Payout, "20"),
				// 3: net 30 − 90 = −60, run (30 − 90)/3 = −20
				figE(3, "2025-12-05", Purchase, "30"), figE(3, "2026-01-05", Purchase, "30"), figE(3, "2026-02-05", Purchase, "30"),
				figE(3, "2025-12-20", Payout, "10"), figE(3, "2026-01-20", Payout, "10"), figE(3, "2026-02-20", Payout, "10"),
				// 4: closed, net −200 (its December payout is no run rate for the stress test)
				figE(4, "2025-06-01", Investment, "300"), figE(4, "2025-12-01", Payout, "100"),
				// 5: closed, net +1400
				figE(5, "2025-06-01", Investment, "100"), figE(5, "2025-08-01", Payout, "1500"),
			),
			// Σ net = −850 − 440 − 60 − 200 + 1400 = −150; open by run: 1 (50), 2 (20), 3 (−20)
			want: []figStress{
				{"450", []int64{}},         // −150 + 12 × (50 + 20 − 20) = −150 + 600
				{"-150", []int64{1}},       // −150 + 12 × (20 − 20)
				{"-390", []int64{1, 2}},    // −150 + 12 × (−20)
				{"-150", []int64{1, 2, 3}}, // −150
			},
			survivable: 0,
		},
		{
			name: "a later k back above zero does not count",
			nets: twoOpenNets, entries: twoOpen("820"),
			// Σ net = −70 − 150 + 720 = 500
			want: []figStress{
				{"20", []int64{}},      // 500 + 12 × (10 − 50) = 500 − 480
				{"-100", []int64{1}},   // 500 + 12 × (−50) = 500 − 600
				{"500", []int64{1, 2}}, // 500
			},
			survivable: 0,
		},
		{
			name: "the horizon setting is honoured (6 months)",
			nets: twoOpenNets, entries: twoOpen("820"), horizon: 6,
			want: []figStress{
				{"260", []int64{}},     // 500 + 6 × (−40)
				{"200", []int64{1}},    // 500 + 6 × (−50)
				{"500", []int64{1, 2}}, // 500
			},
			survivable: 2,
		},
		{
			name: "already below zero at k = 0: −1",
			nets: twoOpenNets, entries: twoOpen("720"),
			// Σ net = −70 − 150 + 620 = 400
			want: []figStress{
				{"-80", []int64{}},     // 400 − 480
				{"-200", []int64{1}},   // 400 − 600
				{"400", []int64{1, 2}}, // 400
			},
			survivable: -1,
		},
		{
			name: "a run rate of a third stays exact over 12 months",
			nets: []Network{figRev(1), figNet(2, Revshare, StatusExited, "2025-06-01")},
			entries: figBook(
				figE(1, "2025-06-01", Investment, "1000"), figE(1, "2026-01-10", Payout, "100"), // −900, run 100/3
				figE(2, "2025-01-01", Investment, "100"), figE(2, "2025-02-01", Payout, "1100"), // +1000
			),
			// Σ net = 100; k=0: 100 + 12 × 100/3 = 100 + 400 = 500 (not 499.999999999996)
			want:       []figStress{{"500", []int64{}}, {"100", []int64{1}}},
			survivable: 1,
		},
		{
			name: "a run rate of a third over one month",
			nets: []Network{figRev(1), figNet(2, Revshare, StatusExited, "2025-06-01")},
			entries: figBook(
				figE(1, "2025-06-01", Investment, "1000"), figE(1, "2026-01-10", Payout, "100"),
				figE(2, "2025-01-01", Investment, "100"), figE(2, "2025-02-01", Payout, "1100"),
			),
			horizon: 1,
			// k=0: 100 + 100/3 = 133.333333333333…
			want:       []figStress{{"133.333333333333", []int64{}}, {"100", []int64{1}}},
			survivable: 1,
		},
		{
			name: "a tie on the run rate gives the same worst case either way",
			nets: []Network{figRev(1), figRev(2)},
			entries: figBook(
				figE(1, "2025-06-01", Investment, "100"), figE(1, "2026-01-10", Payout, "60"), // −40, run 20
				figE(2, "2025-06-01", Investment, "100"), figE(2, "2026-02-10", Payout, "60"), // −40, run 20
			),
			// Σ net = −80; k=0: −80 + 12 × 40 = 400; k=1: −80 + 240 = 160; k=2: −80
			want:       []figStress{{"400", nil}, {"160", nil}, {"-80", nil}},
			survivable: 1,
		},
		{
			name:       "empty portfolio: k = 0 only, at 0, survives it",
			want:       []figStress{{"0", []int64{}}},
			survivable: 0,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var mod func(*Settings)
			if c.horizon != 0 {
				mod = func(s *Settings) { s.HorizonMonths = c.horizon }
			}
			f := figCompute(c.nets, c.entries, figT, mod)
			if want := cmpOr(c.horizon, 12); f.Risk.HorizonMonths != want {
				t.Errorf("horizon = %d, want %d", f.Risk.HorizonMonths, want)
			}
			figCheckStress(t, f.Risk, c.want, c.survivable)
		})
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// THE DESIGN'S ADVICE: "if 3 of 5 networks have paid back your money, losing the fifth is
// bearable; even 2 of 5 closing can leave you in profit".
//
// Five revshare networks, 1,000 EUR invested in each on 2025-01-15; t = 2026-03-15, H = 12.
//   - 1, 2, 3 paid back: each received P in payouts; of that, 1 pays 50 a month in Dec–Feb
//     (run 50), 2 pays 30 a month (run 30), 3 nothing in the window (run 0).
//   - 4 collapsed on 2025-11-20 without paying anything: net −1000, a realised loss.
//   - 5 is open and paid 20 a month in Dec–Feb: net 60 − 1000 = −940, run 20.
//
// Σ net = 3 × (P − 1000) − 1000 − 940 = 3P − 4940. Open networks by run rate: 1, 2, 5, 3.
//
//	k=0: Σ + 12 × (50 + 30 + 20 + 0) = Σ + 1200
//	k=1: Σ + 12 × (30 + 20)          = Σ + 600
//	k=2: Σ + 12 × 20                 = Σ + 240
//	k=3: Σ
//	k=4: Σ
func TestFiguresStressAdviceScenario(t *testing.T) {
	scenario := func(p string) ([]Network, []Entry) {
		P := decimal.RequireFromString(p)
		early := func(window string) string { // what is paid before the window
			return P.Sub(decimal.RequireFromString(window)).String()
		}
		nets := []Network{figRev(1), figRev(2), figRev(3), figNet(4, Revshare, StatusCollapsed, "2025-11-20"), figRev(5)}
		var es []Entry
		for id := int64(1); id <= 5; id++ {
			es = append(es, figE(id, "2025-01-15", Investment, "1000"))
		}
		es = append(es,
			figE(1, "2025-10-01", Payout, early("150")),
			figE(1, "2025-12-10", Payout, "50"), figE(1, "2026-01-10", Payout, "50"), figE(1, "2026-02-10", Payout, "50"),
			figE(2, "2025-10-01", Payout, early("90")),
			figE(2, "2025-12-10", Payout, "30"), figE(2, "2026-01-10", Payout, "30"), figE(2, "2026-02-10", Payout, "30"),
			figE(3, "2025-11-01", Payout, p),
			figE(5, "2025-12-10", Payout, "20"), figE(5, "2026-01-10", Payout, "20"), figE(5, "2026-02-10", Payout, "20"),
		)
		return nets, figBook(es...)
	}
	cases := []struct {
		name       string
		paid       string // P
		sum        string // Σ net
		want       []figStress
		survivable int
	}{
		{
			name: "five networks, three paid back 1,600 each, one collapsed: survives 2 more collapses",
			paid: "1600", sum: "-140", // 4800 − 4940
			want: []figStress{
				{"1060", []int64{}},           // −140 + 1200
				{"460", []int64{1}},           // −140 + 600
				{"100", []int64{1, 2}},        // −140 + 240
				{"-140", []int64{1, 2, 5}},    // −140
				{"-140", []int64{1, 2, 5, 3}}, // −140
			},
			survivable: 2,
		},
		{
			name: "five networks, three paid back 2,000 each, one collapsed: survives all 4 more collapses",
			paid: "2000", sum: "1060", // 6000 − 4940
			want: []figStress{
				{"2260", []int64{}}, {"1660", []int64{1}}, {"1300", []int64{1, 2}},
				{"1060", []int64{1, 2, 5}}, {"1060", []int64{1, 2, 5, 3}},
			},
			survivable: 4,
		},
		{
			name: "five networks, three paid back only 1,200 each, one collapsed: not even k = 0 (−1)",
			paid: "1200", sum: "-1340", // 3600 − 4940
			want: []figStress{
				{"-140", []int64{}}, {"-740", []int64{1}}, {"-1100", []int64{1, 2}},
				{"-1340", []int64{1, 2, 5}}, {"-1340", []int64{1, 2, 5, 3}},
			},
			survivable: -1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nets, entries := scenario(c.paid)
			f := figCompute(nets, entries, figT, nil)
			figExact(t, "totals.net", f.Totals.Net, c.sum)
			figExact(t, "totals.outlay", f.Totals.Outlay, "5000")
			figExact(t, "totals.loss", f.Totals.Loss, "1000")        // network 4
			figExact(t, "totals.exposure", f.Totals.Exposure, "940") // network 5 only
			// "3 of 5 networks have paid back"
			if want := (BreakEvenCount{Reached: 3, Total: 5}); f.BreakEvenCount != want {
				t.Errorf("break_even_count = %+v, want %+v", f.BreakEvenCount, want)
			}
			for id, run := range map[int64]string{1: "50", 2: "30", 3: "0", 5: "20"} {
				figNear(t, fmt.Sprintf("run rate of %d", id), figNF(t, f, id).BreakEven.MonthlyRunRate, run)
			}
			figCheckStress(t, f.Risk, c.want, c.survivable)
			// all exposure sits in network 5: one open revshare network holds exposure
			figRatio(t, "top_share", f.Risk.TopShare, figF(1), 1e-12)
			if r := figRule(t, f, RuleRevshareDiversified); r.Status != Warn || r.Value == nil || *r.Value != 1 {
				t.Errorf("revshare_diversified = %s value %v, want warn with 1", r.Status, r.Value)
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// income mix

func TestFiguresIncomeMix(t *testing.T) {
	cases := []struct {
		name    string
		asOf    string
		nets    []Network
		entries []Entry
		want    *IncomeMix
	}{
		{
			name: "last 12 complete months, closed networks' payouts included",
			nets: []Network{figProd(1, StatusActive, "", ""), figNet(2, Revshare, StatusCollapsed, "2025-06-01")},
			entries: figBook(
				figPay(2, "2025-02-28", "1000", ClassCapital), // before Mar 2025: out
				figPay(2, "2025-03-01", "300", ClassCapital),  // first day of the window
				figPay(1, "2025-08-15", "200", ClassActive),
				figPay(1, "2026-02-28", "500", ClassPassive), // last day of the window
				figPay(1, "2026-03-01", "999", ClassActive),  // t's month: out
				figPay(1, "2026-03-20", "999", ClassPassive), // after t: out
				figE(1, "2025-09-01", Purchase, "400"),       // not a payout
			),
			// 300 + 200 + 500 = 1000: active .2, passive .5, capital .3
			want: &IncomeMix{Active: 0.2, Passive: 0.5, Capital: 0.3},
		},
		{
			name: "t in January: Jan–Dec of the year before",
			asOf: "2026-01-10",
			nets: []Network{figProd(1, StatusActive, "", "")},
			entries: figBook(
				figPay(1, "2024-12-31", "100", ClassCapital),
				figPay(1, "2025-01-01", "100", ClassActive),
				figPay(1, "2025-12-31", "300", ClassPassive),
				figPay(1, "2026-01-02", "50", ClassCapital),
			),
			// 100 + 300 = 400: active .25, passive .75
			want: &IncomeMix{Active: 0.25, Passive: 0.75, Capital: 0},
		},
		{
			name: "no payouts in the window: null",
			nets: []Network{figRev(1)},
			entries: figBook(
				figInvest(1, "100"),
				figPay(1, "2025-02-28", "100", ClassCapital),
				figPay(1, "2026-03-01", "100", ClassCapital),
			),
			want: nil,
		},
		{name: "empty portfolio: null"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			asOf := c.asOf
			if asOf == "" {
				asOf = figT
			}
			got := figCompute(c.nets, c.entries, asOf, nil).IncomeMix
			switch {
			case c.want == nil && got != nil:
				t.Errorf("income_mix = %+v, want nil", *got)
			case c.want != nil && got == nil:
				t.Errorf("income_mix = nil, want %+v", *c.want)
			case c.want != nil:
				figRatio(t, "active", &got.Active, &c.want.Active, 1e-12)
				figRatio(t, "passive", &got.Passive, &c.want.Passive, 1e-12)
				figRatio(t, "capital", &got.Capital, &c.want.Capital, 1e-12)
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// rules

func TestFiguresRules(t *testing.T) {
	// commitment 50 a month, covered exactly: payouts 60 + 50 + 40 = 150 in Dec–Feb → 150/3 = 50.
	// The monthly purchases do not reduce the payouts run rate; payouts outside the window
	// (2025-11-30, 2026-03-05) do not count.
	covered := func(id int64, last string) []Entry {
		return []Entry{
			figE(id, "2025-12-01", Purchase, "50"), figE(id, "2026-01-01", Purchase, "50"), figE(id, "2026-02-01", Purchase, "50"),
			figPay(id, "2025-11-30", "500", ClassActive),
			figPay(id, "2025-12-10", "60", ClassActive), figPay(id, "2026-01-10", "50", ClassActive),
			figPay(id, "2026-02-10", last, ClassActive),
			figPay(id, "2026-03-05", "500", ClassActive),
		}
	}
	// payouts in three different months, the latest on 2026-01-10: 21 + 28 + 15 = 64 days before t
	overdue := func(id int64) []Entry {
		return []Entry{
			figE(id, "2025-01-01", Investment, "1000"),
			figE(id, "2025-11-10", Payout, "100"), figE(id, "2025-12-10", Payout, "100"), figE(id, "2026-01-10", Payout, "100"),
		}
	}
	monthly := func(id int64, days ...string) []Entry {
		es := []Entry{figE(id, "2025-01-01", Investment, "1000")}
		for _, d := range days {
			es = append(es, figE(id, d, Payout, "100"))
		}
		return es
	}
	three := []Network{figRev(1), figRev(2), figRev(3)}
	threeProducts := []Network{figProd(1, StatusActive, "", "50"), figProd(2, StatusActive, "", "50"), figProd(3, StatusActive, "", "50")}

	cases := []struct {
		name     string
		nets     []Network
		entries  []Entry
		mod      func(*Settings)
		id       string
		status   string
		value    *float64
		anyValue bool // the rule does not apply; its value is not specified
		limit    float64
		networks []int64
	}{
		// single_network_share
		{
			name: "single_network_share: 600/300/100, top .6 > .35 warns", id: RuleSingleNetworkShare,
			nets: three, entries: figBook(figInvest(1, "600"), figInvest(2, "300"), figInvest(3, "100")),
			status: Warn, value: figF(0.6), limit: 0.35, networks: []int64{1},
		},
		{
			name: "single_network_share: four equal, .25 passes", id: RuleSingleNetworkShare,
			nets:    []Network{figRev(1), figRev(2), figRev(3), figRev(4)},
			entries: figBook(figInvest(1, "250"), figInvest(2, "250"), figInvest(3, "250"), figInvest(4, "250")),
			status:  Pass, value: figF(0.25), limit: 0.35,
		},
		{
			name: "single_network_share: exactly .35 passes", id: RuleSingleNetworkShare,
			nets: three, entries: figBook(figInvest(1, "350"), figInvest(2, "325"), figInvest(3, "325")),
			status: Pass, value: figF(0.35), limit: 0.35,
		},
		{
			name: "single_network_share: a limit of .65 is honoured", id: RuleSingleNetworkShare,
			nets: three, entries: figBook(figInvest(1, "600"), figInvest(2, "300"), figInvest(3, "100")),
			mod:    func(s *Settings) { s.Limits.SingleNetworkShare = 0.65 },
			status: Pass, value: figF(0.6), limit: 0.65,
		},
		{
			name: "single_network_share: closed networks are no exposure", id: RuleSingleNetworkShare,
			nets:    []Network{figRev(1), figRev(2), figNet(3, Revshare, StatusCollapsed, "2025-12-01")},
			entries: figBook(figInvest(1, "500"), figInvest(2, "400"), figInvest(3, "10000")),
			// 500 / (500 + 400) = .5556 > .35
			status: Warn, value: figF(5.0 / 9.0), limit: 0.35, networks: []int64{1},
		},
		{
			name: "single_network_share: one open network with exposure passes", id: RuleSingleNetworkShare,
			nets: []Network{figRev(1), figRev(2), figNet(3, Revshare, StatusCollapsed, "2025-12-01")},
			entries: figBook(
				figInvest(1, "1000"),
				figInvest(2, "100"), figE(2, "2025-06-01", Payout, "200"), // paid back, no balance
				figInvest(3, "5000"),
			),
			status: Pass, anyValue: true, limit: 0.35,
		},
		{
			name: "single_network_share: empty portfolio passes", id: RuleSingleNetworkShare,
			status: Pass, value: nil, limit: 0.35,
		},
		// revshare_diversified
		{
			name: "revshare_diversified: three open with exposure (one by its balance) pass", id: RuleRevshareDiversified,
			nets: three,
			entries: figBook(
				figInvest(1, "100"), figInvest(2, "100"),
				figInvest(3, "100"), figE(3, "2025-02-01", Payout, "150"), figE(3, "2025-03-01", Balance, "20"),
			),
			status: Pass, value: figF(3), limit: 3,
		},
		{
			name: "revshare_diversified: closed, product and paid-back networks do not count", id: RuleRevshareDiversified,
			nets: []Network{
				figRev(1), figRev(2), figNet(3, Revshare, StatusCollapsed, "2026-01-01"),
				figProd(4, StatusActive, "", ""), figRev(5),
			},
			entries: figBook(
				figInvest(1, "100"), figInvest(2, "100"), figInvest(3, "100"),
				figE(4, "2025-01-01", Purchase, "100"),
				figInvest(5, "100"), figE(5, "2025-02-01", Payout, "100"),
			),
			status: Warn, value: figF(2), limit: 3,
		},
		{
			name: "revshare_diversified: a minimum of 2 is honoured", id: RuleRevshareDiversified,
			nets:    []Network{figRev(1), figRev(2)},
			entries: figBook(figInvest(1, "100"), figInvest(2, "100")),
			mod:     func(s *Settings) { s.Limits.RevshareMin = 2 },
			status:  Pass, value: figF(2), limit: 2,
		},
		{
			name: "revshare_diversified: no revshare exposure passes", id: RuleRevshareDiversified,
			nets:    []Network{figProd(1, StatusActive, "", "")},
			entries: figBook(figE(1, "2025-01-01", Purchase, "100")),
			status:  Pass, value: figF(0), limit: 3,
		},
		// product_focus
		{
			name: "product_focus: three open with a commitment warn", id: RuleProductFocus,
			nets: threeProducts, status: Warn, value: figF(3), limit: 2, networks: []int64{1, 2, 3},
		},
		{
			name: "product_focus: closed or without commitment do not count", id: RuleProductFocus,
			nets: []Network{
				figProd(1, StatusActive, "", "50"), figProd(2, StatusActive, "", "50"),
				figProd(3, StatusExited, "2026-01-01", "50"), figProd(4, StatusActive, "", ""),
			},
			status: Pass, value: figF(2), limit: 2,
		},
		{
			name: "product_focus: paused and closing after t count as open", id: RuleProductFocus,
			nets: []Network{
				figProd(1, StatusActive, "", "50"), figProd(2, StatusPaused, "", "50"),
				figProd(3, StatusCollapsed, "2026-04-01", "50"),
			},
			status: Warn, value: figF(3), limit: 2, networks: []int64{1, 2, 3},
		},
		{
			name: "product_focus: a maximum of 3 is honoured", id: RuleProductFocus,
			nets: threeProducts, mod: func(s *Settings) { s.Limits.ProductMax = 3 },
			status: Pass, value: figF(3), limit: 3,
		},
		// commitments_covered
		{
			name: "commitments_covered: payouts run rate = commitment passes", id: RuleCommitmentsCovered,
			nets: []Network{figProd(1, StatusActive, "", "50")}, entries: figBook(covered(1, "40")...),
			status: Pass, value: figF(1), limit: 1,
		},
		{
			name: "commitments_covered: three cents short fails", id: RuleCommitmentsCovered,
			nets: []Network{figProd(1, StatusActive, "", "50")}, entries: figBook(covered(1, "39.97")...),
			// (60 + 50 + 39.97)/3 = 49.99; 49.99/50 = .9998
			status: Fail, value: figF(0.9998), limit: 1, networks: []int64{1},
		},
		{
			name: "commitments_covered: the lowest coverage is the value", id: RuleCommitmentsCovered,
			nets: []Network{figProd(1, StatusActive, "", "50"), figProd(2, StatusActive, "", "50")},
			entries: figBook(append(covered(1, "40"),
				figPay(2, "2025-12-10", "25", ClassActive), figPay(2, "2026-01-10", "25", ClassActive),
				figPay(2, "2026-02-10", "25", ClassActive))...),
			// 1: 50/50 = 1; 2: 25/50 = .5
			status: Fail, value: figF(0.5), limit: 1, networks: []int64{2},
		},
		{
			name: "commitments_covered: a coverage of 1.2 is honoured", id: RuleCommitmentsCovered,
			nets: []Network{figProd(1, StatusActive, "", "50")}, entries: figBook(covered(1, "40")...),
			mod:    func(s *Settings) { s.Limits.CommitmentCoverage = 1.2 },
			status: Fail, value: figF(1), limit: 1.2, networks: []int64{1},
		},
		{
			name: "commitments_covered: a paused network without payouts fails", id: RuleCommitmentsCovered,
			nets:   []Network{figProd(1, StatusPaused, "", "50")},
			status: Fail, value: figF(0), limit: 1, networks: []int64{1},
		},
		{
			name: "commitments_covered: a closed network does not count", id: RuleCommitmentsCovered,
			nets:   []Network{figProd(1, StatusCollapsed, "2026-02-15", "50")},
			status: Pass, value: nil, limit: 1,
		},
		{
			name: "commitments_covered: no commitments pass", id: RuleCommitmentsCovered,
			nets: []Network{figRev(1)}, entries: figBook(figInvest(1, "100")),
			status: Pass, value: nil, limit: 1,
		},
		// income_mix
		{
			name: "income_mix: .2/.5/.3 passes", id: RuleIncomeMix,
			nets: []Network{figProd(1, StatusActive, "", ""), figRev(2)},
			entries: figBook(
				figPay(1, "2025-08-15", "200", ClassActive), figPay(1, "2026-02-28", "500", ClassPassive),
				figPay(2, "2025-03-01", "300", ClassCapital),
				figPay(2, "2025-02-28", "9000", ClassCapital), // before the window
			),
			status: Pass, value: figF(0.5), limit: 0.8,
		},
		{
			name: "income_mix: capital .85 is above .8", id: RuleIncomeMix,
			nets: []Network{figRev(1), figProd(2, StatusActive, "", "")},
			entries: figBook(
				figPay(1, "2025-06-01", "850", ClassCapital), figPay(2, "2025-07-01", "150", ClassActive),
			),
			status: Warn, value: figF(0.85), limit: 0.8,
		},
		{
			name: "income_mix: exactly .8 passes", id: RuleIncomeMix,
			nets: []Network{figRev(1), figProd(2, StatusActive, "", "")},
			entries: figBook(
				figPay(1, "2025-06-01", "800", ClassCapital), figPay(2, "2025-07-01", "200", ClassActive),
			),
			status: Pass, value: figF(0.8), limit: 0.8,
		},
		{
			name: "income_mix: a maximum of .9 is honoured", id: RuleIncomeMix,
			nets: []Network{figRev(1), figProd(2, StatusActive, "", "")},
			entries: figBook(
				figPay(1, "2025-06-01", "850", ClassCapital), figPay(2, "2025-07-01", "150", ClassActive),
			),
			mod:    func(s *Settings) { s.Limits.IncomeClassMax = 0.9 },
			status: Pass, value: figF(0.85), limit: 0.9,
		},
		{
			name: "income_mix: no payouts pass", id: RuleIncomeMix,
			nets: []Network{figRev(1)}, entries: figBook(figInvest(1, "100")),
			status: Pass, value: nil, limit: 0.8,
		},
		// payouts_overdue
		{
			name: "payouts_overdue: 64 days since the latest payout fails", id: RulePayoutsOverdue,
			nets: []Network{figRev(1)}, entries: figBook(overdue(1)...),
			status: Fail, value: figF(64), limit: 45, networks: []int64{1},
		},
		{
			name: "payouts_overdue: exactly 45 days passes", id: RulePayoutsOverdue,
			nets:    []Network{figRev(1)},
			entries: figBook(monthly(1, "2025-11-29", "2025-12-29", "2026-01-29")...), // 2 + 28 + 15 = 45
			status:  Pass, value: figF(45), limit: 45,
		},
		{
			name: "payouts_overdue: 46 days fails", id: RulePayoutsOverdue,
			nets:    []Network{figRev(1)},
			entries: figBook(monthly(1, "2025-11-28", "2025-12-28", "2026-01-28")...), // 3 + 28 + 15 = 46
			status:  Fail, value: figF(46), limit: 45, networks: []int64{1},
		},
		{
			name: "payouts_overdue: payouts in only 2 months do not apply", id: RulePayoutsOverdue,
			nets:    []Network{figRev(1)},
			entries: figBook(monthly(1, "2025-12-01", "2025-12-15", "2026-01-05")...),
			status:  Pass, value: nil, limit: 45,
		},
		{
			name: "payouts_overdue: a minimum of 2 months is honoured", id: RulePayoutsOverdue,
			nets:    []Network{figRev(1)},
			entries: figBook(monthly(1, "2025-12-01", "2025-12-15", "2026-01-05")...), // 26 + 28 + 15 = 69
			mod:     func(s *Settings) { s.Limits.OverdueMinMonths = 2 },
			status:  Fail, value: figF(69), limit: 45, networks: []int64{1},
		},
		{
			name: "payouts_overdue: 70 days allowed is honoured", id: RulePayoutsOverdue,
			nets: []Network{figRev(1)}, entries: figBook(overdue(1)...),
			mod:    func(s *Settings) { s.Limits.OverdueDays = 70 },
			status: Pass, value: figF(64), limit: 70,
		},
		{
			name: "payouts_overdue: a closed network does not count", id: RulePayoutsOverdue,
			nets: []Network{figNet(1, Revshare, StatusCollapsed, "2026-02-15")}, entries: figBook(overdue(1)...),
			status: Pass, value: nil, limit: 45,
		},
		{
			name: "payouts_overdue: a paused network counts", id: RulePayoutsOverdue,
			nets: []Network{figNet(1, Revshare, StatusPaused, "")}, entries: figBook(overdue(1)...),
			status: Fail, value: figF(64), limit: 45, networks: []int64{1},
		},
		{
			name: "payouts_overdue: a payout after t does not help", id: RulePayoutsOverdue,
			nets:    []Network{figRev(1)},
			entries: figBook(append(overdue(1), figE(1, "2026-03-20", Payout, "100"))...),
			status:  Fail, value: figF(64), limit: 45, networks: []int64{1},
		},
		{
			name: "payouts_overdue: only the late network is named; value is the most days", id: RulePayoutsOverdue,
			nets: []Network{figRev(1), figRev(2)},
			entries: figBook(append(overdue(1),
				monthly(2, "2026-01-01", "2026-02-01", "2026-03-01")...)...), // 2: 14 days
			status: Fail, value: figF(64), limit: 45, networks: []int64{1},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := figCompute(c.nets, c.entries, figT, c.mod)
			r := figRule(t, f, c.id)
			if r.Status != c.status {
				t.Errorf("status = %q, want %q (message %q)", r.Status, c.status, r.Message)
			}
			if !c.anyValue {
				figRatio(t, "value", r.Value, c.value, 1e-12)
			}
			if r.Limit != c.limit {
				t.Errorf("limit = %v, want %v", r.Limit, c.limit)
			}
			if !slices.Equal(r.Networks, c.networks) {
				t.Errorf("networks = %v, want %v", r.Networks, c.networks)
			}
			if r.Message == "" {
				t.Error("empty message")
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// empty portfolio, unknown networks, entries after t, order independence

func TestFiguresEmptyPortfolio(t *testing.T) {
	f := figCompute(nil, nil, figT, nil)
	if f.AsOf != figD(figT) {
		t.Errorf("as_of = %s", f.AsOf)
	}
	for what, v := range map[string]decimal.Decimal{
		"outlay": f.Totals.Outlay, "returned": f.Totals.Returned, "net": f.Totals.Net,
		"capital_at_risk": f.Totals.CapitalAtRisk, "balance": f.Totals.Balance,
		"exposure": f.Totals.Exposure, "loss": f.Totals.Loss,
	} {
		figExact(t, what, v, "0")
	}
	figRatio(t, "totals.xirr", f.Totals.XIRR, nil, 0)
	if f.BreakEvenCount != (BreakEvenCount{}) {
		t.Errorf("break_even_count = %+v, want 0 of 0", f.BreakEvenCount)
	}
	if len(f.Networks) != 0 {
		t.Errorf("networks = %+v", f.Networks)
	}
	if f.Risk.HHI != nil || f.Risk.EffectiveNetworks != nil || f.Risk.TopShare != nil || f.Risk.ByKind != nil {
		t.Errorf("risk = %+v, want all null", f.Risk)
	}
	figCheckStress(t, f.Risk, []figStress{{"0", []int64{}}}, 0)
	if f.IncomeMix != nil {
		t.Errorf("income_mix = %+v, want nil", *f.IncomeMix)
	}
	ids := []string{RuleSingleNetworkShare, RuleRevshareDiversified, RuleProductFocus, RuleCommitmentsCovered, RuleIncomeMix, RulePayoutsOverdue}
	if len(f.Rules) != len(ids) {
		t.Errorf("%d rules, want %d", len(f.Rules), len(ids))
	}
	for _, id := range ids {
		if r := figRule(t, f, id); r.Status != Pass {
			t.Errorf("%s = %s on an empty portfolio, want pass", id, r.Status)
		}
	}
}

func TestFiguresUnknownNetworksIgnored(t *testing.T) {
	nets := []Network{figRev(1)}
	known := figBook(figE(1, "2025-01-01", Investment, "100"))
	all := append(slices.Clone(known), figBook(
		figID(11, figE(99, "2025-01-01", Investment, "5000")),
		figID(12, figPay(99, "2026-01-10", "9000", ClassPassive)),
		figID(13, figE(0, "2025-02-01", Payout, "7")),
	)...)
	f := figCompute(nets, all, figT, nil)
	figExact(t, "outlay", f.Totals.Outlay, "100")
	figExact(t, "returned", f.Totals.Returned, "0")
	figExact(t, "net", f.Totals.Net, "-100")
	figRatio(t, "totals.xirr", f.Totals.XIRR, nil, 0) // only an outflow is left
	if f.IncomeMix != nil {
		t.Errorf("income_mix = %+v, want nil", *f.IncomeMix)
	}
	if len(f.Networks) != 1 {
		t.Errorf("%d network figures, want 1", len(f.Networks))
	}
	if got, want := figJSON(t, f), figJSON(t, figCompute(nets, known, figT, nil)); got != want {
		t.Errorf("entries of unknown networks changed the figures:\n got %s\nwant %s", got, want)
	}
}

func TestFiguresEntriesAfterAsOfIgnored(t *testing.T) {
	nets := []Network{figRev(1), figProd(2, StatusActive, "", "10")}
	upToT := figBook(
		figE(1, "2025-10-01", Investment, "1000"),
		figE(1, "2025-12-10", Payout, "100"), figE(1, "2026-01-10", Payout, "100"), figE(1, "2026-02-10", Payout, "100"),
		figE(1, "2026-02-01", Balance, "200"),
		figE(2, "2025-12-01", Purchase, "10"), figE(2, "2026-01-01", Purchase, "10"), figE(2, "2026-02-01", Purchase, "10"),
		figPay(2, "2025-12-20", "20", ClassActive), figPay(2, "2026-01-20", "20", ClassActive), figPay(2, "2026-02-20", "20", ClassActive),
	)
	future := []Entry{
		figID(101, figE(1, "2026-03-16", Payout, "2000")),
		figID(102, figE(1, "2026-04-01", Balance, "5000")),
		figID(103, figE(1, "2026-05-01", Investment, "9999")),
		figID(104, figE(1, "2026-03-20", Fee, "5")),
		figID(105, figPay(2, "2026-03-16", "1000", ClassPassive)),
		figID(106, figE(2, "2026-04-01", Purchase, "10")),
	}
	f := figCompute(nets, append(slices.Clone(upToT), future...), figT, nil)

	n := figNF(t, f, 1)
	figExact(t, "outlay", n.Outlay, "1000")
	figExact(t, "returned", n.Returned, "300")
	figExact(t, "net", n.Net, "-700")
	figExact(t, "balance", n.Balance, "200")
	figExact(t, "exposure", n.Exposure, "900") // 700 + 200
	if n.BreakEven.Reached || n.BreakEven.ReachedOn != nil {
		t.Errorf("break-even reached %v on %v, want not reached (the 2000 payout is after t)", n.BreakEven.Reached, n.BreakEven.ReachedOn)
	}
	figNear(t, "monthly_run_rate", n.BreakEven.MonthlyRunRate, "100") // 300/3
	// ceil(3 × 700 / 300) = 7 → 2026-10-15
	figDate(t, "projected_on", n.BreakEven.ProjectedOn, "2026-10-15")
	// income mix: 300 capital + 60 active → capital 5/6, active 1/6 (the passive 1000 is after t)
	if m := f.IncomeMix; m == nil {
		t.Error("income_mix = nil")
	} else {
		figRatio(t, "income_mix.capital", &m.Capital, figF(300.0/360.0), 1e-12)
		figRatio(t, "income_mix.active", &m.Active, figF(60.0/360.0), 1e-12)
		figRatio(t, "income_mix.passive", &m.Passive, figF(0), 1e-12)
	}
	// and nothing else changes: the figures equal those of the entries up to t
	if got, want := figJSON(t, f), figJSON(t, figCompute(nets, upToT, figT, nil)); got != want {
		t.Errorf("entries after t changed the figures:\n got %s\nwant %s", got, want)
	}
}

func TestFiguresOrderIndependent(t *testing.T) {
	nets := []Network{
		figRev(1), figRev(2), figNet(3, Revshare, StatusCollapsed, "2025-11-20"),
		figProd(4, StatusActive, "", "50"), figProd(5, StatusPaused, "", "40"), figNet(6, Revshare, StatusExited, "2026-02-01"),
	}
	entries := figBook(
		figE(1, "2025-01-15", Investment, "1000"), figE(1, "2025-10-01", Payout, "1450"),
		figE(1, "2025-12-10", Payout, "50"), figE(1, "2026-01-10", Payout, "50"), figE(1, "2026-02-10", Payout, "50"),
		figE(1, "2025-12-01", Balance, "300"), figE(1, "2025-12-01", Balance, "310"), // same-day balances
		figE(2, "2025-01-15", Investment, "1000"), figE(2, "2025-05-01", Payout, "1000"), figE(2, "2025-05-01", Fee, "5"),
		figE(2, "2025-05-01", Investment, "200"), figE(2, "2026-01-10", Payout, "20"),
		figE(3, "2025-01-15", Investment, "1000"), figE(3, "2025-12-01", Payout, "35"),
		figE(4, "2025-12-01", Purchase, "50"), figE(4, "2026-01-01", Purchase, "50"), figE(4, "2026-02-01", Purchase, "50"),
		figPay(4, "2025-12-20", "30", ClassActive), figPay(4, "2026-01-20", "40", ClassPassive), figPay(4, "2026-02-20", "90", ClassActive),
		figE(5, "2025-11-01", Purchase, "40"), figPay(5, "2025-11-15", "10", ClassActive),
		figE(6, "2025-01-01", Investment, "100"), figE(6, "2026-01-01", Payout, "110"), figE(6, "2026-01-01", Reinvest, "5"),
		figE(99, "2025-01-01", Investment, "1"),
		figE(1, "2026-03-20", Payout, "999"),
	)
	want := figJSON(t, figCompute(nets, entries, figT, nil))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		shuffled := slices.Clone(entries)
		if i == 0 {
			slices.Reverse(shuffled)
		} else {
			rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		}
		if got := figJSON(t, figCompute(nets, shuffled, figT, nil)); got != want {
			t.Fatalf("shuffle %d changed the figures:\n got %s\nwant %s", i, got, want)
		}
	}
}
