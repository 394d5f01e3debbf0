package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// direction tells whether a figure is better when larger or when smaller.
type direction int

const (
	info    direction = iota // no target
	atLeast                  // more is better: ratio = value ÷ target
	atMost                   // less is better: ratio = target ÷ value
)

type row struct {
	figure string
	value  float64
	text   string // shown instead of value when set
	unit   string
	dir    direction
	target float64
	aim    string // "" or a note on the target
	lower  bool   // the value is a lower bound (e.g. hledger was stopped)
}

func (r row) ratio() (float64, bool) {
	if r.dir == info || r.value <= 0 || r.target <= 0 || math.IsNaN(r.value) {
		return 0, false
	}
	if r.dir == atLeast {
		return r.value / r.target, true
	}
	return r.target / r.value, true
}

type report struct {
	rows  []row
	notes []string
}

func (r *report) add(x row) { r.rows = append(r.rows, x) }

func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func formatValue(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1000:
		return groupThousands(fmt.Sprintf("%.0f", v))
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func (r *report) print(w io.Writer) {
	header := []string{"figure", "value", "unit", "target", "ratio to target"}
	cells := [][]string{header}
	for _, x := range r.rows {
		value := x.text
		if value == "" {
			value = formatValue(x.value)
		}
		if x.lower {
			value = ">= " + value
		}
		target := "—"
		switch x.dir {
		case atLeast:
			target = "> " + formatValue(x.target)
		case atMost:
			target = "< " + formatValue(x.target)
		}
		if x.aim != "" {
			target += " " + x.aim
		}
		ratio := "—"
		if v, ok := x.ratio(); ok {
			verdict := "met"
			if v < 1 {
				verdict = "MISSED"
			}
			bound := ""
			if x.lower {
				bound = ">= "
			}
			ratio = fmt.Sprintf("%s%.2f %s", bound, v, verdict)
		}
		cells = append(cells, []string{x.figure, value, x.unit, target, ratio})
	}
	widths := make([]int, len(header))
	for _, c := range cells {
		for i, s := range c {
			widths[i] = max(widths[i], len([]rune(s)))
		}
	}
	line := func(c []string) {
		parts := make([]string, len(c))
		for i, s := range c {
			pad := strings.Repeat(" ", widths[i]-len([]rune(s)))
			if i == 1 { // values right-aligned
				parts[i] = pad + s
			} else {
				parts[i] = s + pad
			}
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(parts, " | "))
	}
	fmt.Fprintln(w)
	line(cells[0])
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = strings.Repeat("-", widths[i])
	}
	fmt.Fprintf(w, "|-%s-|\n", strings.Join(seps, "-|-"))
	for _, c := range cells[1:] {
		line(c)
	}
	fmt.Fprintln(w)
	for _, n := range r.notes {
		fmt.Fprintln(w, "- "+n)
	}
}

// stats of a sample.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }
