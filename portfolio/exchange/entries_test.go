package exchange

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/netfolio/netfolio/portfolio"
)

var entriesIntl = crlf(
	"external_id,date,network,network_kind,kind,amount,currency,base_amount,income_class,note",
	",2025-01-15,Alpha,revshare,payout,100.50,EUR,100.50,capital,January",
	",2025-02-01,Beta,product,investment,1234.50,USD,1130.39098984,,'=SUM(A1:A9)",
	",2025-03-10,Gamma,revshare,payout,0.123456789012345678,ETH,404.61716378,capital,'-5",
	",2025-03-31,Beta,product,purchase,49.90,USD,46.10551603,,'@home; stock",
	",2025-04-01,Alpha,revshare,reinvest,20.00,EUR,20.00,,",
	"monthly:1:2025-05,2025-05-01,Alpha,revshare,payout,0.00,EUR,0.00,capital,",
	`bank-4711,2025-06-01,Beta,product,payout,300.00,USD,270.00,active,"Bonus, June"`,
	",2025-06-15,Beta,product,payout,12.34,USD,11.92270531,passive,Team",
	",2025-06-30,Gamma,revshare,balance,1.50,ETH,4500.12,,",
	",2025-07-01,Alpha,revshare,fee,2.00,EUR,2.00,,'\tTab",
)

var entriesGerman = "\uFEFF" + crlf(
	"Externe ID;Datum;Netzwerk;Netzwerkart;Buchungsart;Betrag;Währung;Betrag in Basiswährung;Einkunftsart;Notiz",
	";15.01.2025;Alpha;Einkommensnetzwerk;Auszahlung;100,50;EUR;100,50;Kapital;January",
	";01.02.2025;Beta;Produktnetzwerk;Investition;1234,50;USD;1130,39098984;;'=SUM(A1:A9)",
	";10.03.2025;Gamma;Einkommensnetzwerk;Auszahlung;0,123456789012345678;ETH;404,61716378;Kapital;'-5",
	`;31.03.2025;Beta;Produktnetzwerk;Einkauf;49,90;USD;46,10551603;;"'@home; stock"`,
	";01.04.2025;Alpha;Einkommensnetzwerk;Reinvestition;20,00;EUR;20,00;;",
	"monthly:1:2025-05;01.05.2025;Alpha;Einkommensnetzwerk;Auszahlung;0,00;EUR;0,00;Kapital;",
	"bank-4711;01.06.2025;Beta;Produktnetzwerk;Auszahlung;300,00;USD;270,00;aktiv;Bonus, June",
	";15.06.2025;Beta;Produktnetzwerk;Auszahlung;12,34;USD;11,92270531;passiv;Team",
	";30.06.2025;Gamma;Einkommensnetzwerk;Kontostand;1,50;ETH;4500,12;;",
	";01.07.2025;Alpha;Einkommensnetzwerk;Gebühr;2,00;EUR;2,00;;'\tTab",
)

