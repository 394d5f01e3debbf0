package portfolio

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// day parses a YYYY-MM-DD test date; it fails the test on a typo.
func day(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	valid := []struct {
		in   string
		want Date // days since 1970-01-01
	}{
		{"1970-01-01", 0},
		{"1970-01-02", 1},
		{"1969-12-31", -1},
		{"2000-03-01", 11017}, // 30 years (7 leap) = 10957 days, + 31 + 29 of 2000 = 11017
		{"2024-02-29", 19782},
		{"1900-01-01", -25567},
		{"9999-12-31", 2932896},
	}
	for _, c := range valid {
		got, err := ParseDate(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDate(%q) = %d, %v; want %d", c.in, got, err, c.want)
			continue
		}
		if s := got.String(); s != c.in {
			t.Errorf("ParseDate(%q).String() = %q", c.in, s)
		}
	}
	invalid := []string{
		"", "2026-02-30", "2026-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
		"2026-2-3", "2026-02-3", "26-01-01", "2026-01-01T00:00:00Z", "2026-01-01 ", " 2026-01-01",
		"2026/01/01", "01.01.2026", "1899-12-31", "0000-01-01", "+2026-01-01", "2026-01-01\n",
		"2026-01-1x", "20260101",
	}
	for _, in := range invalid {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %s, want an error", in, got)
		}
	}
}

// FuzzParseDate checks ParseDate against time.Parse, which it replaced: the same strings
// are accepted, as the same days, and the range check is the same.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2026-02-29", "1899-12-31", "9999-12-31", "2026-1-01", "２０２６-01-01", "2026-01-0\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s)
		ref, refErr := time.Parse(time.DateOnly, s)
		inRange := refErr == nil && ref.Year() >= 1900 && ref.Year() <= 9999
		switch {
		case inRange && (err != nil || got != DateFromTime(ref)):
			t.Fatalf("ParseDate(%q) = %v, %v; time.Parse gives %s", s, got, err, ref.Format(time.DateOnly))
		case !inRange && err == nil:
			t.Fatalf("ParseDate(%q) = %v; time.Parse says %v (or out of range)", s, got, refErr)
		case inRange && got.String() != s:
			t.Fatalf("ParseDate(%q).String() = %q", s, got.String())
		}
	})
}

// String writes the digits itself; it agrees with time's formatting on every day, and on days
// outside 0000–9999 falls back to it.
func TestDateString(t *testing.T) {
	check := func(d Date) {
		if got, want := d.String(), d.Time().Format(time.DateOnly); got != want {
			t.Fatalf("Date(%d).String() = %q, want %q", d, got, want)
		}
	}
	for d := NewDate(1899, 1, 1); d <= NewDate(2101, 12, 31); d++ {
		check(d)
	}
	for _, d := range []Date{NewDate(0, 1, 1), NewDate(0, 1, 1) - 1, NewDate(9999, 12, 31), NewDate(9999, 12, 31) + 1, 1<<31 - 1, -1 << 31} {
		check(d)
	}
}

func TestDateConstructors(t *testing.T) {
	if got, want := NewDate(2026, time.January, 31), day(t, "2026-01-31"); got != want {
		t.Errorf("NewDate(2026-01-31) = %s, want %s", got, want)
	}
	// Out-of-range days normalise as time.Date does.
	if got, want := NewDate(2026, time.February, 30), day(t, "2026-03-02"); got != want {
		t.Errorf("NewDate(2026-02-30) = %s, want %s", got, want)
	}
	// DateFromTime uses t's own location: 23:30 in New York on 5 January is already the 6th in UTC.
	ny := time.FixedZone("EST", -5*3600)
	if got, want := DateFromTime(time.Date(2024, 1, 5, 23, 30, 0, 0, ny)), day(t, "2024-01-05"); got != want {
		t.Errorf("DateFromTime(2024-01-05 23:30 EST) = %s, want %s", got, want)
	}
	d := day(t, "2024-02-29")
	if got := d.Time(); !got.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) || got.Location() != time.UTC {
		t.Errorf("Time() = %v, want 2024-02-29 00:00 UTC", got)
	}
	if y, m, dd := d.YMD(); y != 2024 || m != time.February || dd != 29 {
		t.Errorf("YMD() = %d %v %d", y, m, dd)
	}
	if before := day(t, "1969-07-20"); before.String() != "1969-07-20" || before.Time().Hour() != 0 {
		t.Errorf("pre-1970 day = %s at %v", before, before.Time())
	}
}

