package exchange

import (
	"bufio"
	"encoding/csv"
	"io"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

// Row is one entry with its network, as the exports need it.
type Row struct {
	Entry       portfolio.Entry
	Network     string
	NetworkKind portfolio.NetworkKind
}

// Header names of tax.csv, English and German.
var (
	taxHeaderIntl   = []string{"date", "network", "network_kind", "kind", "income_class", "note", "amount", "currency", "units_per_eur", "base_amount", "base_currency"}
	taxHeaderGerman = []string{"Datum", "Netzwerk", "Netzwerkart", "Buchungsart", "Einkunftsart", "Notiz", "Betrag", "Währung", "Kurs je EUR", "Betrag in Basiswährung", "Basiswährung"}
)

// csvWriter is the shared start of every CSV export: a large buffer, the dialect's separator,
// CRLF line ends (RFC 4180, what Excel writes), the BOM when the dialect has one, and the
// header line.
func newCSVWriter(w io.Writer, d Dialect, header []string) (*csv.Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if d.BOM {
		if _, err := bw.WriteString(bom); err != nil {
			return nil, err
		}
	}
	cw := csv.NewWriter(bw) // uses bw itself: it is a large enough *bufio.Writer
	cw.Comma = d.Comma
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return cw, nil
}

func flushCSV(cw *csv.Writer) error {
	cw.Flush()
	return cw.Error()
}

// TaxWriter streams tax.csv: one line per entry with a cash flow, amounts signed (payouts
// positive, investments, purchases and fees negative), in the entry's currency exactly as
// recorded and in the base currency exactly as kept.
type TaxWriter struct {
	cw     *csv.Writer
	d      Dialect
	base   string
	record []string
}

// NewTaxWriter starts tax.csv on w: the BOM (German dialect) and the header line.
func NewTaxWriter(w io.Writer, d Dialect, baseCurrency string) (*TaxWriter, error) {
	header := taxHeaderIntl
	if d.German {
		header = taxHeaderGerman
	}
	cw, err := newCSVWriter(w, d, header)
	if err != nil {
		return nil, err
	}
	return &TaxWriter{cw: cw, d: d, base: baseCurrency, record: make([]string, len(header))}, nil
}

// Write writes the row's line if its entry has a cash flow and reports whether it did.
func (t *TaxWriter) Write(r Row) (bool, error) {
	e := r.Entry
	if !HasCashFlow(e) {
		return false, nil
	}
	amount := e.Amount
	if e.Kind.CashSign() < 0 {
		amount = amount.Neg()
	}
	class := ""
	if e.Kind == portfolio.Payout {
		class = t.d.word(string(payoutClass(r)))
	}
	rec := t.record
	rec[0] = t.d.date(e.Date)
	rec[1] = Neutralise(r.Network)
	rec[2] = t.d.word(string(r.NetworkKind))
	rec[3] = t.d.word(string(e.Kind))
	rec[4] = class
	rec[5] = Neutralise(e.Note)
	rec[6] = t.d.number(formatAmount(amount, e.Currency))
	rec[7] = e.Currency
	rec[8] = t.d.number(e.UnitsPerEUR)
	rec[9] = t.d.number(portfolio.FormatBase(signedBase(e), t.base))
	rec[10] = t.base
	return true, t.cw.Write(rec)
}

// Flush writes out what is buffered and reports any write error so far.
func (t *TaxWriter) Flush() error { return flushCSV(t.cw) }

// Header names of tax-summary.csv, English and German.
var (
	summaryHeaderIntl   = []string{"network", "network_kind", "income_class", "income", "expenses", "net"}
	summaryHeaderGerman = []string{"Netzwerk", "Netzwerkart", "Einkunftsart", "Einnahmen", "Ausgaben", "Saldo"}
)

// Labels of the subtotal and total lines of tax-summary.csv, in the income_class column.
const (
	subtotalIntl   = "subtotal"
	subtotalGerman = "Zwischensumme"
	totalIntl      = "total"
	totalGerman    = "Summe"
)

// Summary adds up rows for tax-summary.csv, exactly, per network and income class. Its memory
// grows with the number of networks, not of rows.
//
// The file has, for each network by name (case-insensitively, then byte-wise): one line per
// income class with payouts (active, passive, capital: income = net = the payouts, expenses
// 0), then one line with an empty income class for the network's expenses (investments,
// purchases and fees: income 0, net = −expenses) if it has any; then one subtotal line per
// network kind (revshare, product; network empty, income_class "subtotal" / "Zwischensumme"),
// then one total line (network and network_kind empty, income_class "total" / "Summe").
// Every amount is in the base currency, formatted like base_amount in tax.csv, so that each
// figure equals the sum of the corresponding tax.csv lines to the last digit: income is the
// sum of the positive base_amounts, expenses minus the sum of the negative ones, net their sum.
type Summary struct {
	networks map[string]*networkSum
}

type networkSum struct {
	name     string
	kind     portfolio.NetworkKind
	income   map[portfolio.IncomeClass]decimal.Decimal
	expenses decimal.Decimal
	spent    bool // the network has an expense line
}

// NewSummary returns an empty summary.
func NewSummary() *Summary { return &Summary{networks: map[string]*networkSum{}} }

// Add counts a row; rows without a cash flow are ignored.
func (s *Summary) Add(r Row) {
	if !HasCashFlow(r.Entry) {
		return
	}
	n := s.networks[r.Network]
	if n == nil {
		n = &networkSum{name: r.Network, kind: r.NetworkKind, income: map[portfolio.IncomeClass]decimal.Decimal{}}
		s.networks[r.Network] = n
	}
	if r.Entry.Kind == portfolio.Payout {
		c := payoutClass(r)
		n.income[c] = n.income[c].Add(r.Entry.BaseAmount)
		return
	}
	n.expenses = n.expenses.Add(r.Entry.BaseAmount)
	n.spent = true
}

type sums struct{ income, expenses decimal.Decimal }

func (a *sums) add(income, expenses decimal.Decimal) {
	a.income = a.income.Add(income)
	a.expenses = a.expenses.Add(expenses)
}

// Write writes tax-summary.csv in the dialect.
func (s *Summary) Write(w io.Writer, d Dialect, baseCurrency string) error {
	header, subtotal, total := summaryHeaderIntl, subtotalIntl, totalIntl
	if d.German {
		header, subtotal, total = summaryHeaderGerman, subtotalGerman, totalGerman
	}
	cw, err := newCSVWriter(w, d, header)
	if err != nil {
		return err
	}
	money := func(v decimal.Decimal) string { return d.number(portfolio.FormatBase(v, baseCurrency)) }
	line := func(network, kind, class string, v sums) error {
		return cw.Write([]string{network, kind, class, money(v.income), money(v.expenses), money(v.income.Sub(v.expenses))})
	}

	names := make([]string, 0, len(s.networks))
	for name := range s.networks {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := strings.ToLower(names[i]), strings.ToLower(names[j])
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})

	byKind := map[portfolio.NetworkKind]*sums{}
	var all sums
	for _, name := range names {
		n := s.networks[name]
		k := byKind[n.kind]
		if k == nil {
			k = &sums{}
			byKind[n.kind] = k
		}
		for _, c := range []portfolio.IncomeClass{portfolio.ClassActive, portfolio.ClassPassive, portfolio.ClassCapital} {
			if v, ok := n.income[c]; ok {
				if err := line(Neutralise(name), d.word(string(n.kind)), d.word(string(c)), sums{income: v}); err != nil {
					return err
				}
				k.add(v, decimal.Zero)
				all.add(v, decimal.Zero)
			}
		}
		// A class outside the three (not stored by netfolio) still counts, after them.
		var others []string
		for c := range n.income {
			if c != portfolio.ClassActive && c != portfolio.ClassPassive && c != portfolio.ClassCapital {
				others = append(others, string(c))
			}
		}
		sort.Strings(others)
		for _, c := range others {
			v := n.income[portfolio.IncomeClass(c)]
			if err := line(Neutralise(name), d.word(string(n.kind)), d.word(c), sums{income: v}); err != nil {
				return err
			}
			k.add(v, decimal.Zero)
			all.add(v, decimal.Zero)
		}
		if n.spent {
			if err := line(Neutralise(name), d.word(string(n.kind)), "", sums{expenses: n.expenses}); err != nil {
				return err
			}
			k.add(decimal.Zero, n.expenses)
			all.add(decimal.Zero, n.expenses)
		}
	}

	kinds := make([]portfolio.NetworkKind, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	rank := func(k portfolio.NetworkKind) int {
		switch k {
		case portfolio.Revshare:
			return 0
		case portfolio.Product:
			return 1
		}
		return 2
	}
	sort.Slice(kinds, func(i, j int) bool {
		if ri, rj := rank(kinds[i]), rank(kinds[j]); ri != rj {
			return ri < rj
		}
		return kinds[i] < kinds[j]
	})
	for _, k := range kinds {
		if err := line("", d.word(string(k)), subtotal, *byKind[k]); err != nil {
			return err
		}
	}
	if err := line("", "", total, all); err != nil {
		return err
	}
	return flushCSV(cw)
}