func writeEntries(t testing.TB, d Dialect, rows []Row) string {
	t.Helper()
	var buf bytes.Buffer
	ew, err := NewEntriesWriter(&buf, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := ew.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := ew.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// readAll reads a file to its end: the rows, the line errors, and the header error if any.
func readAll(t testing.TB, file string) ([]ImportRow, []*LineError, error) {
	t.Helper()
	r, err := NewEntriesReader(strings.NewReader(file))
	if err != nil {
		return nil, nil, err
	}
	var rows []ImportRow
	var errs []*LineError
	for {
		row, lerr, err := r.Next()
		if err == io.EOF {
			return rows, errs, nil
		}
		if err != nil {
			return rows, errs, err
		}
		if lerr != nil {
			errs = append(errs, lerr)
		} else {
			rows = append(rows, row)
		}
	}
}

// asRows turns imported rows back into rows to export, as the store would after importing them.
func asRows(in []ImportRow) []Row {
	out := make([]Row, len(in))
	for i, r := range in {
		out[i] = Row{Entry: r.Entry, Network: r.Network, NetworkKind: r.NetworkKind}
	}
	return out
}

// sameEntry compares what entries.csv carries of an entry.
func sameEntry(t testing.TB, what string, want Row, got ImportRow) {
	t.Helper()
	w, g := want.Entry, got.Entry
	if want.Network != got.Network || want.NetworkKind != got.NetworkKind || w.Date != g.Date || w.Kind != g.Kind ||
		!w.Amount.Equal(g.Amount) || w.Currency != g.Currency || !w.BaseAmount.Equal(g.BaseAmount) ||
		w.IncomeClass != g.IncomeClass || w.Note != g.Note || w.ExternalID != g.ExternalID {
		t.Errorf("%s: line %d differs\n got: %s %+v\nwant: %s %+v", what, got.Line, got.Network, g, want.Network, w)
	}
	if !g.BaseGiven || g.BaseUnits == 0 && !g.BaseAmount.IsZero() {
		t.Errorf("%s: line %d: the base amount is not given: %+v", what, got.Line, g)
	}
	if (g.ExternalID == "") == (g.ImportHash == "") {
		t.Errorf("%s: line %d: a line has an external id or else a hash: %q %q", what, got.Line, g.ExternalID, g.ImportHash)
	}
}

func TestEntriesRoundTrip(t *testing.T) {
	for _, c := range []struct {
		dialect Dialect
		want    string
	}{{Intl, entriesIntl}, {German, entriesGerman}} {
		t.Run(c.dialect.Name, func(t *testing.T) {
			rows := sampleRows(t)
			file := writeEntries(t, c.dialect, rows)
			if file != c.want {
				t.Fatalf("entries.csv differs\n got: %q\nwant: %q", file, c.want)
			}
			got, errs, err := readAll(t, file)
			if err != nil || len(errs) != 0 {
				t.Fatalf("reading our own file: %v %v", err, errs)
			}
			if len(got) != len(rows) {
				t.Fatalf("read %d rows, wrote %d", len(got), len(rows))
			}
			for i := range rows {
				sameEntry(t, c.dialect.Name, rows[i], got[i])
				if got[i].Line != i+2 {
					t.Errorf("row %d has line %d", i, got[i].Line)
				}
			}
			if again := writeEntries(t, c.dialect, asRows(got)); again != file {
				t.Errorf("export → import → export changed the file\n got: %q\nwant: %q", again, file)
			}
			// The other dialect carries the same entries, with the same hashes.
			other := Intl
			if !c.dialect.German {
				other = German
			}
			got2, errs, err := readAll(t, writeEntries(t, other, asRows(got)))
			if err != nil || len(errs) != 0 {
				t.Fatalf("reading the other dialect: %v %v", err, errs)
			}
			for i := range got {
				sameEntry(t, other.Name, rows[i], got2[i])
				if got[i].Entry.ImportHash != got2[i].Entry.ImportHash {
					t.Errorf("line %d: hash %s in %s, %s in %s", got[i].Line, got[i].Entry.ImportHash, c.dialect.Name, got2[i].Entry.ImportHash, other.Name)
				}
			}
		})
	}
}

// germanHandmade is what a German user types in LibreOffice and saves: BOM, CRLF, ';', German
// headers in their own order, German words in any case, decimal commas, D.M.YYYY dates.
var germanHandmade = "\uFEFF" + crlf(
	"Notiz;Betrag;Datum;Netzwerk;Buchungsart;Einkunftsart;Währung",
	"Provision März;1234,5;05.03.2025;Alpha;Auszahlung;passiv;",
	";0,000000000000000001;5.3.2025;Gamma;auszahlung;;eth",
	"'=HYPERLINK(x);12;2025-03-06;  Beta ;GEBÜHR;;USD",
	`"zwei`+"\r\n"+`Zeilen";7;06.03.2025;Beta;Einkauf;;`,
	";;;;;;",
	"Ende;1e3;07.03.2025;Beta;Investition;;",
)

func TestEntriesReaderGerman(t *testing.T) {
	r, err := NewEntriesReader(strings.NewReader(germanHandmade))
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Dialect(); d.Comma != ';' || !d.DecimalComma || !d.BOM || !d.German {
		t.Errorf("detected %+v", d)
	}
	rows, errs, err := readAll(t, germanHandmade)
	if err != nil || len(errs) != 0 {
		t.Fatalf("%v %v", err, errs)
	}
	want := []struct {
		line                                    int
		network, date, kind, amount, class, cur string
		note                                    string
	}{
		{2, "Alpha", "2025-03-05", "payout", "1234.5", "passive", "", "Provision März"},
		{3, "Gamma", "2025-03-05", "payout", "0.000000000000000001", "", "ETH", ""},
		{4, "Beta", "2025-03-06", "fee", "12", "", "USD", "=HYPERLINK(x)"},
		{5, "Beta", "2025-03-06", "purchase", "7", "", "", "zwei\nZeilen"},
		{8, "Beta", "2025-03-07", "investment", "1000", "", "", "Ende"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows: %+v", len(rows), rows)
	}
	for i, w := range want {
		g := rows[i]
		e := g.Entry
		if g.Line != w.line || g.Network != w.network || e.Date.String() != w.date || string(e.Kind) != w.kind ||
			!e.Amount.Equal(dec(t, w.amount)) || string(e.IncomeClass) != w.class || e.Currency != w.cur || e.Note != w.note ||
			e.BaseGiven || e.ImportHash == "" || g.NetworkKind != "" {
			t.Errorf("line %d: got %+v", w.line, g)
		}
	}
}

func TestEntriesReaderVariants(t *testing.T) {
	for _, c := range []struct {
		name, file   string
		comma        rune
		decimalComma bool
		amount       string
	}{
		{"intl LF other order", "kind,amount,network,date\nfee,1.5,X,2025-01-01\n", ',', false, "1.5"},
		{"intl no final newline", "date,network,kind,amount\r\n2025-01-01,X,fee,1.5", ',', false, "1.5"},
		{"German headers, comma separated", "Datum,Netzwerk,Buchungsart,Betrag\n01.01.2025,X,Gebühr,\"1,5\"\n", ',', true, "1.5"},
		{"semicolon, English headers", "date;network;kind;amount\n2025-01-01;X;fee;1,5\n", ';', true, "1.5"},
		{"BOM intl", "\uFEFFdate,network,kind,amount\n2025-01-01,X,fee,1.5\n", ',', false, "1.5"},
		{"header case and spaces", " Date , NETWORK,Kind,Amount\n2025-01-01,X,fee, 1.5 \n", ',', false, "1.5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewEntriesReader(strings.NewReader(c.file))
			if err != nil {
				t.Fatal(err)
			}
			if d := r.Dialect(); d.Comma != c.comma || d.DecimalComma != c.decimalComma {
				t.Errorf("detected %+v", d)
			}
			rows, errs, err := readAll(t, c.file)
			if err != nil || len(errs) != 0 || len(rows) != 1 {
				t.Fatalf("%v %v %v", rows, errs, err)
			}
			if e := rows[0].Entry; !e.Amount.Equal(dec(t, c.amount)) || e.Kind != portfolio.Fee || rows[0].Network != "X" || e.Date.String() != "2025-01-01" {
				t.Errorf("got %+v", rows[0])
			}
		})
	}
}

var badLines = strings.Join([]string{
	"date,network,kind,amount,currency,base_amount,income_class,note,external_id",
	"2025-02-30,A,payout,1,,,,,",                  // 2
	"2025-01-01,A,payout,1.234.5,,,,,",            // 3
	"2025-01-01,A,gift,1,,,,,",                    // 4
	"2025-01-01,,payout,1,,,,,",                   // 5
	"2025-01-01,A,payout,1",                       // 6
	`2025-01-01,A,payout,"1,5",,,,,`,              // 7
	"2025-01-01,A,fee,-3,,,,,",                    // 8
	"2025-01-01,A,fee,3,eur,,,,",                  // 9 fine
	"2025-01-01,A,fee,3,EURO!,,,,",                // 10
	"2025-01-01,A,fee,3,,-1,,,",                   // 11
	"2025-01-01,A,fee,3,,0.123456789,,,",          // 12
	"2025-01-01,A,fee,3,,,capital,,",              // 13
	"2025-01-01,A,payout,3,,,bonus,,",             // 14
	"2025-01-01,A,payout,3,,,,\"two\nlines\",",    // 15–16 fine
	"15/01/2025,A,payout,3,,,,,",                  // 17
	`2025-01-01,A,payout,1,,,,bad"quote,`,         // 18
	"2025-01-01,A,payout,0,,,,,",                  // 19
	"2025-01-01,A,payout,0,,,,,monthly:3:2025-01", // 20 fine
	",,,,,,,,",                                                  // 21 skipped
	"2025-01-01,A,balance,0,,,,,",                               // 22 fine
	"2025-01-01,A,fee,1,,,,Geb\xfchr,",                          // 23
	"2025-01-01,A,fee,1,,99999999999,,,",                        // 24
	"2025-01-01,A,fee,1e-19,,,,,",                               // 25
	"2025-01-01,A,fee,1 000,,,,,",                               // 26
	"2025-01-01,A,,1,,,,,",                                      // 27
	"2025-01-01,A,fee,,,,,,",                                    // 28
	",A,fee,1,,,,,",                                             // 29
	"2025-01-01,A,fee,1,,,," + strings.Repeat("x", 10001) + ",", // 30
}, "\n") + "\n"

func TestEntriesReaderErrors(t *testing.T) {
	rows, errs, err := readAll(t, badLines)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line   int
		column string
		msg    string
	}{
		{2, "date", "must be a date YYYY-MM-DD or DD.MM.YYYY"},
		{3, "amount", `"1.234.5" has a thousands separator`},
		{4, "kind", `unknown kind "gift"`},
		{5, "network", "is required"},
		{6, "", "has 4 fields, the header has 9"},
		{7, "amount", "this file uses a decimal point"},
		{8, "amount", "must be > 0"},
		{10, "currency", "must be 2–10 letters or digits"},
		{11, "base_amount", "must be >= 0"},
		{12, "base_amount", "must have at most 8 decimal places"},
		{13, "income_class", "is only set on payouts"},
		{14, "income_class", `unknown income class "bonus"`},
		{17, "date", "must be a date YYYY-MM-DD or DD.MM.YYYY"},
		{18, "", `a " inside a field that is not quoted`},
		{19, "amount", "must be > 0"},
		{23, "note", "is not valid UTF-8"},
		{24, "base_amount", "must be below 90000000000"},
		{25, "amount", "must have at most 18 decimal places"},
		{26, "amount", "must be a decimal number such as 1234.50"},
		{27, "kind", "is required"},
		{28, "amount", "is required"},
		{29, "date", "is required"},
		{30, "note", "must be at most 10000 characters"},
	}
	for i, w := range want {
		if i >= len(errs) {
			t.Errorf("missing error: line %d, column %s: %s", w.line, w.column, w.msg)
			continue
		}
		g := errs[i]
		if g.Line != w.line || g.Column != w.column || !strings.Contains(g.Message, w.msg) {
			t.Errorf("error %d = %v; want line %d, column %s: %s", i, g, w.line, w.column, w.msg)
		}
	}
	for _, e := range errs[min(len(want), len(errs)):] {
		t.Errorf("unexpected error %v", e)
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if got := strconvInts(lines); got != "9 15 20 22" {
		t.Errorf("good lines %v", lines)
	}
	if rows[0].Entry.Currency != "EUR" || rows[1].Entry.Note != "two\nlines" || rows[2].Entry.ExternalID != "monthly:3:2025-01" {
		t.Errorf("good rows %+v", rows)
	}
	if e := (&LineError{Line: 3, Column: "amount", Message: "is bad"}); e.Error() != "line 3, column amount: is bad" {
		t.Errorf("LineError.Error() = %q", e.Error())
	}
	if e := (&LineError{Line: 6, Message: "is bad"}); e.Error() != "line 6: is bad" {
		t.Errorf("LineError.Error() = %q", e.Error())
	}
}

func strconvInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " ")
}

