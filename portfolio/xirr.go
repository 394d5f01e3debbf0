package portfolio

import (
	"cmp"
	"math"
	"math/big"
	"slices"
)

// XIRR returns the annualised rate r solving Σ cfᵢ / (1+r)^((dᵢ−d₀)/365) = 0 over dated cash
// flows (d₀ the earliest), as spreadsheet XIRR does. days are day numbers (e.g. days since
// 1970-01-01, any origin) and amounts the cash flows on them (negative = money out, positive =
// money in), in any order. Flows are summed per day first (exactly, on a grid of 1e-8) and a day
// that nets to zero drops out.
//
// Every root from −100 % up to the float64 limit is found; where several rates solve the
// equation, the one nearest 10 % is returned. A collapse too deep for float64 to tell 1+r
// from 0 (1+r below ~1e-16) is returned as the float64 just above −1. ok is false when there
// is no answer: mismatched or non-finite input, no inflow or no outflow after netting, no
// root, or a rate too large for a float64. The result is never NaN or ±Inf.
func XIRR(days []int32, amounts []float64) (rate float64, ok bool) {
	u, ok := xirrLog(days, amounts)
	if !ok {
		return 0, false
	}
	return xirrRate(u), true
}

const (
	// xirrTop bounds the search for u = ln(1+r): beyond ln(MaxFloat64) ≈ 709.78 the rate
	// overflows a float64 and counts as no answer, so nothing above needs finding.
	xirrTop = 710.0
	// xirrGuess is u for the 10 % that spreadsheets start from and that breaks ties.
	xirrGuess = 0.09531017980432486 // ln(1.1)
	xirrEps   = 0x1p-52
)

// xirrRate maps u = ln(1+r) to r, keeping a deep collapse above −1 so that (1+r) stays
// positive; it is ±Inf for u past the float64 range.
func xirrRate(u float64) float64 {
	r := math.Expm1(u)
	if r <= -1 {
		r = math.Nextafter(-1, 0)
	}
	return r
}

// xirrLog returns u = ln(1+r) of the answer: the root nearest to 10 %, among those whose rate
// fits a float64. Working in u keeps full precision for rates near −100 %.
func xirrLog(days []int32, amounts []float64) (u float64, ok bool) {
	t, c, ok := xirrFlows(days, amounts)
	if !ok {
		return 0, false
	}
	ok, best := false, math.Inf(1)
	for _, root := range xirrRoots(t, c) {
		r := xirrRate(root)
		if math.IsInf(r, 0) || math.IsNaN(r) {
			continue
		}
		if d := math.Abs(r - 0.1); d < best {
			u, best, ok = root, d, true
		}
	}
	return u, ok
}

// xirrFlows nets the flows per day and returns them in time order as years since the first
// remaining day (t, t[0] = 0) and amounts scaled by a power of two so that the largest has
// magnitude in [0.5, 1), which changes no root but keeps every sum finite. ok is false unless
// there are at least two days and both an inflow and an outflow.
func xirrFlows(days []int32, amounts []float64) (t, c []float64, ok bool) {
	n := len(days)
	if n != len(amounts) || n < 2 {
		return nil, nil, false
	}
	for i := 1; i < n; i++ {
		if days[i] < days[i-1] {
			days, amounts = xirrSort(days, amounts)
			break
		}
	}
	t = make([]float64, 0, n)
	c = make([]float64, 0, n)
	var d0 int64
	var pos, neg bool
	maxAbs := 0.0
	for i := 0; i < n; {
		j := i + 1
		for j < n && days[j] == days[i] {
			j++
		}
		sum, ok := xirrDaySum(amounts[i:j])
		if !ok {
			return nil, nil, false
		}
		if sum != 0 {
			if len(c) == 0 {
				d0 = int64(days[i])
			}
			t = append(t, float64(int64(days[i])-d0)/365)
			c = append(c, sum)
			if sum > 0 {
				pos = true
			} else {
				neg = true
			}
			if a := math.Abs(sum); a > maxAbs {
				maxAbs = a
			}
		}
		i = j
	}
	if len(c) < 2 || !pos || !neg {
		return nil, nil, false
	}
	_, e := math.Frexp(maxAbs)
	scale := math.Ldexp(1, -e) // a power of two: scaling is exact
	for i := range c {
		c[i] *= scale
	}
	return t, c, true
}

