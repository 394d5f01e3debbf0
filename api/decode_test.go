package api

import (
	"encoding/json"
	"testing"
)

// Amounts in JSON: strings (plain or with escapes) and numbers keep their literal text.
func TestJSONDecimal(t *testing.T) {
	cases := map[string]string{
		`"1234.50"`:              "1234.50",
		`"1\u002e5"`:             "1.5",
		`"0.000000000000000001"`: "0.000000000000000001",
		`12.30`:                  "12.30",
		`-1e3`:                   "-1e3",
		`"1,5"`:                  "1,5", // kept as sent; parsing it says what is wrong
		`"\u00e9"`:               "é",
		`"é"`:                    "é",
	}
	for in, want := range cases {
		var d jsonDecimal
		if err := json.Unmarshal([]byte(in), &d); err != nil || string(d) != want {
			t.Errorf("Unmarshal(%s) = %q, %v; want %q", in, d, err, want)
		}
	}
	for _, in := range []string{`true`, `null`, `{}`, `[]`} {
		var d jsonDecimal
		if err := json.Unmarshal([]byte(in), &d); err == nil && in != `null` {
			t.Errorf("Unmarshal(%s) = %q, want an error", in, d)
		}
	}
}
