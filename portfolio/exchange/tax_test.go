package exchange

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

var taxIntl = crlf(
	"date,network,network_kind,kind,income_class,note,amount,currency,units_per_eur,base_amount,base_currency",
	"2025-01-15,Alpha,revshare,payout,capital,January,100.50,EUR,,100.50,EUR",
	"2025-02-01,Beta,product,investment,,'=SUM(A1:A9),-1234.50,USD,1.0921,-1130.39098984,EUR",
	"2025-03-10,Gamma,revshare,payout,capital,'-5,0.123456789012345678,ETH,0.00030512,404.61716378,EUR",
	"2025-03-31,Beta,product,purchase,,'@home; stock,-49.90,USD,1.0823,-46.10551603,EUR",
	`2025-06-01,Beta,product,payout,active,"Bonus, June",300.00,USD,,270.00,EUR`,
	"2025-06-15,Beta,product,payout,passive,Team,12.34,USD,1.0350,11.92270531,EUR",
	"2025-07-01,Alpha,revshare,fee,,'\tTab,-2.00,EUR,,-2.00,EUR",
)

var taxGerman = "\uFEFF" + crlf(
	"Datum;Netzwerk;Netzwerkart;Buchungsart;Einkunftsart;Notiz;Betrag;Währung;Kurs je EUR;Betrag in Basiswährung;Basiswährung",
	"15.01.2025;Alpha;Einkommensnetzwerk;Auszahlung;Kapital;January;100,50;EUR;;100,50;EUR",
	"01.02.2025;Beta;Produktnetzwerk;Investition;;'=SUM(A1:A9);-1234,50;USD;1,0921;-1130,39098984;EUR",
	"10.03.2025;Gamma;Einkommensnetzwerk;Auszahlung;Kapital;'-5;0,123456789012345678;ETH;0,00030512;404,61716378;EUR",
	`31.03.2025;Beta;Produktnetzwerk;Einkauf;;"'@home; stock";-49,90;USD;1,0823;-46,10551603;EUR`,
	"01.06.2025;Beta;Produktnetzwerk;Auszahlung;aktiv;Bonus, June;300,00;USD;;270,00;EUR",
	"15.06.2025;Beta;Produktnetzwerk;Auszahlung;passiv;Team;12,34;USD;1,0350;11,92270531;EUR",
	"01.07.2025;Alpha;Einkommensnetzwerk;Gebühr;;'\tTab;-2,00;EUR;;-2,00;EUR",
)

func TestTaxCSV(t *testing.T) {
	for _, c := range []struct {
		dialect Dialect
		want    string
	}{{Intl, taxIntl}, {German, taxGerman}} {
		t.Run(c.dialect.Name, func(t *testing.T) {
			var buf bytes.Buffer
			tw, err := NewTaxWriter(&buf, c.dialect, "EUR")
			if err != nil {
				t.Fatal(err)
			}
			wrote := 0
			for _, r := range sampleRows(t) {
				ok, err := tw.Write(r)
				if err != nil {
					t.Fatal(err)
				}
				if ok != HasCashFlow(r.Entry) {
					t.Errorf("Write(%s %s) reported %v", r.Entry.Kind, r.Entry.Amount, ok)
				}
				if ok {
					wrote++
				}
			}
			if err := tw.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != c.want {
				t.Errorf("tax.csv differs\n got: %q\nwant: %q", got, c.want)
			}
			if wrote != 7 {
				t.Errorf("wrote %d lines, want 7 (reinvest, balance and the zero payout have no cash flow)", wrote)
			}
		})
	}
}

