package api_test

import (
	"testing"
)

const ecbHistCSV = "Date,USD,JPY,BGN,CYP,\n2026-01-06,1.1712,183.45,1.9558,N/A,\n2026-01-05,1.1690,183.10,1.9558,N/A,\n"

const ecbDailyXML = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
	<Cube>
		<Cube time="2026-01-07">
			<Cube currency="USD" rate="1.1700"/>
			<Cube currency="GBP" rate="0.8650"/>
		</Cube>
	</Cube>
</gesmes:Envelope>`

func TestRates(t *testing.T) {
	s := startServer(t)
	c := s.newUser("lena", false)
	run(t, c, []scenario{
		{name: "import CSV history", method: "POST", path: "/api/v1/rates/import", body: ecbHistCSV, status: 200,
			check: map[string]string{"stored": "6", "from": "2026-01-05", "to": "2026-01-06", "currencies": "3"}},
		{name: "import XML daily", method: "POST", path: "/api/v1/rates/import", body: ecbDailyXML, status: 200, check: map[string]string{"stored": "2"}},
		{name: "import garbage", method: "POST", path: "/api/v1/rates/import", body: "hello", status: 422, fields: []string{"file"}},
		{name: "put crypto", method: "PUT", path: "/api/v1/rates", body: []map[string]any{{"date": "2026-01-05", "currency": "ETH", "units_per_eur": "0.00036"}}, status: 200},
		{name: "put bad items", method: "PUT", path: "/api/v1/rates", body: []map[string]any{{"date": "2026-01-05", "currency": "ETH", "units_per_eur": "0.1"}, {"currency": "x", "units_per_eur": "-1"}}, status: 422,
			fields: []string{"[1].date", "[1].currency", "[1].units_per_eur"}},
		{name: "put EUR other than 1", method: "PUT", path: "/api/v1/rates", body: []map[string]any{{"date": "2026-01-05", "currency": "EUR", "units_per_eur": "2"}}, status: 422},
		{name: "put empty", method: "PUT", path: "/api/v1/rates", body: []map[string]any{}, status: 422},
	})
	c.t = t
	usd := c.must(200, "GET", "/api/v1/rates?currency=USD", nil)
	if length(usd) != 3 || str(usd, 0, "date") != "2026-01-05" || str(usd, 0, "units_per_eur") != "1.1690" || str(usd, 2, "units_per_eur") != "1.1700" {
		t.Errorf("USD rates: %v", usd)
	}
	if got := c.must(200, "GET", "/api/v1/rates?from=2026-01-06&to=2026-01-06", nil); length(got) != 3 {
		t.Errorf("rates of one day: %v", got)
	}
	// The failed PUT wrote nothing: ETH is still the first rate.
	if got := c.must(200, "GET", "/api/v1/rates?currency=ETH", nil); length(got) != 1 || str(got, 0, "units_per_eur") != "0.00036" {
		t.Errorf("ETH rates: %v", got)
	}
	// Conversion uses the latest rate on or before the day: 2026-01-08 takes 2026-01-07's USD.
	net := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "N", "kind": "revshare", "currency": "USD"}), "id")
	e := c.must(201, "POST", "/api/v1/entries", map[string]any{"network_id": net, "date": "2026-01-08", "kind": "investment", "amount": "117"})
	if str(e, "base_amount") != "100.00" {
		t.Errorf("117 USD at 1.17 = %s EUR, want 100.00", str(e, "base_amount"))
	}
	// A GBP entry for a user whose base is USD converts through EUR: 86.50 GBP = 100 EUR = 117 USD.
	admin := s.newUser("root", true)
	admin.must(201, "POST", "/api/v1/users", map[string]any{"username": "yank", "password": "long-enough", "base_currency": "USD"})
	y := s.anonymous()
	y.must(200, "POST", "/api/v1/session", map[string]any{"username": "yank", "password": "long-enough"})
	y.must(200, "POST", "/api/v1/rates/import", ecbDailyXML)
	gbp := id(y.must(201, "POST", "/api/v1/networks", map[string]any{"name": "G", "kind": "revshare", "currency": "GBP"}), "id")
	if e := y.must(201, "POST", "/api/v1/entries", map[string]any{"network_id": gbp, "date": "2026-01-07", "kind": "payout", "amount": "86.50"}); str(e, "base_amount") != "117.00" {
		t.Errorf("86.50 GBP in USD = %s, want 117.00", str(e, "base_amount"))
	}
}