// xirrSort returns copies of the flows sorted by day (in any order within a day).
func xirrSort(days []int32, amounts []float64) ([]int32, []float64) {
	lo, hi := days[0], days[0]
	for _, d := range days {
		lo, hi = min(lo, d), max(hi, d)
	}
	if span := int64(hi) - int64(lo); span <= 4*int64(len(days))+64 {
		// Days in a range not much wider than their number (daily flows): count them.
		at := make([]int, span+2)
		for _, d := range days {
			at[int64(d)-int64(lo)+1]++
		}
		for i := 1; i < len(at); i++ {
			at[i] += at[i-1]
		}
		d := make([]int32, len(days))
		a := make([]float64, len(days))
		for i, day := range days {
			j := &at[int64(day)-int64(lo)]
			d[*j], a[*j] = day, amounts[i]
			*j++
		}
		return d, a
	}
	type flow struct {
		day int32
		amt float64
	}
	fl := make([]flow, len(days))
	for i := range days {
		fl[i] = flow{days[i], amounts[i]}
	}
	slices.SortFunc(fl, func(a, b flow) int { return cmp.Compare(a.day, b.day) })
	d := make([]int32, len(fl))
	a := make([]float64, len(fl))
	for i, f := range fl {
		d[i], a[i] = f.day, f.amt
	}
	return d, a
}

// xirrDaySum adds one day's flows exactly: each is rounded to a whole number of 1e-8 and the
// counts are summed as integers, so that e.g. 0.1 + 0.2 − 0.3 is exactly zero. Amounts too
// large for an int64 count (over ~4.6e10) fall back to an exact big.Float sum. ok is false
// for a NaN or infinite amount, or a sum beyond float64.
func xirrDaySum(amounts []float64) (float64, bool) {
	var k int64
	for _, a := range amounts {
		q := math.Round(a * 1e8)
		if !(math.Abs(q) < 1<<62) {
			return xirrDaySumBig(amounts)
		}
		k2 := k + int64(q)
		if (q > 0 && k2 < k) || (q < 0 && k2 > k) {
			return xirrDaySumBig(amounts)
		}
		k = k2
	}
	return float64(k) / 1e8, true
}

func xirrDaySumBig(amounts []float64) (float64, bool) {
	// Counts span at most about 2^-9 .. 2^1051 (plus carries), so 1200 bits sum them exactly.
	const prec = 1200
	scale := new(big.Float).SetFloat64(1e8)
	acc := new(big.Float).SetPrec(prec)
	x := new(big.Float).SetPrec(prec)
	for _, a := range amounts {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return 0, false
		}
		if q := math.Round(a * 1e8); math.Abs(q) < 1<<62 {
			x.SetFloat64(q)
		} else { // already coarser than the 1e-8 grid: take the amount as it is
			x.SetFloat64(a)
			x.Mul(x, scale)
		}
		acc.Add(acc, x)
	}
	v, _ := new(big.Float).SetPrec(53).Quo(acc, scale).Float64()
	return v, !math.IsInf(v, 0)
}

// xirrRoots returns, in ascending order, every u ≤ xirrTop with f(u) = Σ cᵢ·e^(−u·tᵢ) = 0
// (t ascending, t[0] = 0, c nonzero with both signs). Descartes' rule bounds their number by
// the sign changes of c. With one sign change there is at most one root, bracketed between
// −∞ and xirrTop; with more, a cheap certificate (certified) often shows there is still at
// most one on either side of a trial rate. Failing that, subdivision (isolate) separates the
// roots at a cost that does not grow with the sign changes (years of daily flows have
// hundreds); the chain (xirrChain) settles what it cannot: double roots, tight clusters.
func xirrRoots(t, c []float64) []float64 {
	s := &xirrSolver{t: t, c: c, tmax: t[len(t)-1], level0: true}
	if xirrSignChanges(c) > 1 {
		for _, u0 := range [...]float64{xirrGuess, 0, -0.7, 1.1} {
			if roots, ok := s.certified(u0); ok {
				return roots
			}
		}
		if roots, ok := s.isolate(); ok {
			return roots
		}
	}
	return s.chain()
}

// xirrChain is xirrRoots without the certificate shortcut.
func xirrChain(t, c []float64) []float64 {
	return (&xirrSolver{t: t, c: c, tmax: t[len(t)-1], level0: true}).chain()
}

func xirrSignChanges(c []float64) int {
	n := 0
	for i := 1; i < len(c); i++ {
		if (c[i] > 0) != (c[i-1] > 0) {
			n++
		}
	}
	return n
}