func TestTaxCSVSmallBaseCurrency(t *testing.T) {
	// A JPY base keeps no fewer places than stored; KWD gets its three.
	rows := []Row{mkRow(t, rowSpec{date: "2025-01-02", network: "Alpha", kind: "payout", amount: "10", currency: "EUR", base: "1612.5", rate: "161.25", class: "capital"})}
	for base, want := range map[string]string{"JPY": "1612.5", "KWD": "1612.500", "EUR": "1612.50"} {
		var buf bytes.Buffer
		tw, _ := NewTaxWriter(&buf, Intl, base)
		if _, err := tw.Write(rows[0]); err != nil {
			t.Fatal(err)
		}
		_ = tw.Flush()
		if !strings.Contains(buf.String(), ","+want+","+base+"\r\n") {
			t.Errorf("base %s: %q lacks %s", base, buf.String(), want)
		}
	}
}

func TestNeutralise(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=1+2", "'=1+2"},
		{"+49 170", "'+49 170"},
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{" =x", " =x"}, // a leading space is not a formula
		{"'", "'"},
		{"'plain", "'plain"},
		{"'=x", "''=x"}, // already looks neutralised: one more, so that import gives '=x back
		{"''-x", "'''-x"},
		{"a=b", "a=b"},
		{"Über", "Über"},
	} {
		if got := Neutralise(c.in); got != c.want {
			t.Errorf("Neutralise(%q) = %q, want %q", c.in, got, c.want)
		}
		if back := Unneutralise(Neutralise(c.in)); back != c.in {
			t.Errorf("Unneutralise(Neutralise(%q)) = %q", c.in, back)
		}
	}
}

func TestDialectByName(t *testing.T) {
	for name, want := range map[string]string{"": "intl", "intl": "intl", "de": "de"} {
		d, err := DialectByName(name)
		if err != nil || d.Name != want {
			t.Errorf("DialectByName(%q) = %v, %v", name, d.Name, err)
		}
	}
	if _, err := DialectByName("fr"); err == nil {
		t.Error("DialectByName(fr) should fail")
	}
}

var summaryIntl = crlf(
	"network,network_kind,income_class,income,expenses,net",
	"Alpha,revshare,capital,100.50,0.00,100.50",
	"Alpha,revshare,,0.00,2.00,-2.00",
	"Beta,product,active,270.00,0.00,270.00",
	"Beta,product,passive,11.92270531,0.00,11.92270531",
	"Beta,product,,0.00,1176.49650587,-1176.49650587",
	"Gamma,revshare,capital,404.61716378,0.00,404.61716378",
	",revshare,subtotal,505.11716378,2.00,503.11716378",
	",product,subtotal,281.92270531,1176.49650587,-894.57380056",
	",,total,787.03986909,1178.49650587,-391.45663678",
)

var summaryGerman = "\uFEFF" + crlf(
	"Netzwerk;Netzwerkart;Einkunftsart;Einnahmen;Ausgaben;Saldo",
	"Alpha;Einkommensnetzwerk;Kapital;100,50;0,00;100,50",
	"Alpha;Einkommensnetzwerk;;0,00;2,00;-2,00",
	"Beta;Produktnetzwerk;aktiv;270,00;0,00;270,00",
	"Beta;Produktnetzwerk;passiv;11,92270531;0,00;11,92270531",
	"Beta;Produktnetzwerk;;0,00;1176,49650587;-1176,49650587",
	"Gamma;Einkommensnetzwerk;Kapital;404,61716378;0,00;404,61716378",
	";Einkommensnetzwerk;Zwischensumme;505,11716378;2,00;503,11716378",
	";Produktnetzwerk;Zwischensumme;281,92270531;1176,49650587;-894,57380056",
	";;Summe;787,03986909;1178,49650587;-391,45663678",
)

func TestSummary(t *testing.T) {
	for _, c := range []struct {
		dialect Dialect
		want    string
	}{{Intl, summaryIntl}, {German, summaryGerman}} {
		t.Run(c.dialect.Name, func(t *testing.T) {
			s := NewSummary()
			rows := sampleRows(t)
			// Feed in reverse: the order of the file must not depend on the order of rows.
			for i := len(rows) - 1; i >= 0; i-- {
				s.Add(rows[i])
			}
			var buf bytes.Buffer
			if err := s.Write(&buf, c.dialect, "EUR"); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != c.want {
				t.Errorf("tax-summary.csv differs\n got: %q\nwant: %q", got, c.want)
			}
		})
	}
}

