package bench

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Weighted is one operation of a mix and its share of the calls.
type Weighted struct {
	Op     string
	Weight int
}

// ParseMix reads a mix written as "DescribeUser=8,ListUsers=1": each
// operation once, each weight a positive integer. A name alone weighs 1.
func ParseMix(s string) ([]Weighted, error) {
	var mix []Weighted
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, w, hasW := strings.Cut(part, "=")
		weight := 1
		if hasW {
			n, err := strconv.Atoi(strings.TrimSpace(w))
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("--ops: the weight of %s must be a positive integer; got %q", name, w)
			}
			weight = n
		}
		name = strings.TrimSpace(name)
		if _, ok := operations[name]; !ok {
			return nil, fmt.Errorf("--ops: unknown operation %q (known: %s)", name, strings.Join(OperationNames(), ", "))
		}
		if slices.ContainsFunc(mix, func(m Weighted) bool { return m.Op == name }) {
			return nil, fmt.Errorf("--ops: %s appears twice", name)
		}
		mix = append(mix, Weighted{name, weight})
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("--ops names no operation")
	}
	return mix, nil
}

// picker draws operations in proportion to their weights.
type picker struct {
	ops   []string
	cumul []int // running totals of the weights
}

func newPicker(mix []Weighted) picker {
	var p picker
	total := 0
	for _, m := range mix {
		total += m.Weight
		p.ops = append(p.ops, m.Op)
		p.cumul = append(p.cumul, total)
	}
	return p
}

// pick maps r, uniform in [0, total weight), to its operation.
func (p picker) pick(r int) string {
	i, _ := slices.BinarySearch(p.cumul, r+1)
	return p.ops[i]
}

func (p picker) total() int { return p.cumul[len(p.cumul)-1] }

// Summary describes the latencies of a set of calls.
type Summary struct {
	Count           int
	P50, P99, P999  time.Duration
	Mean            time.Duration
	ResponseBytes50 int // median size of the answers' bodies
}

// Summarize sorts d in place and reads its percentiles (nearest rank).
func Summarize(d []time.Duration, sizes []int) Summary {
	s := Summary{Count: len(d), ResponseBytes50: median(sizes)}
	if len(d) == 0 {
		return s
	}
	slices.Sort(d)
	var sum time.Duration
	for _, v := range d {
		sum += v
	}
	s.Mean = sum / time.Duration(len(d))
	s.P50, s.P99, s.P999 = Percentile(d, 0.50), Percentile(d, 0.99), Percentile(d, 0.999)
	return s
}

// median is the lower median of n, 0 if n is empty.
func median(n []int) int {
	if len(n) == 0 {
		return 0
	}
	n = slices.Clone(n)
	slices.Sort(n)
	return n[(len(n)-1)/2]
}

// Percentile is the nearest-rank q-quantile (0 < q <= 1) of sorted: the
// smallest value that at least q of the values do not exceed.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ratio is a/b, or NaN when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}
