package exchange

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

// Dialect of a CSV file.
type Dialect struct {
	Name         string // "intl" or "de"
	Comma        rune   // field separator
	DecimalComma bool   // numbers are written 1234,50 instead of 1234.50
	DateLayout   string // Go time layout of dates
	BOM          bool   // the file starts with a UTF-8 byte order mark
	German       bool   // German headers and German words for kinds and classes
}

// The two dialects: Intl for tools and most of the world, German for German Excel and
// LibreOffice (which expect ';', a decimal comma, DD.MM.YYYY and a BOM to detect UTF-8).
var (
	Intl   = Dialect{Name: "intl", Comma: ',', DateLayout: time.DateOnly}
	German = Dialect{Name: "de", Comma: ';', DecimalComma: true, DateLayout: "02.01.2006", BOM: true, German: true}
)

// DialectByName returns the dialect for a dialect query parameter: "" and "intl" are Intl,
// "de" is German.
func DialectByName(name string) (Dialect, error) {
	switch name {
	case "", "intl":
		return Intl, nil
	case "de":
		return German, nil
	}
	return Dialect{}, fmt.Errorf("unknown dialect %q: must be intl or de", name)
}

const bom = "\uFEFF"

// date formats a day in the dialect.
func (d Dialect) date(day portfolio.Date) string { return day.Time().Format(d.DateLayout) }

// number turns a plain decimal literal (as the portfolio formatters write it) into the
// dialect's: only the decimal point changes, there are never thousands separators.
func (d Dialect) number(s string) string {
	if d.DecimalComma {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}

// word translates a kind, network kind or income class for the dialect (a value outside
// the known ones is written as it is, neutralised).
func (d Dialect) word(s string) string {
	if d.German {
		if g, ok := germanWords[s]; ok {
			return g
		}
	}
	return Neutralise(s)
}

// germanWords are the German names of entry kinds, network kinds and income classes.
var germanWords = map[string]string{
	string(portfolio.Investment): "Investition",
	string(portfolio.Purchase):   "Einkauf",
	string(portfolio.Fee):        "Gebühr",
	string(portfolio.Payout):     "Auszahlung",
	string(portfolio.Reinvest):   "Reinvestition",
	string(portfolio.Balance):    "Kontostand",

	string(portfolio.Revshare): "Einkommensnetzwerk",
	string(portfolio.Product):  "Produktnetzwerk",

	string(portfolio.ClassActive):  "aktiv",
	string(portfolio.ClassPassive): "passiv",
	string(portfolio.ClassCapital): "Kapital",
}

// HasCashFlow reports whether an entry moves money: an investment, purchase, fee or payout
// with a non-zero amount. Reinvest and balance lines and "no payout" lines (a payout of 0 in
// the monthly log) have none.
func HasCashFlow(e portfolio.Entry) bool {
	return e.Kind.CashSign() != 0 && !e.Amount.IsZero()
}

// signedBase is the entry's base amount as a cash flow: payouts positive, money out negative.
func signedBase(e portfolio.Entry) decimal.Decimal {
	if e.Kind.CashSign() < 0 {
		return e.BaseAmount.Neg()
	}
	return e.BaseAmount
}

// payoutClass is the income class of a payout, with the network kind's default when the
// entry names none.
func payoutClass(r Row) portfolio.IncomeClass {
	if r.Entry.IncomeClass != "" {
		return r.Entry.IncomeClass
	}
	return portfolio.DefaultIncomeClass(r.NetworkKind)
}

// formatAmount writes an amount exactly as recorded: every decimal place it was stored with
// (FormatExact), and at least the currency's minor unit up to two places (184.2 EUR is
// "184.20", 0.210 ETH stays "0.210").
func formatAmount(d decimal.Decimal, currency string) string {
	s := portfolio.FormatExact(d)
	have := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		have = len(s) - i - 1
	}
	if mu := int(min(portfolio.MinorUnits(currency), 2)); have < mu {
		return d.StringFixed(int32(mu))
	}
	return s
}

// Neutralise protects a text cell against spreadsheet formula injection: a cell that starts
// with = + - @ tab or carriage return gets a leading apostrophe, which spreadsheets read as
// "this is text". Numeric cells are never passed through it.
//
// So that the apostrophe can be taken off again on import without losing anything, a cell
// that already starts with apostrophes followed by one of those characters (such as '=x)
// gets one more apostrophe as well; every other cell is left alone. Unneutralise is the
// exact inverse.
func Neutralise(cell string) string {
	if dangerous(strings.TrimLeft(cell, "'")) {
		return "'" + cell
	}
	return cell
}

// Unneutralise undoes Neutralise: Unneutralise(Neutralise(s)) == s for every s.
func Unneutralise(cell string) string {
	if strings.HasPrefix(cell, "'") && dangerous(strings.TrimLeft(cell, "'")) {
		return cell[1:]
	}
	return cell
}

func dangerous(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