func TestAddMonths(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2024-01-31", 1, "2024-02-29"}, // leap year
		{"2026-03-31", -1, "2026-02-28"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-01-15", -13, "2024-12-15"},
		{"2026-01-15", -12, "2025-01-15"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2026-05-31", 0, "2026-05-31"},
		{"2026-02-28", 0, "2026-02-28"},
		{"2026-01-31", 2, "2026-03-31"}, // clamps only the target month, not a chain
		{"2026-01-31", 3, "2026-04-30"},
		{"2026-08-31", 1, "2026-09-30"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2026-01-01", 24, "2028-01-01"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-12-31", 2, "2027-02-28"},
		{"2000-01-31", 1, "2000-02-29"}, // 2000 is a leap year
		{"2100-01-31", 1, "2100-02-28"}, // 2100 is not
		{"1970-03-31", -1, "1970-02-28"},
		{"1969-12-31", 2, "1970-02-28"},
	}
	for _, c := range cases {
		if got := day(t, c.from).AddMonths(c.n); got.String() != c.want {
			t.Errorf("%s.AddMonths(%d) = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

func TestMonthAndMonthKey(t *testing.T) {
	cases := []struct{ in, month, key string }{
		{"2026-01-31", "2026-01-01", "2026-01"},
		{"2026-01-01", "2026-01-01", "2026-01"},
		{"2024-02-29", "2024-02-01", "2024-02"},
		{"2026-12-15", "2026-12-01", "2026-12"},
		{"1969-12-31", "1969-12-01", "1969-12"},
	}
	for _, c := range cases {
		d := day(t, c.in)
		if got := d.Month().String(); got != c.month {
			t.Errorf("%s.Month() = %s, want %s", c.in, got, c.month)
		}
		if got := d.MonthKey(); got != c.key {
			t.Errorf("%s.MonthKey() = %s, want %s", c.in, got, c.key)
		}
	}
}

func TestDateJSON(t *testing.T) {
	d := day(t, "2024-01-05")
	b, err := json.Marshal(d)
	if err != nil || string(b) != `"2024-01-05"` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	type holder struct {
		On    Date  `json:"on"`
		Until *Date `json:"until"`
	}
	b, err = json.Marshal(holder{On: d, Until: &d})
	if err != nil || string(b) != `{"on":"2024-01-05","until":"2024-01-05"}` {
		t.Fatalf("Marshal(holder) = %s, %v", b, err)
	}

	var h holder
	if err := json.Unmarshal([]byte(`{"on":"2026-01-31","until":null}`), &h); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if h.On.String() != "2026-01-31" || h.Until != nil {
		t.Errorf("Unmarshal = %+v", h)
	}
	if err := json.Unmarshal([]byte(`{"until":"2026-02-28"}`), &h); err != nil || h.Until == nil || h.Until.String() != "2026-02-28" {
		t.Errorf("Unmarshal until = %v, %v", h.Until, err)
	}
	// Escaped forms are dates too (the plain form takes a shortcut).
	for _, in := range []string{`"2026\u002d03-01"`, `"\u0032026-03-01"`} {
		var got Date
		if err := json.Unmarshal([]byte(in), &got); err != nil || got.String() != "2026-03-01" {
			t.Errorf("Unmarshal(%s) = %s, %v", in, got, err)
		}
	}

	for _, in := range []string{`"2026-02-30"`, `"2026-1-1"`, `""`, `20260101`, `"2026-01-01T00:00:00Z"`, `{}`, `[]`, `true`} {
		var got Date
		err := json.Unmarshal([]byte(in), &got)
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			t.Errorf("Unmarshal(%s) error = %v, want a *json.UnmarshalTypeError", in, err)
		}
		if got != 0 {
			t.Errorf("Unmarshal(%s) changed the date to %s", in, got)
		}
	}
}

func TestDateSQL(t *testing.T) {
	d := day(t, "2024-01-05")
	v, err := d.Value()
	if err != nil || v != "2024-01-05" {
		t.Fatalf("Value() = %#v, %v", v, err)
	}
	ok := []struct {
		name string
		src  any
	}{
		{"string", "2024-01-05"},
		{"bytes", []byte("2024-01-05")},
		{"datetime text", "2024-01-05 00:00:00"},
		{"RFC 3339 text", "2024-01-05T00:00:00Z"},
		{"time UTC", time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)},
		{"time late in UTC", time.Date(2024, 1, 5, 23, 59, 59, 0, time.UTC)},
		{"time in its own zone", time.Date(2024, 1, 5, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))},
	}
	for _, c := range ok {
		var got Date
		if err := got.Scan(c.src); err != nil || got != d {
			t.Errorf("Scan(%s) = %s, %v; want %s", c.name, got, err, d)
		}
	}
	// Value then Scan is the identity.
	for _, s := range []string{"1900-01-01", "1969-12-31", "2024-02-29", "9999-12-31"} {
		v, _ := day(t, s).Value()
		var got Date
		if err := got.Scan(v); err != nil || got.String() != s {
			t.Errorf("Scan(Value(%s)) = %s, %v", s, got, err)
		}
	}
	bad := []any{nil, 42, int64(19727), "2024-02-30", "", []byte("garbage"), 1.5}
	for _, src := range bad {
		got := d
		if err := got.Scan(src); err == nil {
			t.Errorf("Scan(%#v) = %s, want an error", src, got)
		} else if got != d {
			t.Errorf("Scan(%#v) failed but changed the date to %s", src, got)
		}
	}
}
