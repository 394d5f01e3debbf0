package exchange

import (
	"bytes"
	"io"
	"testing"
)

// The exports are meant to stream hundreds of thousands of rows per second.

func BenchmarkTaxWriter(b *testing.B) {
	rows := sampleRows(b)
	tw, _ := NewTaxWriter(io.Discard, German, "EUR")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := tw.Write(rows[i%len(rows)]); err != nil {
			b.Fatal(err)
		}
	}
	_ = tw.Flush()
}

func BenchmarkEntriesWriter(b *testing.B) {
	rows := sampleRows(b)
	ew, _ := NewEntriesWriter(io.Discard, Intl)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := ew.Write(rows[i%len(rows)]); err != nil {
			b.Fatal(err)
		}
	}
	_ = ew.Flush()
}

func BenchmarkJournalWriter(b *testing.B) {
	rows := sampleRows(b)
	jw := NewJournalWriter(io.Discard, "EUR")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := jw.Write(rows[i%len(rows)]); err != nil {
			b.Fatal(err)
		}
	}
	_ = jw.Flush()
}

// BenchmarkEntriesReader reads the German sample file, ten lines per iteration.
func BenchmarkEntriesReader(b *testing.B) {
	var file bytes.Buffer
	file.WriteString(entriesGerman)
	body := entriesGerman[len(bom)+len("Externe ID;Datum;Netzwerk;Netzwerkart;Buchungsart;Betrag;Währung;Betrag in Basiswährung;Einkunftsart;Notiz\r\n"):]
	for file.Len() < 8<<20 {
		file.WriteString(body)
	}
	data := file.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	var r *EntriesReader
	for b.Loop() {
		for range 10 {
			if r == nil {
				r, _ = NewEntriesReader(bytes.NewReader(data))
			}
			_, lerr, err := r.Next()
			if err == io.EOF {
				r = nil
				continue
			}
			if err != nil || lerr != nil {
				b.Fatal(err, lerr)
			}
		}
	}
}