func TestEntriesReaderGermanErrors(t *testing.T) {
	file := "Datum;Netzwerk;Buchungsart;Betrag;Netzwerkart\n" +
		"01.01.2025;A;Gebühr;1.5;\n" + // '.' in a decimal-comma file
		"01.01.2025;A;Gebühr;1.234,50;\n" +
		"31.02.2025;A;Gebühr;1;\n" +
		"01.01.25;A;Gebühr;1;\n" +
		"01.01.2025;A;Gebühr;1;Schneeball\n" +
		"01.01.2025;A;Gebühr;1,5;Produktnetzwerk\n"
	rows, errs, err := readAll(t, file)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`line 2, column Betrag: "1.5": this file uses a decimal comma`,
		`line 3, column Betrag: "1.234,50" has a thousands separator: write numbers without one, such as 1234,50`,
		"line 4, column Datum: must be a date DD.MM.YYYY or YYYY-MM-DD",
		"line 5, column Datum: must be a date DD.MM.YYYY or YYYY-MM-DD",
		`line 6, column Netzwerkart: unknown network kind "Schneeball"`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("got %q, want %q…", errs[i].Error(), w)
		}
	}
	if len(rows) != 1 || rows[0].NetworkKind != portfolio.Product || !rows[0].Entry.Amount.Equal(dec(t, "1.5")) {
		t.Errorf("rows %+v", rows)
	}
}

