package portfolio

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// dec parses a decimal literal for expectations; it fails the test on a typo.
func dec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("bad test decimal %q: %v", s, err)
	}
	return d
}

var parseAmountCases = []struct {
	in   string
	want string // expected exact value when err is nil
	err  error
}{
	{in: "1234.50", want: "1234.5"},
	{in: "0", want: "0"},
	{in: "-3", want: "-3"},
	{in: "+7", want: "7"},
	{in: "-0", want: "0"},
	{in: "0.000000000000000001", want: "1e-18"}, // 18 places: the finest ETH amount
	{in: "-0.000000000000000001", want: "-1e-18"},
	{in: "1.500000000000000000000", want: "1.5"}, // 21 places written, 1 significant
	{in: "0.0000000000000000000", want: "0"},     // 19 zeros: no significant place
	{in: "0.00000000000000000000", want: "0"},    // 20 zeros: still no significant place
	{in: "1.5e3", want: "1500"},
	{in: "12E-2", want: "0.12"},
	{in: "1.5E+3", want: "1500"},
	{in: "1e-18", want: "0.000000000000000001"},
	{in: "007", want: "7"},
	{in: "123456789012345678901234", want: "123456789012345678901234"}, // 24 digits: the largest size
	{in: "123456789012345678901234.123456789012345678", want: "123456789012345678901234.123456789012345678"},

	{in: "", err: ErrAmountSyntax},
	{in: " 1", err: ErrAmountSyntax},
	{in: "1 ", err: ErrAmountSyntax},
	{in: "1,5", err: ErrAmountSyntax},
	{in: "1.234,5", err: ErrAmountSyntax},
	{in: "1,234.5", err: ErrAmountSyntax},
	{in: "1.", err: ErrAmountSyntax},
	{in: ".5", err: ErrAmountSyntax},
	{in: "NaN", err: ErrAmountSyntax},
	{in: "Inf", err: ErrAmountSyntax},
	{in: "-Inf", err: ErrAmountSyntax},
	{in: "Infinity", err: ErrAmountSyntax},
	{in: "0x10", err: ErrAmountSyntax},
	{in: "1e", err: ErrAmountSyntax},
	{in: "1e1234", err: ErrAmountSyntax}, // at most three exponent digits
	{in: "--1", err: ErrAmountSyntax},
	{in: "+-1", err: ErrAmountSyntax},
	{in: "1_000", err: ErrAmountSyntax},
	{in: "١٢", err: ErrAmountSyntax}, // Arabic-Indic digits are not \d in Go's RE2
	{in: "1\n", err: ErrAmountSyntax},
	{in: strings.Repeat("0", 81), err: ErrAmountSyntax},    // longer than 80 characters
	{in: "0.0000000000000000001", err: ErrAmountPrecision}, // 19 places
	{in: "1e-19", err: ErrAmountPrecision},
	{in: "0.5e-18", err: ErrAmountPrecision},
	{in: "123456789012345678901234567890", err: ErrAmountSize}, // 30 digits
	{in: "1234567890123456789012345", err: ErrAmountSize},      // 25 digits
	{in: "-1234567890123456789012345", err: ErrAmountSize},
	{in: "1e24", err: ErrAmountSize}, // 25 digits
	{in: "1e999", err: ErrAmountSize},
}

func TestParseAmount(t *testing.T) {
	for _, c := range parseAmountCases {
		got, err := ParseAmount(c.in)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("ParseAmount(%q) error = %v, want %v", c.in, err, c.err)
			}
			if !got.IsZero() {
				t.Errorf("ParseAmount(%q) = %s with an error, want 0", c.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAmount(%q) error = %v, want %s", c.in, err, c.want)
			continue
		}
		if want := dec(t, c.want); !got.Equal(want) {
			t.Errorf("ParseAmount(%q) = %s, want %s", c.in, got, want)
		}
	}
}

