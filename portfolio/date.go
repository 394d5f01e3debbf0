package portfolio

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01. Figures work on whole days, so a
// plain integer keeps day arithmetic exact and comparisons cheap.
type Date int32

// DateFromTime returns the calendar day of t in t's own location.
func DateFromTime(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// NewDate returns the given day; out-of-range days normalise as time.Date does.
func NewDate(year int, month time.Month, day int) Date {
	return Date(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDate parses a YYYY-MM-DD date and rejects anything else (including 2026-02-30). It
// reads the digits itself (exports parse hundreds of thousands of dates) and accepts exactly
// what time.Parse(time.DateOnly) does, as FuzzParseDate checks.
func ParseDate(s string) (Date, error) {
	y, m, d, ok := isoDigits(s)
	if !ok || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return 0, fmt.Errorf("must be a date YYYY-MM-DD")
	}
	if y < 1900 || y > 9999 {
		return 0, fmt.Errorf("must be a date between 1900 and 9999")
	}
	return NewDate(y, time.Month(m), d), nil
}

// isoDigits splits "YYYY-MM-DD" into its numbers.
func isoDigits(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	num := func(part string) (int, bool) {
		n := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, oky := num(s[:4])
	m, okm := num(s[5:7])
	d, okd := num(s[8:])
	return y, m, d, oky && okm && okd
}

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// YMD returns the year, month and day.
func (d Date) YMD() (int, time.Month, int) { return d.Time().Date() }

// String formats the day as YYYY-MM-DD.
func (d Date) String() string {
	y, m, day := d.YMD()
	if y < 0 || y > 9999 {
		return d.Time().Format(time.DateOnly)
	}
	// Written out: exports and inserts format hundreds of thousands of days.
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + day/10), byte('0' + day%10)}
	return string(b[:])
}

// Month returns the first day of the day's month.
func (d Date) Month() Date {
	y, m, _ := d.YMD()
	return NewDate(y, m, 1)
}

// MonthKey formats the day's month as YYYY-MM.
func (d Date) MonthKey() string { return d.Time().Format("2006-01") }

// AddMonths adds n calendar months and keeps the day of month, clamped to the target
// month's last day: 2026-01-31 + 1 month = 2026-02-28.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.YMD()
	total := y*12 + int(m) - 1 + n
	ty, tm := total/12, time.Month(total%12+1)
	if last := daysIn(ty, tm); day > last {
		day = last
	}
	return NewDate(ty, tm, day)
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// MarshalJSON writes the day as a "YYYY-MM-DD" string.
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON reads a "YYYY-MM-DD" string.
func (d *Date) UnmarshalJSON(b []byte) error {
	// The common case, a plain "YYYY-MM-DD", without a second pass of the JSON decoder.
	if len(b) == 12 && b[0] == '"' && b[11] == '"' {
		if v, err := ParseDate(string(b[1:11])); err == nil {
			*d = v
			return nil
		}
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: dateType}
	}
	v, err := ParseDate(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: s, Type: dateType}
	}
	*d = v
	return nil
}

var dateType = reflect.TypeOf(Date(0))

// Value stores the day as ISO text, which sorts like the day itself on every engine.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads ISO text (or a time from engines that return one).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return d.parseInto(v)
	case []byte:
		return d.parseInto(string(v))
	case time.Time:
		*d = DateFromTime(v)
		return nil
	}
	return fmt.Errorf("portfolio: cannot scan %T into Date", src)
}

func (d *Date) parseInto(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	v, err := ParseDate(s)
	if err != nil {
		return fmt.Errorf("portfolio: bad date %q in database", s)
	}
	*d = v
	return nil
}