// chain finds every root by following the proof of Descartes' rule of signs for exponential
// sums (Laguerre): for τ strictly between the times of the first sign change, h(u) =
// e^(u·τ)·f(u) has derivative e^(u·τ)·g(u) with g(u) = Σ cᵢ·(τ−tᵢ)·e^(−u·tᵢ), an exponential sum
// with one sign change fewer. Between consecutive roots of g, h is monotone, so f has at most
// one root there and a sign change brackets it. Applied recursively down to a sum with no sign
// change (and so no root), this finds every root by bracketing alone: no grid, nothing missed
// between grid points. It costs a few evaluations per sign change.
func (s *xirrSolver) chain() []float64 {
	t, c, n := s.t, s.c, len(s.c)
	var gaps []float64 // τ for each sign change, ascending
	for i := 1; i < n; i++ {
		if (c[i] > 0) != (c[i-1] > 0) {
			gaps = append(gaps, (t[i-1]+t[i])/2)
		}
	}
	var roots []float64 // roots of the level below; the last level has none
	if len(gaps) > 1 {
		s.level0 = false
		// Level j has coefficients cᵢ·Π_{k<j}(τₖ−tᵢ); they are kept as sign and log magnitude
		// (a double-double, so that removing a factor again restores it exactly enough),
		// since the products overflow or underflow once there are many sign changes.
		s.hi = make([]float64, n)
		s.lo = make([]float64, n)
		s.sg = make([]float64, n)
		s.buf = make([]float64, n)
		for i, ci := range c {
			s.hi[i] = math.Log(math.Abs(ci))
			s.sg[i] = math.Copysign(1, ci)
		}
		for j := 0; j < len(gaps)-1; j++ {
			s.factor(gaps[j], 1)
		}
		for j := len(gaps) - 1; j >= 1; j-- {
			roots = s.levelRoots(roots, s.sg[n-1])
			if j > 1 {
				s.factor(gaps[j-1], -1)
			}
		}
		s.level0 = true
	}
	return s.levelRoots(roots, math.Copysign(1, c[n-1]))
}

// certified returns the roots of f on (−∞, xirrTop] when it can prove cheaply that there is at
// most one on each side of u0, and ok false otherwise. The proof is Descartes' rule for Laplace
// transforms: for w > 0, f(u0+w) = w·∫ A(t)·e^(−w·t) dt with A(t) the running sum of the flows
// discounted at u0, and the kernel e^(−w·t) is totally positive, so f has at most as many
// roots (with multiplicity) above u0 as A has sign changes; below u0 likewise with the running
// sums taken from the last flow back. (For u0 = 0 this is Norstrom's criterion.)
func (s *xirrSolver) certified(u0 float64) (roots []float64, ok bool) {
	m := 0.0
	if u0 < 0 {
		m = -u0 * s.tmax
	}
	n := len(s.c)
	a := make([]float64, n)
	mag := 0.0
	for i, ti := range s.t {
		a[i] = s.c[i] * math.Exp(-u0*ti-m)
		mag += math.Abs(a[i])
	}
	// A running sum within rounding of zero has no trustworthy sign: give up.
	tol := 4 * xirrEps * float64(n) * mag
	changes := func(from, to, step int) int {
		count, prev, sum := 0, 0.0, 0.0
		for i := from; i != to; i += step {
			sum += a[i]
			if math.Abs(sum) <= tol {
				return 2
			}
			if prev != 0 && (sum > 0) != (prev > 0) {
				count++
			}
			prev = sum
		}
		return count
	}
	if changes(0, n, 1) > 1 || changes(n-1, -1, -1) > 1 {
		return nil, false
	}
	f0, step0, _ := s.eval(u0)      // nonzero: the last running sum is f(u0)
	if (f0 > 0) != (s.c[n-1] > 0) { // the sign at −∞ differs: one root below u0
		if r, found := s.solveLeft(u0, f0, step0); found {
			roots = append(roots, r)
		}
	}
	if fTop, stepTop, _ := s.eval(xirrTop); fTop != 0 && (fTop > 0) != (f0 > 0) {
		roots = append(roots, s.solve(u0, xirrTop, f0, xirrStart(u0, xirrTop, step0, stepTop)))
	}
	return roots, true
}

