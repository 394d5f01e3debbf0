package portfolio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ParseECB reads an ECB euro foreign exchange reference-rate file: the CSV history
// (eurofxref-hist.csv: "Date,USD,JPY,…" with one row per day, "N/A" where there is no rate)
// or the XML (eurofxref-daily.xml and its 90-day and history siblings). The format is told by
// the first byte. Rates are units of the currency per euro, exactly as published.
func ParseECB(r io.Reader) ([]Rate, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(head) == 0 {
		return nil, fmt.Errorf("the file is empty")
	}
	if head[0] == '<' {
		return parseECBXML(br)
	}
	return parseECBCSV(br)
}

func parseECBCSV(r io.Reader) ([]Rate, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	if len(header) < 2 || !strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(header[0], "\ufeff")), "Date") {
		return nil, fmt.Errorf("line 1: expected a header starting with Date")
	}
	var rates []Rate
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		day, err := parseECBDate(strings.TrimSpace(rec[0]))
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		for i := 1; i < len(rec) && i < len(header); i++ {
			cur, val := strings.TrimSpace(header[i]), strings.TrimSpace(rec[i])
			if cur == "" || val == "" || val == "N/A" {
				continue
			}
			rate, err := parseRate(cur, val)
			if err != nil {
				return nil, fmt.Errorf("line %d, %s: %v", line, cur, err)
			}
			rates = append(rates, Rate{Date: day, Currency: cur, UnitsPerEUR: rate})
		}
	}
	if len(rates) == 0 {
		return nil, fmt.Errorf("no rates found")
	}
	return rates, nil
}

func parseECBXML(r io.Reader) ([]Rate, error) {
	dec := xml.NewDecoder(r)
	var rates []Rate
	var day Date
	haveDay := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("XML: %v", err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "Cube" {
			continue
		}
		var cur, val string
		for _, a := range el.Attr {
			switch a.Name.Local {
			case "time":
				if day, err = parseECBDate(a.Value); err != nil {
					return nil, fmt.Errorf("XML: %v", err)
				}
				haveDay = true
			case "currency":
				cur = a.Value
			case "rate":
				val = a.Value
			}
		}
		if cur == "" {
			continue
		}
		if !haveDay {
			return nil, fmt.Errorf("XML: rate for %s outside a dated Cube", cur)
		}
		rate, err := parseRate(cur, val)
		if err != nil {
			return nil, fmt.Errorf("XML, %s on %s: %v", cur, day, err)
		}
		rates = append(rates, Rate{Date: day, Currency: cur, UnitsPerEUR: rate})
	}
	if len(rates) == 0 {
		return nil, fmt.Errorf("XML: no rates found")
	}
	return rates, nil
}

func parseECBDate(s string) (Date, error) {
	if d, err := ParseDate(s); err == nil {
		return d, nil
	}
	if t, err := time.Parse("02 January 2006", s); err == nil {
		if d, err := ParseDate(t.Format(time.DateOnly)); err == nil { // same 1900–9999 range
			return d, nil
		}
	}
	return 0, fmt.Errorf("bad date %q", s)
}

func parseRate(currency, value string) (decimal.Decimal, error) {
	if !ValidCurrency(currency) {
		return decimal.Zero, fmt.Errorf("bad currency code %q", currency)
	}
	return ParseRate(value)
}

// ParseRate parses a units-per-euro rate: a positive decimal.
func ParseRate(value string) (decimal.Decimal, error) {
	d, err := ParseAmount(value)
	if err != nil {
		return decimal.Zero, fmt.Errorf("rate %v", err)
	}
	if !d.IsPositive() {
		return decimal.Zero, fmt.Errorf("rate must be > 0")
	}
	return d, nil
}
