package exchange

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

// dec parses an exact decimal literal for test data.
func dec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("bad test decimal %q: %v", s, err)
	}
	return d
}

func day(t testing.TB, s string) portfolio.Date {
	t.Helper()
	d, err := portfolio.ParseDate(s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return d
}

// crlf joins lines into CSV text with CRLF line ends, as the writers write it.
func crlf(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

// row builds a stored entry as the store hands it to the exports: base converted at rate
// (base given when rate is "" and the currency is not EUR), class defaulted on payouts.
type rowSpec struct {
	date, network, kind, amount, currency, base, rate, class, note, ext string
}

var networkKinds = map[string]portfolio.NetworkKind{
	"Alpha": portfolio.Revshare, // EUR
	"Beta":  portfolio.Product,  // USD
	"Gamma": portfolio.Revshare, // ETH
}

func mkRow(t testing.TB, s rowSpec) Row {
	t.Helper()
	e := portfolio.Entry{
		Date: day(t, s.date), Kind: portfolio.EntryKind(s.kind), Amount: dec(t, s.amount), Currency: s.currency,
		IncomeClass: portfolio.IncomeClass(s.class), Note: s.note, ExternalID: s.ext, UnitsPerEUR: s.rate,
	}
	if err := e.SetBase(dec(t, s.base), s.rate == "" && s.currency != "EUR"); err != nil {
		t.Fatal(err)
	}
	kind, ok := networkKinds[s.network]
	if !ok {
		kind = portfolio.Revshare
	}
	return Row{Entry: e, Network: s.network, NetworkKind: kind}
}

// sampleRows are the rows of the expected files below: an EUR payout, a USD investment at a
// rate, an ETH payout with 18 decimals, notes that look like formulas, a purchase, a reinvest
// and a "no payout" line (both without cash flow), a payout with a given base amount, and a
// fee.
func sampleRows(t testing.TB) []Row {
	specs := []rowSpec{
		{date: "2025-01-15", network: "Alpha", kind: "payout", amount: "100.5", currency: "EUR", base: "100.5", class: "capital", note: "January"},
		{date: "2025-02-01", network: "Beta", kind: "investment", amount: "1234.50", currency: "USD", base: "1130.39098984", rate: "1.0921", note: "=SUM(A1:A9)"},
		{date: "2025-03-10", network: "Gamma", kind: "payout", amount: "0.123456789012345678", currency: "ETH", base: "404.61716378", rate: "0.00030512", class: "capital", note: "-5"},
		{date: "2025-03-31", network: "Beta", kind: "purchase", amount: "49.9", currency: "USD", base: "46.10551603", rate: "1.0823", note: "@home; stock"},
		{date: "2025-04-01", network: "Alpha", kind: "reinvest", amount: "20", currency: "EUR", base: "20"},
		{date: "2025-05-01", network: "Alpha", kind: "payout", amount: "0", currency: "EUR", base: "0", class: "capital", ext: "monthly:1:2025-05"},
		{date: "2025-06-01", network: "Beta", kind: "payout", amount: "300", currency: "USD", base: "270", class: "active", note: "Bonus, June", ext: "bank-4711"},
		{date: "2025-06-15", network: "Beta", kind: "payout", amount: "12.34", currency: "USD", base: "11.92270531", rate: "1.0350", class: "passive", note: "Team"},
		{date: "2025-06-30", network: "Gamma", kind: "balance", amount: "1.5", currency: "ETH", base: "4500.12", rate: "0.00033332"},
		{date: "2025-07-01", network: "Alpha", kind: "fee", amount: "2", currency: "EUR", base: "2", note: "\tTab"},
	}
	rows := make([]Row, len(specs))
	for i, s := range specs {
		rows[i] = mkRow(t, s)
	}
	return rows
}
