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

// xirrSort returns copies of the flows sorted by day.
func xirrSort(days []int32, amounts []float64) ([]int32, []float64) {
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
// −∞ and xirrTop; with more, a cheap certificate (certified) usually shows there is still at
// most one on either side of a trial rate, and the chain (xirrChain) settles the rest.
func xirrRoots(t, c []float64) []float64 {
	s := &xirrSolver{t: t, c: c, tmax: t[len(t)-1], level0: true}
	if xirrSignChanges(c) > 1 {
		for _, u0 := range [...]float64{xirrGuess, 0, -0.7, 1.1} {
			if roots, ok := s.certified(u0); ok {
				return roots
			}
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