// xirrSolver holds the netted flows and, while the chain runs, the level it is on; eval
// evaluates that level.
type xirrSolver struct {
	t, c   []float64 // times (years, ascending) and scaled flows: level 0
	tmax   float64
	level0 bool
	// Deeper levels: coefficient = sg·exp(hi+lo).
	hi, lo, sg, buf []float64
}

// factor multiplies (dir = 1) or divides (dir = −1) every coefficient by (τ − tᵢ).
func (s *xirrSolver) factor(tau float64, dir float64) {
	for i, ti := range s.t {
		l := dir * math.Log(math.Abs(tau-ti))
		sum := s.hi[i] + l
		bb := sum - s.hi[i]
		s.lo[i] += (s.hi[i] - (sum - bb)) + (l - bb)
		s.hi[i] = sum
		if ti > tau {
			s.sg[i] = -s.sg[i]
		}
	}
}

// eval returns the current level's sum f at u (scaled by a positive factor so that nothing
// overflows at any u), mag, the sum of its terms' absolute values on that scale, and step, a
// Newton step for the root of f. The step is taken on φ(u) = ln(P/N), P and N the sums of the
// positive and negative terms: φ has f's roots and sign but is close to linear wherever a
// few terms dominate, so Newton's method on it converges from far away, where on f itself it
// would crawl in steps of 1/t.
func (s *xirrSolver) eval(u float64) (f, step, mag float64) {
	var p, n, dp, dn float64
	if s.level0 {
		m := 0.0 // the largest exponent: t = 0 for u ≥ 0, t = tmax below
		if u < 0 {
			m = -u * s.tmax
		}
		// P and N are summed with error compensation (TwoSum): with thousands of flows,
		// plain summation error would otherwise limit the root to ~1e-14.
		var pe, ne float64
		for i, ti := range s.t {
			v := s.c[i] * math.Exp(-u*ti-m)
			if v > 0 {
				sum := p + v
				bb := sum - p
				pe += (p - (sum - bb)) + (v - bb)
				p = sum
				dp -= ti * v
			} else {
				sum := n - v
				bb := sum - n
				ne += (n - (sum - bb)) + (-v - bb)
				n = sum
				dn += ti * v
			}
		}
		p += pe
		n += ne
	} else {
		m := math.Inf(-1)
		for i, ti := range s.t {
			e := s.hi[i] - u*ti + s.lo[i]
			s.buf[i] = e
			if e > m {
				m = e
			}
		}
		for i, ti := range s.t {
			v := math.Exp(s.buf[i] - m)
			if s.sg[i] > 0 {
				p += v
				dp -= ti * v
			} else {
				n += v
				dn -= ti * v
			}
		}
	}
	f = p - n
	// φ = ln(P/N) = log1p(f/N), φ' = P'/P − N'/N; a NaN or infinite step (one side
	// underflowed) is rejected by the caller's bracket test.
	step = math.Log1p(f/n) / (dp/p - dn/n)
	return f, step, p + n
}

// levelRoots returns the current level's roots on (−∞, xirrTop] in ascending order, given
// the next level's roots bs (ascending, ≤ xirrTop) and the level's sign at −∞ (that of its
// last coefficient). Each interval between consecutive bs holds at most one root.
func (s *xirrSolver) levelRoots(bs []float64, signInf float64) []float64 {
	var out []float64
	prevX, prevF, prevStep := math.Inf(-1), signInf, 0.0
	for k := 0; k <= len(bs); k++ {
		x := xirrTop
		if k < len(bs) {
			x = bs[k]
			if x <= prevX {
				continue
			}
		}
		f, step, mag := s.eval(x)
		// At level 0 a boundary is a critical point of e^(u·τ)·f; f vanishing there (to
		// rounding) is a double root that no sign change would reveal.
		if s.level0 && k < len(bs) && math.Abs(f) <= 64*xirrEps*(1+math.Abs(x)*s.tmax)*mag {
			f = 0
		}
		switch {
		case f == 0:
			out = append(out, x)
		case prevF != 0 && (f > 0) != (prevF > 0):
			if math.IsInf(prevX, -1) {
				if r, ok := s.solveLeft(x, f, step); ok {
					out = append(out, r)
				}
			} else {
				out = append(out, s.solve(prevX, x, prevF, xirrStart(prevX, x, prevStep, step)))
			}
		}
		prevX, prevF, prevStep = x, f, step
	}
	return out
}

