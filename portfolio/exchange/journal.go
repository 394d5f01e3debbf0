package exchange

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/netfolio/netfolio/portfolio"
)

// JournalWriter streams a plain-text accounting journal that hledger and ledger both read;
// see the package documentation for the account scheme.
type JournalWriter struct {
	bw        *bufio.Writer
	base      string
	commodity string
	started   bool
}

// NewJournalWriter starts a journal in the base currency on w. Nothing is written until the
// first Write or Flush.
func NewJournalWriter(w io.Writer, baseCurrency string) *JournalWriter {
	return &JournalWriter{bw: bufio.NewWriterSize(w, 64<<10), base: baseCurrency, commodity: commodity(baseCurrency)}
}

// commodity writes a currency code as a commodity symbol: letters as they are, anything else
// in double quotes (both tools require that of symbols with digits).
func commodity(code string) string {
	for _, r := range code {
		if !unicode.IsLetter(r) {
			return `"` + code + `"`
		}
	}
	return code
}

func (j *JournalWriter) start() {
	if j.started {
		return
	}
	j.started = true
	// The commodity directive fixes '.' as the decimal mark (so that 0.125 is never read as
	// 125) and shows every balance with all eight places base amounts are kept at.
	fmt.Fprintf(j.bw, "; netfolio journal: one transaction per entry with a cash flow, amounts in %s.\n", j.base)
	fmt.Fprintf(j.bw, "; Assets:Cash:<network> is each network's net (payouts − investments, purchases, fees).\n\n")
	fmt.Fprintf(j.bw, "commodity %s\n    format 1000.%s %s\n\n", j.commodity, strings.Repeat("0", portfolio.BaseUnitPlaces), j.commodity)
}

// Write writes one entry: a transaction when it has a cash flow, else a comment line that
// keeps it on record.
func (j *JournalWriter) Write(r Row) error {
	j.start()
	e := r.Entry
	name := AccountName(r.Network)
	amount := formatAmount(e.Amount, e.Currency) + " " + e.Currency
	if !HasCashFlow(e) {
		line := fmt.Sprintf("; %s %s: %s %s (no cash flow)", e.Date, oneLine(r.Network), e.Kind, amount)
		if note := oneLine(e.Note); note != "" {
			line += " - " + note
		}
		_, err := j.bw.WriteString(line + "\n\n")
		return err
	}

	var other string
	switch e.Kind {
	case portfolio.Investment:
		other = "Assets:Networks:" + name
	case portfolio.Purchase, portfolio.Fee:
		other = "Expenses:Networks:" + name + ":" + string(e.Kind)
	case portfolio.Payout:
		other = "Income:Networks:" + name + ":" + AccountName(string(payoutClass(r)))
	}
	cash := signedBase(e)
	comment := ""
	if e.Currency != j.base {
		original := e.Amount
		if e.Kind.CashSign() < 0 {
			original = original.Neg()
		}
		comment = "  ; original: " + formatAmount(original, e.Currency) + " " + e.Currency
		if e.UnitsPerEUR != "" {
			comment += ", units_per_eur: " + e.UnitsPerEUR
		}
	}
	desc := oneLine(r.Network) + ": " + string(e.Kind)
	if note := oneLine(e.Note); note != "" {
		desc += " - " + note
	}
	desc = strings.ReplaceAll(desc, ";", ",") // ';' would start a comment
	if strings.HasPrefix(desc, "(") {
		desc = "[" + desc[1:] // "(…)" right after the status is a transaction code
	}
	_, err := fmt.Fprintf(j.bw, "%s * %s\n    Assets:Cash:%s  %s %s%s\n    %s  %s %s\n\n",
		e.Date, desc,
		name, portfolio.FormatBase(cash, j.base), j.commodity, comment,
		other, portfolio.FormatBase(cash.Neg(), j.base), j.commodity)
	return err
}

// Flush writes out what is buffered (the journal's header at least).
func (j *JournalWriter) Flush() error {
	j.start()
	return j.bw.Flush()
}

// oneLine makes free text fit on one journal line: line breaks, tabs and other control
// characters become spaces, runs of spaces one space (two spaces end a description in ledger).
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// AccountName turns a network name into one component of an account name that hledger and
// ledger read the same way. Letters (any script), digits, combining marks, - _ . & ' + / and
// , are kept, and so are single spaces inside the name; every other character, and a space at
// either end or next to another space, is written as %XX per UTF-8 byte (':' the account
// separator is %3A, '%' itself %25). The mapping is deterministic and one-to-one, so two
// networks never share an account. An empty name (which netfolio does not store) is "%00".
func AccountName(name string) string {
	if name == "" {
		return "%00"
	}
	var b strings.Builder
	for i, r := range name {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(name[i:])
		}
		keep := false
		switch {
		case r == utf8.RuneError:
		case r == ' ':
			keep = i > 0 && i+1 < len(name) && name[i-1] != ' ' && name[i+1] != ' '
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r) && i > 0:
			keep = true
		case strings.ContainsRune("-_.&'+/,", r):
			keep = true
		}
		if keep {
			b.WriteRune(r)
			continue
		}
		for k := 0; k < size; k++ {
			fmt.Fprintf(&b, "%%%02X", name[i+k])
		}
	}
	return b.String()
}
