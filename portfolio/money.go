package portfolio

import (
	"errors"
	"strings"

	"github.com/shopspring/decimal"
)

// MaxDecimalPlaces is the finest amount netfolio records: ETH has 18 decimals.
const MaxDecimalPlaces = 18

// BaseUnitPlaces is the scale of Entry.BaseUnits: base amounts are kept as integer counts of
// 10^-8 base units so that SQL sums over them are exact.
const BaseUnitPlaces = 8

// MaxBaseAmount bounds |base_amount| so that its 10^-8 units fit a signed 64-bit column.
var MaxBaseAmount = decimal.New(9, 10)

// amountSyntax reports whether s is [+-]digits[.digits][(e|E)[+-]digits], with one to three
// exponent digits. (Written out rather than as a regular expression: a batch of entries
// checks thousands of amounts; FuzzParseAmount compares it with the expression.)
func amountSyntax(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if n := digits(); n < 1 || n > 3 {
			return false
		}
	}
	return i == len(s)
}

// Errors of ParseAmount; their text is meant for the user.
var (
	ErrAmountSyntax    = errors.New("must be a decimal number such as 1234.50")
	ErrAmountPrecision = errors.New("must have at most 18 decimal places")
	ErrAmountSize      = errors.New("is too large")
)

// ParseAmount parses a decimal literal exactly: "1234.50", "-3", "0.000000000000000001", and
// the exponent form JSON numbers may take ("1.5e3"). Thousands separators, spaces, NaN and
// infinities are rejected, as are values with more than 18 decimal places.
func ParseAmount(s string) (decimal.Decimal, error) {
	if !amountSyntax(s) || len(s) > 80 {
		return decimal.Zero, ErrAmountSyntax
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, ErrAmountSyntax
	}
	if places(d) > MaxDecimalPlaces {
		return decimal.Zero, ErrAmountPrecision
	}
	if len(d.Truncate(0).Abs().String()) > 24 {
		return decimal.Zero, ErrAmountSize
	}
	return d, nil
}

// places returns the number of significant decimal places of d (trailing zeros do not count).
func places(d decimal.Decimal) int32 {
	if d.Exponent() >= 0 || d.IsZero() {
		return 0
	}
	s := strings.TrimRight(d.Coefficient().String(), "0")
	trimmed := int32(len(d.Coefficient().String()) - len(s))
	if p := -d.Exponent() - trimmed; p > 0 {
		return p
	}
	return 0
}

// FormatExact writes d with all its decimal places, as written (1234.50 stays 1234.50), but
// never with more than 18 places or an exponent.
func FormatExact(d decimal.Decimal) string {
	p := -d.Exponent()
	if p < 0 {
		p = 0
	}
	if p > MaxDecimalPlaces {
		p = places(d)
	}
	return d.StringFixed(p)
}

// FormatMoney rounds d to the currency's minor unit, half away from zero, for showing.
func FormatMoney(d decimal.Decimal, currency string) string {
	return d.StringFixed(MinorUnits(currency))
}

// FormatAmount writes an entry's amount exactly, with at least two decimal places for
// currencies that have them: 184.2 EUR is "184.20", 0.21 ETH stays "0.21".
func FormatAmount(d decimal.Decimal, currency string) string {
	p := places(d)
	if mu := min(MinorUnits(currency), 2); p < mu {
		p = mu
	}
	return d.StringFixed(p)
}

// FormatBase writes a base amount with at least the currency's minor unit and at most the
// eight places it is kept at: 12.5 EUR is "12.50", 0.12345678 EUR stays as it is.
func FormatBase(d decimal.Decimal, currency string) string {
	p := places(d)
	if mu := min(MinorUnits(currency), BaseUnitPlaces); p < mu {
		p = mu
	}
	return d.StringFixed(p)
}

// ValidCurrency reports whether code is 2–10 upper-case letters or digits.
func ValidCurrency(code string) bool {
	if len(code) < 2 || len(code) > 10 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// minorUnits lists ISO 4217 currencies whose minor unit is not 2 decimal places.
var minorUnits = map[string]int32{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"BTC": 8, "ETH": 18, "USDT": 6, "USDC": 6,
}

// MinorUnits returns the number of decimal places money in the currency is shown with.
func MinorUnits(currency string) int32 {
	if p, ok := minorUnits[currency]; ok {
		return p
	}
	return 2
}

// ToBaseUnits rounds a base amount to 10^-8 (half away from zero) and returns it as an integer
// count of 10^-8 units; |d| must be below MaxBaseAmount.
func ToBaseUnits(d decimal.Decimal) (int64, error) {
	r := d.Round(BaseUnitPlaces)
	if r.Abs().Cmp(MaxBaseAmount) >= 0 {
		return 0, ErrAmountSize
	}
	return r.Shift(BaseUnitPlaces).IntPart(), nil
}

// FromBaseUnits turns a count of 10^-8 base units back into an exact decimal.
func FromBaseUnits(units int64) decimal.Decimal { return decimal.New(units, -BaseUnitPlaces) }

// Convert turns amount in a currency into the base currency through EUR, the ECB way:
// amount × units_per_eur(base) / units_per_eur(currency), rounded to 10^-8.
func Convert(amount, unitsPerEURBase, unitsPerEURCurrency decimal.Decimal) decimal.Decimal {
	return amount.Mul(unitsPerEURBase).DivRound(unitsPerEURCurrency, BaseUnitPlaces)
}