// xirrStart picks where to start Newton's method in the bracket (a, b): the Newton step from
// one of its ends (the shorter, if both land inside), else 10 %, else the middle.
func xirrStart(a, b, stepA, stepB float64) float64 {
	x, best := xirrMid(a, b), math.Inf(1)
	if xirrGuess > a && xirrGuess < b {
		x = xirrGuess
	}
	if na := a - stepA; na > a && na < b && math.Abs(stepA) < best {
		x, best = na, math.Abs(stepA)
	}
	if nb := b - stepB; nb > a && nb < b && math.Abs(stepB) < best {
		x = nb
	}
	return x
}

// solveLeft finds the root below b, where f has sign fb (and Newton step stepB) and the
// opposite sign at −∞: it tries 10 % first, then steps down in doubling strides (or further,
// where a Newton step points) until the sign flips.
func (s *xirrSolver) solveLeft(b, fb, stepB float64) (float64, bool) {
	stride := 1.0
	a := b - stride
	if b > xirrGuess {
		a = xirrGuess
	} else if n := b - stepB; n < a && n > b-1e6 {
		a = n
	}
	for i := 0; i < 1100 && !math.IsInf(a, -1); i++ {
		fa, stepA, _ := s.eval(a)
		if fa == 0 {
			return a, true
		}
		if (fa > 0) != (fb > 0) {
			return s.solve(a, b, fa, xirrStart(a, b, stepA, stepB)), true
		}
		b, fb, stepB = a, fa, stepA
		stride *= 2
		a = b - stride
		if n := b - stepB; n < a && n > b-1e6 {
			a = n
		}
	}
	return 0, false
}

// solve returns the root in (lo, hi), where f has the sign of flo at lo and the opposite
// sign at hi: Newton's method from x0, falling back to bisection whenever a step would leave
// the bracket or not halve the step before last (as in Numerical Recipes' rtsafe).
func (s *xirrSolver) solve(lo, hi, flo, x0 float64) float64 {
	pos := flo > 0
	x := x0
	if !(x > lo && x < hi) {
		x = xirrMid(lo, hi)
	}
	dx, dxold := hi-lo, hi-lo
	newton := false // whether dx was a Newton step
	for i := 0; i < 400; i++ {
		f, step, _ := s.eval(x)
		if f == 0 {
			return x
		}
		if (f > 0) == pos {
			lo = x
		} else {
			hi = x
		}
		nx := x - step
		if math.Abs(step) <= 2*xirrEps*math.Abs(x) {
			return nx // converged: the step is below rounding
		}
		// Converging quadratically, the error after this step is about C·step², with C
		// estimated from the last two steps; below rounding, no further evaluation is needed.
		if newton && nx > lo && nx < hi && math.Abs(step) < math.Abs(dx) &&
			math.Abs(step)/(dx*dx)*(step*step) <= xirrEps/4*math.Abs(nx) {
			return nx
		}
		newton = true
		if !(nx > lo && nx < hi) || math.Abs(2*step) > math.Abs(dxold) {
			newton = false
			nx = xirrMid(lo, hi)
			if !(nx > lo && nx < hi) { // the bracket is down to adjacent floats
				return x
			}
		}
		dxold, dx = dx, nx-x
		x = nx
	}
	return x
}

// xirrMid splits a bracket; wide ones are halved on an asinh scale, so that a bracket like
// [−20000, 710] closes in on everyday rates (|u| ≲ 1) in a few steps yet still reaches
// extreme roots in logarithmically many.
func xirrMid(lo, hi float64) float64 {
	if hi-lo > 2 {
		if m := math.Sinh((math.Asinh(lo) + math.Asinh(hi)) / 2); m > lo && m < hi {
			return m
		}
	}
	return lo + (hi-lo)/2
}

// Subdivision. With many sign changes and no certificate, the chain costs a pass over the
// flows per sign change and level: too slow for years of daily flows. isolate instead covers
// (−∞, xirrTop] by intervals on each of which a Taylor bound proves that f has no root, or
// that e^(v·d)·f is monotone for some day d (so that f has at most one root there, exactly
// when its signs at the ends differ). Its cost follows the shape of f, not the number of
// sign changes. Flows lie on whole days, so with v = u/365 the terms are cᵢ·e^(−v·dᵢ), dᵢ
// the day offsets: the powers come from running products, a multiply per day rather than
// an exp per flow.

// xirrIsoBudget caps the intervals isolate examines before it leaves the flows to the chain.
const xirrIsoBudget = 4000