func TestFormatExact(t *testing.T) {
	cases := []struct{ in, want string }{
		{"1234.50", "1234.50"}, // kept as written
		{"184.2", "184.2"},
		{"0", "0"},
		{"-3", "-3"},
		{"1.5e3", "1500"},
		{"12E-2", "0.12"},
		{"0.000000000000000001", "0.000000000000000001"},
		{"1.500000000000000000000", "1.5"}, // more than 18 places written: cut to the significant ones
		{"0.00000000000000000000", "0"},
		{"-0.000000000000000001", "-0.000000000000000001"},
		{"123456789012345678901234.123456789012345678", "123456789012345678901234.123456789012345678"},
	}
	for _, c := range cases {
		d, err := ParseAmount(c.in)
		if err != nil {
			t.Fatalf("ParseAmount(%q): %v", c.in, err)
		}
		if got := FormatExact(d); got != c.want {
			t.Errorf("FormatExact(%s) = %q, want %q", c.in, got, c.want)
		}
	}
	// 0.15 held with 19 places (1500000000000000000 × 10^-19): cut to its significant places.
	if got := FormatExact(decimal.New(1500000000000000000, -19)); got != "0.15" {
		t.Errorf("FormatExact(1500000000000000000e-19) = %q, want 0.15", got)
	}
}