// TestSummaryEqualsTaxRows checks, on the files themselves, that the summary's figures are
// the exact sums of the tax.csv lines: per network and class, per kind, and in total.
func TestSummaryEqualsTaxRows(t *testing.T) {
	rows := sampleRows(t)
	// More rows with awkward amounts: many small base amounts whose float sum would drift.
	for i := 0; i < 1000; i++ {
		rows = append(rows, mkRow(t, rowSpec{date: "2025-08-01", network: "Gamma", kind: "payout", amount: "0.000000000000000001", currency: "ETH", base: "0.00000001", rate: "0.0003", class: "passive"}))
		rows = append(rows, mkRow(t, rowSpec{date: "2025-08-02", network: "Delta", kind: "fee", amount: "0.1", currency: "EUR", base: "0.1"}))
	}
	var tax, sum bytes.Buffer
	tw, _ := NewTaxWriter(&tax, German, "EUR")
	s := NewSummary()
	for _, r := range rows {
		if _, err := tw.Write(r); err != nil {
			t.Fatal(err)
		}
		s.Add(r)
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(&sum, German, "EUR"); err != nil {
		t.Fatal(err)
	}

	parse := func(s string) decimal.Decimal { return dec(t, strings.Replace(s, ",", ".", 1)) }
	read := func(b []byte) [][]string {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(bom))))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs[1:]
	}
	type key struct{ network, class string }
	want := map[key]decimal.Decimal{}
	var total, income, expenses decimal.Decimal
	for _, rec := range read(tax.Bytes()) {
		v := parse(rec[9])
		k := key{rec[1], rec[4]}
		want[k] = want[k].Add(v)
		total = total.Add(v)
		if v.IsPositive() {
			income = income.Add(v)
		} else {
			expenses = expenses.Sub(v)
		}
	}
	var subNet decimal.Decimal
	lines := read(sum.Bytes())
	for _, rec := range lines {
		inc, exp, net := parse(rec[3]), parse(rec[4]), parse(rec[5])
		if !inc.Sub(exp).Equal(net) {
			t.Errorf("%v: income − expenses ≠ net", rec)
		}
		switch rec[2] {
		case "Zwischensumme":
			subNet = subNet.Add(net)
		case "Summe":
			if !net.Equal(total) || !inc.Equal(income) || !exp.Equal(expenses) {
				t.Errorf("total line %v, tax.csv sums: income %s expenses %s net %s", rec, income, expenses, total)
			}
		default:
			k := key{rec[0], rec[2]}
			if !net.Equal(want[k]) {
				t.Errorf("%v: net %s, tax.csv lines sum to %s", rec, net, want[k])
			}
			delete(want, k)
		}
	}
	if len(want) != 0 {
		t.Errorf("tax.csv groups missing from the summary: %v", want)
	}
	if !subNet.Equal(total) {
		t.Errorf("subtotals add up to %s, tax.csv to %s", subNet, total)
	}
	// The sample rows net to −391.45663678, the extra ones to 1000 × (0.00000001 − 0.1).
	if last := lines[len(lines)-1]; last[5] != "-491,45662678" {
		t.Errorf("total line %v, want net -491,45662678", last)
	}
}

func TestHasCashFlow(t *testing.T) {
	for _, c := range []struct {
		kind   portfolio.EntryKind
		amount string
		want   bool
	}{
		{portfolio.Investment, "1", true}, {portfolio.Purchase, "1", true}, {portfolio.Fee, "0.01", true},
		{portfolio.Payout, "5", true}, {portfolio.Payout, "0", false}, {portfolio.Reinvest, "5", false},
		{portfolio.Balance, "5", false},
	} {
		if got := HasCashFlow(portfolio.Entry{Kind: c.kind, Amount: dec(t, c.amount)}); got != c.want {
			t.Errorf("HasCashFlow(%s %s) = %v", c.kind, c.amount, got)
		}
	}
}