type xirrIso struct {
	d, c, ac []float64 // day offsets (whole numbers, ascending, d[0] = 0), flows and |flows|
	lc       []float64 // ln|c|
	hull     []int     // upper convex hull of the points (dᵢ, lcᵢ): the largest term at any v
	slope    []float64 // the slopes of the hull's edges, decreasing
	span     float64
	head     int // the flows before head share c[0]'s sign
	tail     int // the flows from tail on share c[n−1]'s sign
}

func newXirrIso(t, c []float64) *xirrIso {
	n := len(c)
	q := &xirrIso{d: make([]float64, n), c: c, ac: make([]float64, n), lc: make([]float64, n)}
	for i := range c {
		q.d[i] = math.Round(t[i] * 365)
		q.ac[i] = math.Abs(c[i])
		q.lc[i] = math.Log(q.ac[i])
	}
	q.span = q.d[n-1]
	for i := range n {
		for len(q.hull) >= 2 {
			a, b := q.hull[len(q.hull)-2], q.hull[len(q.hull)-1]
			if (q.lc[b]-q.lc[a])*(q.d[i]-q.d[a]) > (q.lc[i]-q.lc[a])*(q.d[b]-q.d[a]) {
				break
			}
			q.hull = q.hull[:len(q.hull)-1] // b lies on or below the chord from a to i
		}
		q.hull = append(q.hull, i)
	}
	for e := 0; e+1 < len(q.hull); e++ {
		a, b := q.hull[e], q.hull[e+1]
		q.slope = append(q.slope, (q.lc[b]-q.lc[a])/(q.d[b]-q.d[a]))
	}
	q.head = 1
	for q.head < n && (c[q.head] > 0) == (c[0] > 0) {
		q.head++
	}
	q.tail = n - 1
	for q.tail > 0 && (c[q.tail-1] > 0) == (c[n-1] > 0) {
		q.tail--
	}
	return q
}