func TestFormatAmount(t *testing.T) {
	cases := []struct{ in, cur, want string }{
		{"184.2", "EUR", "184.20"},
		{"184", "EUR", "184.00"},
		{"184.123", "EUR", "184.123"}, // an amount is exact: never rounded
		{"0.21", "ETH", "0.21"},
		{"0.000000000000000001", "ETH", "0.000000000000000001"},
		{"1", "ETH", "1.00"}, // at least two places, not 18
		{"1", "BTC", "1.00"},
		{"5", "JPY", "5"},
		{"5.5", "JPY", "5.5"},
		{"1.2", "KWD", "1.20"}, // at least min(3, 2) places
		{"-7.1", "USD", "-7.10"},
		{"1500", "PTS", "1500.00"}, // unknown code: two places
		{"1234.5000", "EUR", "1234.50"},
	}
	for _, c := range cases {
		if got := FormatAmount(dec(t, c.in), c.cur); got != c.want {
			t.Errorf("FormatAmount(%s, %s) = %q, want %q", c.in, c.cur, got, c.want)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	cases := []struct{ in, cur, want string }{
		{"2.345", "EUR", "2.35"}, // half away from zero
		{"-2.345", "EUR", "-2.35"},
		{"2.344999", "EUR", "2.34"},
		{"2.5", "JPY", "3"},
		{"-2.5", "JPY", "-3"},
		{"2.4", "JPY", "2"},
		{"1.0005", "KWD", "1.001"},
		{"1.0004", "KWD", "1.000"},
		{"184.2", "EUR", "184.20"},
		{"0", "EUR", "0.00"},
		{"0.123456785", "BTC", "0.12345679"},
		{"1", "ETH", "1.000000000000000000"},
		{"0.004", "EUR", "0.00"},
		{"-0.004", "EUR", "0.00"}, // rounds to zero: no "-0.00"
		{"12.345", "PTS", "12.35"},
	}
	for _, c := range cases {
		if got := FormatMoney(dec(t, c.in), c.cur); got != c.want {
			t.Errorf("FormatMoney(%s, %s) = %q, want %q", c.in, c.cur, got, c.want)
		}
	}
}

func TestFormatBase(t *testing.T) {
	cases := []struct{ in, cur, want string }{
		{"12.5", "EUR", "12.50"},
		{"12", "EUR", "12.00"},
		{"0.12345678", "EUR", "0.12345678"},
		{"0.10000000", "EUR", "0.10"},
		{"-3.1", "EUR", "-3.10"},
		{"7", "JPY", "7"},
		{"7.25", "JPY", "7.25"},
		{"1.5", "KWD", "1.500"},
		{"1.5", "BTC", "1.50000000"},
		{"1.5", "USDT", "1.500000"},
		// ETH shows 18 places as money, but a base amount is kept at 8: never more than 8 here.
		{"1.5", "ETH", "1.50000000"},
		{"0.12345678", "ETH", "0.12345678"},
		{"0", "EUR", "0.00"},
	}
	for _, c := range cases {
		if got := FormatBase(dec(t, c.in), c.cur); got != c.want {
			t.Errorf("FormatBase(%s, %s) = %q, want %q", c.in, c.cur, got, c.want)
		}
	}
}

func TestBaseUnits(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  error
	}{
		{in: "12.34", want: 1234000000},
		{in: "0", want: 0},
		{in: "0.00000001", want: 1},
		{in: "0.000000005", want: 1},   // half away from zero
		{in: "-0.000000005", want: -1}, // half away from zero
		{in: "0.0000000049", want: 0},
		{in: "0.123456785", want: 12345679},
		{in: "-0.123456785", want: -12345679},
		{in: "0.123456784999", want: 12345678},
		{in: "89999999999.99999999", want: 8999999999999999999},
		{in: "-89999999999.99999999", want: -8999999999999999999},
		{in: "89999999999.999999994", want: 8999999999999999999},
		{in: "89999999999.999999995", err: ErrAmountSize}, // rounds up to 9×10^10
		{in: "90000000000", err: ErrAmountSize},
		{in: "-90000000000", err: ErrAmountSize},
		{in: "1e30", err: ErrAmountSize},
	}
	for _, c := range cases {
		got, err := ToBaseUnits(dec(t, c.in))
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("ToBaseUnits(%s) error = %v, want %v", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ToBaseUnits(%s) = %d, %v; want %d", c.in, got, err, c.want)
			continue
		}
		if back, want := FromBaseUnits(got), dec(t, c.in).Round(BaseUnitPlaces); !back.Equal(want) {
			t.Errorf("FromBaseUnits(ToBaseUnits(%s)) = %s, want %s", c.in, back, want)
		}
	}
	if got := FromBaseUnits(1234000000); !got.Equal(dec(t, "12.34")) || got.Exponent() != -BaseUnitPlaces {
		t.Errorf("FromBaseUnits(1234000000) = %s (exp %d), want 12.34 at 8 places", got, got.Exponent())
	}
	if got := FromBaseUnits(-1); !got.Equal(dec(t, "-0.00000001")) {
		t.Errorf("FromBaseUnits(-1) = %s", got)
	}
}

func TestConvert(t *testing.T) {
	cases := []struct {
		name                    string
		amount, upeBase, upeCur string
		want                    string
	}{
		// 100 USD, base EUR: 100 × 1 / 1.0921 = 91.566706345572…
		// Check by hand: 1.0921 × 91.566706345 = 99.9999999993745 < 100, so the quotient lies
		// above the half-way point 91.566706345 and rounds up to 91.56670635.
		{"USD to EUR", "100", "1", "1.0921", "91.56670635"},
		// 100 EUR, base USD: 100 × 1.0921 / 1 = 109.21 exactly.
		{"EUR to USD", "100", "1.0921", "1", "109.21"},
		// 1 ETH at 0.0004 ETH per euro, base EUR: 1 × 1 / 0.0004 = 10000 / 4 = 2500.
		{"ETH to EUR", "1", "1", "0.0004", "2500"},
		// Cross rate: 110 USD, base GBP; GBP 0.85, USD 1.10 per euro:
		// 110 × 0.85 = 93.5; 93.5 / 1.10 = 85 exactly.
		{"USD to GBP", "110", "0.85", "1.10", "85"},
		// Same currency as base: 12.345 × 1.0921 / 1.0921 = 12.345.
		{"same currency", "12.345", "1.0921", "1.0921", "12.345"},
		// 1 / 7 = 0.142857142857…: ninth place 1, rounds down to 0.14285714.
		{"one seventh", "1", "1", "7", "0.14285714"},
		// 2 / 3 = 0.666666666…: ninth place 6, rounds up to 0.66666667.
		{"two thirds", "2", "1", "3", "0.66666667"},
		// 0.000000005 × 1 / 1: exactly half a 10^-8 unit, rounds away from zero to 0.00000001.
		{"half up", "0.000000005", "1", "1", "0.00000001"},
		// −0.000000005: half a unit below zero, rounds away from zero to −0.00000001.
		{"half negative", "-0.000000005", "1", "1", "-0.00000001"},
		// 0.0000000049: below half a unit, rounds to 0.
		{"below half", "0.0000000049", "1", "1", "0"},
		// 1 PTS at 100 PTS per euro, base JPY at 158.35: 1 × 158.35 / 100 = 1.5835.
		{"points to JPY", "1", "158.35", "100", "1.5835"},
		// 0.000000000000000001 ETH (1 wei) at 0.0004 per euro: 1e-18 / 0.0004 = 2.5e-15, rounds to 0.
		{"one wei", "0.000000000000000001", "1", "0.0004", "0"},
	}
	for _, c := range cases {
		got := Convert(dec(t, c.amount), dec(t, c.upeBase), dec(t, c.upeCur))
		if want := dec(t, c.want); !got.Equal(want) {
			t.Errorf("%s: Convert(%s, %s, %s) = %s, want %s", c.name, c.amount, c.upeBase, c.upeCur, got, want)
		}
		if !got.Equal(got.Round(BaseUnitPlaces)) {
			t.Errorf("%s: Convert result %s has more than 8 places", c.name, got)
		}
	}
}

func TestValidCurrency(t *testing.T) {
	for _, code := range []string{"EUR", "BTC", "USDT", "PTS", "X1", "ETH", "ABCDEFGHIJ", "00"} {
		if !ValidCurrency(code) {
			t.Errorf("ValidCurrency(%q) = false, want true", code)
		}
	}
	for _, code := range []string{"eur", "Eur", "E", "ABCDEFGHIJK", "EU R", "", " EUR", "EUR ", "EUR\n", "EU-R", "ÉUR"} {
		if ValidCurrency(code) {
			t.Errorf("ValidCurrency(%q) = true, want false", code)
		}
	}
}

func TestMinorUnits(t *testing.T) {
	cases := map[string]int32{
		"EUR": 2, "USD": 2, "JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3,
		"BTC": 8, "ETH": 18, "USDT": 6, "PTS": 2, "": 2,
	}
	for code, want := range cases {
		if got := MinorUnits(code); got != want {
			t.Errorf("MinorUnits(%q) = %d, want %d", code, got, want)
		}
	}
}

// The grammars of amounts and currency codes as regular expressions: the specification the
// hand-written checks are fuzzed against.
var (
	amountExpr   = regexp.MustCompile(`^[+-]?(\d+)(\.(\d+))?([eE][+-]?\d{1,3})?$`)
	currencyExpr = regexp.MustCompile(`^[A-Z0-9]{2,10}$`)
)

func FuzzParseAmount(f *testing.F) {
	for _, c := range parseAmountCases {
		f.Add(c.in)
	}
	f.Add("1e-999")
	f.Add("0e-999")
	f.Add("-0.0")
	f.Add("1.5E+123")
	f.Add("+.5")
	f.Add("1e1234")
	f.Fuzz(func(t *testing.T, s string) {
		// The hand-written syntax checks accept exactly what the regular expressions say.
		if got, want := amountSyntax(s), amountExpr.MatchString(s); got != want {
			t.Fatalf("amountSyntax(%q) = %v, the expression says %v", s, got, want)
		}
		if got, want := ValidCurrency(s), currencyExpr.MatchString(s); got != want {
			t.Fatalf("ValidCurrency(%q) = %v, the expression says %v", s, got, want)
		}
		d, err := ParseAmount(s)
		if err != nil {
			if !errors.Is(err, ErrAmountSyntax) && !errors.Is(err, ErrAmountPrecision) && !errors.Is(err, ErrAmountSize) {
				t.Fatalf("ParseAmount(%q): unexpected error %v", s, err)
			}
			return
		}
		exact := FormatExact(d)
		if strings.ContainsAny(exact, "eE") {
			t.Fatalf("FormatExact(ParseAmount(%q)) = %q has an exponent", s, exact)
		}
		if i := strings.IndexByte(exact, '.'); i >= 0 && len(exact)-i-1 > MaxDecimalPlaces {
			t.Fatalf("FormatExact(ParseAmount(%q)) = %q has more than 18 places", s, exact)
		}
		back, err := ParseAmount(exact)
		if err != nil || !back.Equal(d) {
			t.Fatalf("ParseAmount(FormatExact(ParseAmount(%q))) = %s, %v; want %s", s, back, err, d)
		}
		again, err := ParseAmount(d.String())
		if err != nil || !again.Equal(d) {
			t.Fatalf("ParseAmount(%q) = %s, %v; want %s (input %q)", d.String(), again, err, d, s)
		}
	})
}
