package portfolio

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

// The three formats the ECB publishes, cut down to a few currencies.
const (
	// eurofxref-hist.csv: newest day first, a trailing comma on every line, N/A for currencies
	// that no longer (or not yet) have a rate.
	ecbHistCSV = "Date,USD,JPY,BGN,CYP,\n" +
		"2024-01-05,1.0921,158.35,1.9558,N/A,\n" +
		"2024-01-04,1.0953,159.34,1.9558,N/A,\n"

	// eurofxref.csv (inside eurofxref.zip): one day, ", " separators, the date written out.
	ecbDailyCSV = "Date, USD, JPY, \n" +
		"05 January 2024, 1.0921, 158.35, \n"

	// eurofxref-daily.xml, with the ECB's single-quoted attributes.
	ecbDailyXML = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<gesmes:Sender>
		<gesmes:name>European Central Bank</gesmes:name>
	</gesmes:Sender>
	<Cube>
		<Cube time='2024-01-05'>
			<Cube currency='USD' rate='1.0921'/>
			<Cube currency='JPY' rate='158.35'/>
			<Cube currency='BGN' rate='1.9558'/>
		</Cube>
	</Cube>
</gesmes:Envelope>
`

	// eurofxref-hist-90d.xml: several dated Cubes.
	ecb90dXML = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
<gesmes:subject>Reference rates</gesmes:subject>
<Cube>
<Cube time="2024-01-05"><Cube currency="USD" rate="1.0921"/><Cube currency="GBP" rate="0.86008"/></Cube>
<Cube time="2024-01-04"><Cube currency="USD" rate="1.0953"/><Cube currency="GBP" rate="0.86170"/></Cube>
</Cube>
</gesmes:Envelope>`
)

// wantRate is an expected rate, written as text.
type wantRate struct{ date, currency, rate string }

func checkRates(t *testing.T, name string, got []Rate, want []wantRate) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d rates %v, want %d", name, len(got), got, len(want))
		return
	}
	for i, w := range want {
		g := got[i]
		if g.Date.String() != w.date || g.Currency != w.currency || !g.UnitsPerEUR.Equal(dec(t, w.rate)) {
			t.Errorf("%s: rate %d = %s %s %s, want %s %s %s", name, i, g.Date, g.Currency, g.UnitsPerEUR, w.date, w.currency, w.rate)
		}
	}
}