func TestEntriesReaderHeaderErrors(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"empty", "", "line 1: the file is empty"},
		{"BOM only", "\uFEFF", "line 1: the file is empty"},
		{"blank first line", "\n\ndate,network,kind,amount\n", "line 1: the first line must be the header"},
		{"unknown column", "date,network,kind,amount,comment\n", "line 1, column comment: unknown column"},
		{"tax.csv", "date,network,network_kind,kind,income_class,note,amount,currency,units_per_eur,base_amount,base_currency\n", "line 1, column units_per_eur: unknown column: this looks like tax.csv"},
		{"German tax.csv", "Datum;Netzwerk;Betrag;Buchungsart;Kurs je EUR\n", "line 1, column Kurs je EUR: unknown column: this looks like tax.csv"},
		{"twice", "date,network,kind,amount,Datum\n", "line 1, column Datum: the column appears twice (as date)"},
		{"missing amount", "date,network,kind\n2025-01-01,A,fee\n", "line 1, column amount: a required column is missing"},
		{"empty name", "date,network,kind,amount,\n", "line 1: a column has no name"},
		{"bad quote", "date,\"network,kind,amount\n", "line 1: cannot read the header"},
		{"long header", strings.Repeat("x", 70000) + "\n", "line 1: the header line is too long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewEntriesReader(strings.NewReader(c.file))
			var le *LineError
			if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got %v, want %q…", err, c.want)
			}
		})
	}
}

func TestEntriesReaderHashes(t *testing.T) {
	intl := "date,network,kind,amount,note,external_id\n" +
		"2025-01-01,A,payout,5,,\n" +
		"2025-01-01,A,payout,5,,\n" +
		"2025-01-01,A,payout,5.00,,\n" + // the same amount
		"2025-01-01,A,payout,5,x,\n" +
		"2025-01-01,A,payout,5,,ext-1\n" +
		"2025-01-01,B,payout,5,,\n"
	german := "\uFEFFDatum;Netzwerk;Buchungsart;Betrag;Notiz;Externe ID\r\n" +
		"01.01.2025;A;Auszahlung;5;;\r\n" +
		"01.01.2025;A;Auszahlung;5,0;;\r\n" +
		"1.1.2025;A;Auszahlung;5;;\r\n" +
		"01.01.2025;A;Auszahlung;5;x;\r\n" +
		"01.01.2025;A;Auszahlung;5;;ext-1\r\n" +
		"01.01.2025;B;Auszahlung;5;;\r\n"
	hashes := func(file string) []string {
		rows, errs, err := readAll(t, file)
		if err != nil || len(errs) != 0 {
			t.Fatal(err, errs)
		}
		var h []string
		for _, r := range rows {
			h = append(h, r.Entry.ImportHash)
		}
		return h
	}
	first := hashes(intl)
	seen := map[string]bool{}
	for i, h := range first {
		if i == 4 {
			if h != "" {
				t.Errorf("a line with an external id got hash %s", h)
			}
			continue
		}
		if len(h) != 64 || seen[h] {
			t.Errorf("line %d: hash %q is not a new SHA-256", i+2, h)
		}
		seen[h] = true
	}
	if again := hashes(intl); strings.Join(again, " ") != strings.Join(first, " ") {
		t.Errorf("reading the file again gave other hashes:\n%v\n%v", again, first)
	}
	if de := hashes(german); strings.Join(de, " ") != strings.Join(first, " ") {
		t.Errorf("the same lines in the German dialect gave other hashes:\n%v\n%v", de, first)
	}
	// A line's hash does not depend on the lines around it, only on identical earlier ones.
	if tail := hashes("date,network,kind,amount\n2025-01-01,B,payout,5\n"); tail[0] != first[5] {
		t.Errorf("hash of a line depends on other lines: %s vs %s", tail[0], first[5])
	}
}

// genReader produces a large entries.csv on the fly.
type genReader struct {
	lines, n int
	buf      []byte
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.n <= g.lines {
		if g.n == 0 {
			g.buf = append(g.buf, "external_id,date,network,kind,amount,currency,note\r\n"...)
		} else {
			g.buf = append(g.buf, "id-"+strconv.Itoa(g.n)+",2025-01-01,Network "+strconv.Itoa(g.n%7)+",payout,12.34,EUR,"+strings.Repeat("n", 60)+"\r\n"...)
		}
		g.n++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

func TestEntriesReaderStreams(t *testing.T) {
	lines := 300000 // about 30 MB
	if testing.Short() {
		lines = 30000
	}
	r, err := NewEntriesReader(&genReader{lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	count := 0
	for {
		_, lerr, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil || lerr != nil {
			t.Fatal(err, lerr)
		}
		count++
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if count != lines {
		t.Errorf("read %d lines, want %d", count, lines)
	}
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 4<<20 {
		t.Errorf("heap grew by %d bytes reading %d lines", grown, lines)
	}
}

func TestEntriesReaderUnclosedQuote(t *testing.T) {
	file := "date,network,kind,amount,note\n2025-01-01,A,fee,1,\"never closed\n" + strings.Repeat("2025-01-01,A,fee,1,x\n", 100000)
	_, _, err := readAll(t, file)
	if !errors.Is(err, ErrLineTooLong) {
		t.Errorf("got %v, want ErrLineTooLong", err)
	}
}