// peak returns the index of the largest term |cᵢ|·e^(−v·dᵢ) (to rounding).
func (q *xirrIso) peak(v float64) int {
	// Along the hull the term grows while the edge's slope exceeds v.
	lo, hi := 0, len(q.slope)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if q.slope[mid] < v {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return q.hull[lo]
}

// gamma is a relative rounding allowance for sums of terms at v (and v ± h): every term
// comes from a product of at most n rounded factors e^(−v·g), each within ε·(1+|v·g|) of its
// value, and n terms are summed. Generous: it only costs a finer subdivision.
func (q *xirrIso) gamma(v, h float64) float64 {
	return xirrEps * (8*float64(len(q.c)) + 8*(math.Abs(v)+h)*q.span + 64)
}

// dominated reports whether, at v, the head run of terms (all of c[0]'s sign) outweighs
// all the others together, or the tail run if !head. Then f has no root at v nor at any
// larger v (smaller, for the tail): the others are all later than the head run (earlier
// than the tail run), so their ratio to it falls as v grows (rises).
func (q *xirrIso) dominated(v float64, head bool) bool {
	n, k := len(q.c), q.peak(v)
	from, to := 0, q.head // the run
	if !head {
		from, to = q.tail, n
	}
	var run, rest float64
	add := func(i int, p float64) {
		if a := q.ac[i] * p; i >= from && i < to {
			run += a
		} else {
			rest += a
		}
	}
	z, p, prev := math.Exp(-v), 1.0, q.d[k]
	for i := k; i < n; i++ {
		if g := q.d[i] - prev; g == 1 {
			p *= z
		} else if g != 0 {
			p *= math.Exp(-v * g)
		}
		prev = q.d[i]
		add(i, p)
	}
	z, p, prev = math.Exp(v), 1, q.d[k]
	for i := k - 1; i >= 0; i-- {
		if g := prev - q.d[i]; g == 1 {
			p *= z
		} else {
			p *= math.Exp(v * g)
		}
		prev = q.d[i]
		add(i, p)
	}
	total := run + rest
	return total < math.MaxFloat64 && run > rest*(1+1e-9)+4*q.gamma(v, 0)*total
}

// xirrMoments describes F(v+w) = e^((v+w)·c)·f(v+w)·K, for |w| ≤ h, c a day near the middle
// of the terms' weight and K > 0 a scale that keeps every term below 1. With the terms aᵢ =
// cᵢ·e^(−v·(dᵢ−c))·K and xᵢ = dᵢ − c: s[p] = Σ aᵢ·(−xᵢ)^p = F⁽ᵖ⁾(v); abs = Σ |aᵢ|; and as
// |e^(−w·xᵢ)| ≤ e^(h·|xᵢ|), the sups over the interval e0 = Σ |aᵢ|·e^(h|xᵢ|) ≥ |F|, e1 =
// Σ |aᵢ|·|xᵢ|·e^(h|xᵢ|) ≥ |F'| and t4 = Σ |aᵢ|·xᵢ⁴·e^(h|xᵢ|) ≥ |F⁗|. mean is the day at the
// middle of the terms' weight, a good c near v.
type xirrMoments struct {
	s                   [4]float64
	abs, e0, e1, t4     float64
	mean, gamma, newton float64
	// tangent is the least |F| (relative to abs, or to e0 over the interval) that counts
	// as a sign: far above the chain's tolerance for a double root, 64ε·(1+|u|·tmax), so
	// that wherever the chain could see f touch zero, isolate gives up rather than prove
	// it does not.
	tangent float64
}

// moments returns the moments at v over [v−h, v+h], centred on the day nearest to center
// (NaN: on the largest term).
func (q *xirrIso) moments(v, h, center float64) (r xirrMoments) {
	n, k := len(q.c), q.peak(v)
	ic, p0 := k, 1.0
	if !math.IsNaN(center) {
		j, _ := slices.BinarySearch(q.d, center)
		if j == n || (j > 0 && center-q.d[j-1] < q.d[j]-center) {
			j--
		}
		// Terms keep the scale of the largest (at most 1) unless that would be extreme.
		if p := math.Exp(-v * (q.d[j] - q.d[k])); p > 1e-250 && p < 1e250 {
			ic, p0 = j, p
		}
	}
	dc := q.d[ic]
	var s0, s1, s2, s3, abs, ax1, e0, e1, t4 float64
	// From the centre on: x ≥ 0, aᵢ = cᵢ·e^(−v·x)·p0.
	zm, ze := math.Exp(-v), math.Exp(h-v)
	pm, pe, prev := p0, p0, dc
	for i := ic; i < n; i++ {
		di := q.d[i]
		if g := di - prev; g == 1 {
			pm *= zm
			pe *= ze
		} else if g != 0 {
			pm *= math.Exp(-v * g)
			pe *= math.Exp((h - v) * g)
		}
		prev = di
		x := di - dc
		a := q.c[i] * pm
		ax := a * x
		ax2 := ax * x
		s0 += a
		s1 -= ax
		s2 += ax2
		s3 -= ax2 * x
		aa := q.ac[i] * pm
		abs += aa
		ax1 += aa * x
		e := q.ac[i] * pe
		ex := e * x
		e0 += e
		e1 += ex
		t4 += ex * x * x * x
	}
	// Before the centre: x > 0 is the distance, aᵢ = cᵢ·e^(v·x)·p0.
	zm, ze = math.Exp(v), math.Exp(v+h)
	pm, pe, prev = p0, p0, dc
	for i := ic - 1; i >= 0; i-- {
		di := q.d[i]
		if g := prev - di; g == 1 {
			pm *= zm
			pe *= ze
		} else {
			pm *= math.Exp(v * g)
			pe *= math.Exp((v + h) * g)
		}
		prev = di
		x := dc - di
		a := q.c[i] * pm
		ax := a * x
		ax2 := ax * x
		s0 += a
		s1 += ax
		s2 += ax2
		s3 += ax2 * x
		aa := q.ac[i] * pm
		abs += aa
		ax1 -= aa * x
		e := q.ac[i] * pe
		ex := e * x
		e0 += e
		e1 += ex
		t4 += ex * x * x * x
	}
	r.s = [4]float64{s0, s1, s2, s3}
	r.abs, r.e0, r.e1, r.t4 = abs, e0, e1, t4
	r.mean = dc + ax1/abs
	r.newton = v - s0/s1
	r.gamma = q.gamma(v, h)
	return r
}

// sign returns F's sign (f's) at the centre, or 0 when it is too close to zero to tell.
func (r *xirrMoments) sign() float64 {
	if math.Abs(r.s[0]) > max(2*r.gamma, r.tangent)*r.abs { // false for NaN
		return math.Copysign(1, r.s[0])
	}
	return 0
}

// noRoot reports whether F has no root on [v−h, v+h]: |F(v)| exceeds the Taylor terms up to
// order 3, the remainder h⁴/4!·sup|F⁗| and the rounding allowances.
func (r *xirrMoments) noRoot(h float64) bool {
	s, g := &r.s, 1+r.gamma
	bound := math.Abs(s[1])*h + math.Abs(s[2])*h*h/2 + math.Abs(s[3])*h*h*h/6 +
		r.t4*g*h*h*h*h/24 + 2*r.gamma*r.e0
	return math.Abs(s[0]) > bound*g+r.tangent*r.e0 // false for NaN
}

// monotone reports whether F' has no root on [v−h, v+h], so that F is monotone there.
func (r *xirrMoments) monotone(h float64) bool {
	s, g := &r.s, 1+r.gamma
	bound := math.Abs(s[2])*h + math.Abs(s[3])*h*h/2 + r.t4*g*h*h*h/6 + 2*r.gamma*r.e1
	return math.Abs(s[1]) > bound*g // false for NaN
}

// isolate returns every root of f on (−∞, xirrTop] by subdivision, or ok false when it cannot
// separate them within its budget (a double root, a tight cluster, extreme magnitudes): the
// chain then settles them.
func (s *xirrSolver) isolate() (roots []float64, ok bool) {
	if s.tmax*365 > 1<<40 {
		return nil, false
	}
	q := newXirrIso(s.t, s.c)
	n := len(s.c)
	tests := 0
	// Beyond the ends the head run dominates (above) or the tail run (below).
	hi, hiSign := xirrTop, 0.0
	for u := 0.25; u < xirrTop; u *= 2 {
		tests++
		if q.dominated(u/365, true) {
			hi, hiSign = u, math.Copysign(1, s.c[0])
			break
		}
	}
	if hiSign == 0 {
		r := q.moments(xirrTop/365, 0, math.NaN())
		r.tangent = 1e-11 * (1 + xirrTop*s.tmax)
		if hiSign = r.sign(); hiSign == 0 {
			return nil, false
		}
	}
	lo, loSign := math.Inf(-1), math.Copysign(1, s.c[n-1])
	for u := -0.25; u > -1e9; u *= 2 {
		tests++
		if q.dominated(u/365, false) {
			lo = u
			break
		}
	}
	if math.IsInf(lo, -1) {
		return nil, false
	}
	type interval struct{ a, b, sa, sb, x0 float64 }
	var brackets []interval
	stack := []interval{{a: lo, b: hi, sa: loSign, sb: hiSign}}
	center := math.NaN()
	for len(stack) > 0 {
		iv := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if tests > xirrIsoBudget || iv.b-iv.a <= 1e-12*max(1, math.Abs(iv.a), math.Abs(iv.b)) {
			return nil, false
		}
		// Test around the split point; should its sign be lost to rounding, move it.
		var m, h, sm float64
		var r xirrMoments
		for try := 0; sm == 0; try++ {
			if m = xirrMid(iv.a, iv.b); try > 0 {
				m = iv.a + (iv.b-iv.a)*(0.5+0.1*float64(try))
			}
			if try == 3 || !(m > iv.a && m < iv.b) {
				return nil, false
			}
			tests++
			// [a, b] in days; v = m/365 carries its own rounding.
			h = max(m-iv.a, iv.b-m)/365*(1+1e-12) + 4*xirrEps*math.Abs(m/365)
			r = q.moments(m/365, h, center)
			r.tangent = 1e-11 * (1 + math.Abs(m)*s.tmax)
			sm = r.sign()
		}
		if !math.IsNaN(r.mean) {
			center = r.mean
		}
		if r.noRoot(h) {
			if iv.sa != sm || iv.sb != sm {
				return nil, false // cannot be: the bounds are off
			}
			continue
		}
		if r.monotone(h) {
			if iv.sa != iv.sb {
				iv.x0 = r.newton * 365
				brackets = append(brackets, iv)
			}
			continue
		}
		stack = append(stack, interval{a: m, b: iv.b, sa: sm, sb: iv.sb},
			interval{a: iv.a, b: m, sa: iv.sa, sb: sm})
	}
	for _, b := range brackets {
		x0 := b.x0
		if !(x0 > b.a && x0 < b.b) {
			x0 = xirrStart(b.a, b.b, math.NaN(), math.NaN())
		}
		roots = append(roots, s.solve(b.a, b.b, b.sa, x0))
	}
	return roots, true
}