func TestParseECB(t *testing.T) {
	hist := []wantRate{
		{"2024-01-05", "USD", "1.0921"}, {"2024-01-05", "JPY", "158.35"}, {"2024-01-05", "BGN", "1.9558"},
		{"2024-01-04", "USD", "1.0953"}, {"2024-01-04", "JPY", "159.34"}, {"2024-01-04", "BGN", "1.9558"},
	}
	daily := []wantRate{{"2024-01-05", "USD", "1.0921"}, {"2024-01-05", "JPY", "158.35"}}
	dailyXML := []wantRate{{"2024-01-05", "USD", "1.0921"}, {"2024-01-05", "JPY", "158.35"}, {"2024-01-05", "BGN", "1.9558"}}
	cases := []struct {
		name, in string
		want     []wantRate
	}{
		{"history CSV", ecbHistCSV, hist},
		{"history CSV with BOM", "\ufeff" + ecbHistCSV, hist},
		{"history CSV with CRLF", strings.ReplaceAll(ecbHistCSV, "\n", "\r\n"), hist},
		{"history CSV with BOM and CRLF", "\ufeff" + strings.ReplaceAll(ecbHistCSV, "\n", "\r\n"), hist},
		{"history CSV without trailing newline", strings.TrimSuffix(ecbHistCSV, "\n"), hist},
		{"history CSV with blank lines", "\n" + strings.ReplaceAll(ecbHistCSV, "\n", "\n\n"), hist},
		{"lower-case header", "date,USD\n2024-01-05,1.0921\n", daily[:1]},
		{"short row", "Date,USD,JPY\n2024-01-05,1.0921\n", daily[:1]},
		{"empty cells", "Date,USD,JPY\n2024-01-05,,158.35\n", daily[1:]},
		{"daily CSV", ecbDailyCSV, daily},
		{"daily CSV with BOM and CRLF", "\ufeff" + strings.ReplaceAll(ecbDailyCSV, "\n", "\r\n"), daily},
		{"daily XML", ecbDailyXML, dailyXML},
		{"daily XML with BOM", "\ufeff" + ecbDailyXML, dailyXML},
		{"daily XML with CRLF", strings.ReplaceAll(ecbDailyXML, "\n", "\r\n"), dailyXML},
		{"90-day XML", ecb90dXML, []wantRate{
			{"2024-01-05", "USD", "1.0921"}, {"2024-01-05", "GBP", "0.86008"},
			{"2024-01-04", "USD", "1.0953"}, {"2024-01-04", "GBP", "0.86170"},
		}},
		{"XML without envelope", `<Cube time="2024-01-05"><Cube currency="PTS" rate="100"/></Cube>`,
			[]wantRate{{"2024-01-05", "PTS", "100"}}},
	}
	for _, c := range cases {
		got, err := ParseECB(strings.NewReader(c.in))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		checkRates(t, c.name, got, c.want)
	}

	// The format is told by the first byte even when the reader hands out one byte at a time.
	got, err := ParseECB(iotest.OneByteReader(strings.NewReader(ecbDailyXML)))
	if err != nil {
		t.Fatalf("one-byte reader: %v", err)
	}
	checkRates(t, "one-byte reader", got, dailyXML)

	// A large history (more than the 512 bytes peeked at) parses in full.
	var big bytes.Buffer
	big.WriteString("Date,USD,\n")
	for d := day(t, "2024-12-31"); d >= day(t, "2024-01-01"); d-- {
		big.WriteString(d.String() + ",1.0921,\n")
	}
	got, err = ParseECB(&big)
	if err != nil || len(got) != 366 || got[365].Date.String() != "2024-01-01" {
		t.Errorf("366-day history: %d rates, %v", len(got), err)
	}
}

func TestParseECBErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"blank", " \r\n\t\n", "empty"},
		{"only a BOM", "\ufeff", "empty"},
		{"bad header", "Datum,USD\n2024-01-05,1.0921\n", "line 1"},
		{"header without currencies", "Date\n2024-01-05\n", "line 1"},
		{"not CSV", "hello world", "line 1"},
		{"bad CSV quoting", "Date,USD\n2024-01-05,\"1.0921\n", "line 2"},
		{"bad ISO date", "Date,USD\n2024-02-30,1.0921\n", "line 2"},
		{"bad written date", "Date, USD\n5 Jan 2024, 1.0921\n", "line 2"},
		{"no date", "Date,USD\n,1.0921\n", "line 2"},
		{"date before 1900", "Date,USD\n1899-12-31,1.0921\n", "line 2"},
		{"written date before 1900", "Date, USD\n31 December 1899, 1.0921\n", "line 2"},
		{"written date in year 1", "Date, USD\n01 January 0001, 1.0921\n", "line 2"},
		{"rate abc", "Date,USD\n2024-01-05,abc\n", "line 2, USD"},
		{"rate 0", "Date,USD\n2024-01-05,0\n", "line 2, USD"},
		{"rate -1", "Date,USD\n2024-01-05,-1\n", "line 2, USD"},
		{"rate with comma", "Date,USD\n2024-01-05,\"1,0921\"\n", "line 2, USD"},
		{"rate too precise", "Date,USD\n2024-01-05,0.0000000000000000001\n", "line 2, USD"},
		{"bad rate on line 3", ecbHistCSV + "2024-01-03,1.09,x,1.9558,N/A,\n", "line 4, JPY"},
		{"bad currency", "Date,usd\n2024-01-05,1.0921\n", "bad currency"},
		{"XML without rates", `<?xml version="1.0"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"><Cube><Cube time="2024-01-05"></Cube></Cube></gesmes:Envelope>`, "no rates"},
		{"XML without Cubes", `<html><body>Service unavailable</body></html>`, "no rates"},
		{"XML rate before a date", `<Cube><Cube currency="USD" rate="1.0921"/></Cube>`, "outside a dated Cube"},
		{"XML bad date", `<Cube><Cube time="2024-13-01"><Cube currency="USD" rate="1.0921"/></Cube></Cube>`, "bad date"},
		{"XML date before 1900", `<Cube><Cube time="1899-12-31"><Cube currency="USD" rate="1.0921"/></Cube></Cube>`, "date"},
		{"XML rate abc", `<Cube><Cube time="2024-01-05"><Cube currency="USD" rate="abc"/></Cube></Cube>`, "USD on 2024-01-05"},
		{"XML rate 0", `<Cube><Cube time="2024-01-05"><Cube currency="USD" rate="0"/></Cube></Cube>`, "rate must be > 0"},
		{"XML rate -1", `<Cube><Cube time="2024-01-05"><Cube currency="USD" rate="-1"/></Cube></Cube>`, "rate must be > 0"},
		{"XML missing rate", `<Cube><Cube time="2024-01-05"><Cube currency="USD"/></Cube></Cube>`, "USD"},
		{"XML bad currency", `<Cube><Cube time="2024-01-05"><Cube currency="usd" rate="1.0921"/></Cube></Cube>`, "bad currency"},
		{"XML truncated", ecbDailyXML[:strings.Index(ecbDailyXML, "<Cube currency='JPY'")], "XML"},
		{"XML malformed", `<Cube time="2024-01-05"><Cube currency="USD" rate="1.0921"></Cube`, "XML"},
	}
	for _, c := range cases {
		got, err := ParseECB(strings.NewReader(c.in))
		if err == nil {
			t.Errorf("%s: got %v, want an error containing %q", c.name, got, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want it to contain %q", c.name, err, c.want)
		}
		if got != nil {
			t.Errorf("%s: got rates %v with the error", c.name, got)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, in := range []string{"1.0921", "0.0004", "158.35", "1e-18", "100"} {
		if got, err := ParseRate(in); err != nil || !got.Equal(dec(t, in)) {
			t.Errorf("ParseRate(%q) = %s, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "-1", "0.0", "-0", "abc", "N/A", "1,5", "1e-19"} {
		if got, err := ParseRate(in); err == nil {
			t.Errorf("ParseRate(%q) = %s, want an error", in, got)
		}
	}
}

func FuzzParseECB(f *testing.F) {
	for _, s := range []string{
		ecbHistCSV, ecbDailyCSV, ecbDailyXML, ecb90dXML,
		"\ufeff" + strings.ReplaceAll(ecbHistCSV, "\n", "\r\n"),
		"", "Date,USD\n2024-01-05,0\n", "Date, USD\n31 December 1899, 1.0921\n",
		`<Cube><Cube currency="USD" rate="1.0921"/></Cube>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rates, err := ParseECB(bytes.NewReader(b))
		if err != nil {
			if rates != nil {
				t.Fatalf("rates %v returned with error %v", rates, err)
			}
			return
		}
		for _, r := range rates {
			if !ValidCurrency(r.Currency) {
				t.Fatalf("rate with invalid currency %q", r.Currency)
			}
			if !r.UnitsPerEUR.IsPositive() {
				t.Fatalf("%s rate %s is not positive", r.Currency, r.UnitsPerEUR)
			}
			// The rate must survive the store: it is written with FormatExact and read back
			// with ParseRate, and its date is written as text and read back with ParseDate.
			if back, err := ParseRate(FormatExact(r.UnitsPerEUR)); err != nil || !back.Equal(r.UnitsPerEUR) {
				t.Fatalf("%s rate %s does not round-trip: %s, %v", r.Currency, r.UnitsPerEUR, back, err)
			}
			if back, err := ParseDate(r.Date.String()); err != nil || back != r.Date {
				t.Fatalf("%s rate date %s does not round-trip: %v", r.Currency, r.Date, err)
			}
		}
	})
}
