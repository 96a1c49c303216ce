package bench

import (
	"strings"
	"testing"
	"time"
)

func TestParseMix(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []Weighted
		wantErr string
	}{
		{in: "DescribeUser", want: []Weighted{{"DescribeUser", 1}}},
		{in: "DescribeUser=8,ListUsers=1,UpdateUser=1", want: []Weighted{{"DescribeUser", 8}, {"ListUsers", 1}, {"UpdateUser", 1}}},
		{in: " UpdateSelfUpgrade = 3 , RegisterUser ,", want: []Weighted{{"UpdateSelfUpgrade", 3}, {"RegisterUser", 1}}},
		{in: "", wantErr: "names no operation"},
		{in: "DeleteUser=1", wantErr: `unknown operation "DeleteUser"`},
		{in: "DescribeUser=0", wantErr: "positive integer"},
		{in: "DescribeUser=-2", wantErr: "positive integer"},
		{in: "DescribeUser=x", wantErr: "positive integer"},
		{in: "DescribeUser=1,DescribeUser=2", wantErr: "appears twice"},
	} {
		got, err := ParseMix(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseMix(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("ParseMix(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("ParseMix(%q)[%d] = %v; want %v", tc.in, i, got[i], tc.want[i])
			}
		}
	}
}

func TestPickerFollowsWeights(t *testing.T) {
	p := newPicker([]Weighted{{"DescribeUser", 8}, {"ListUsers", 1}, {"UpdateUser", 3}})
	counts := map[string]int{}
	for r := range p.total() {
		counts[p.pick(r)]++
	}
	if p.total() != 12 || counts["DescribeUser"] != 8 || counts["ListUsers"] != 1 || counts["UpdateUser"] != 3 {
		t.Errorf("total %d, picks %v; want 12 and 8, 1, 3", p.total(), counts)
	}
}

func ms1(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = ms1(i + 1)
	}
	thousand := make([]time.Duration, 1000)
	for i := range thousand {
		thousand[i] = ms1(i + 1)
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one value", []time.Duration{ms1(7)}, 0.999, ms1(7)},
		{"median of two is the lower", []time.Duration{ms1(1), ms1(2)}, 0.5, ms1(1)},
		{"p50 of 100", hundred, 0.50, ms1(50)},
		{"p99 of 100", hundred, 0.99, ms1(99)},
		{"p99.9 of 100 is the largest", hundred, 0.999, ms1(100)},
		{"p99.9 of 1000", thousand, 0.999, ms1(999)},
		{"p100", thousand, 1, ms1(1000)},
	} {
		if got := Percentile(tc.sorted, tc.q); got != tc.want {
			t.Errorf("%s: Percentile(q=%v) = %v; want %v", tc.name, tc.q, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lat   []time.Duration
		sizes []int
		want  Summary
	}{
		{"nothing", nil, nil, Summary{}},
		{"unsorted", []time.Duration{ms1(3), ms1(1), ms1(2)}, []int{30, 10, 20},
			Summary{Count: 3, P50: ms1(2), P99: ms1(3), P999: ms1(3), Mean: ms1(2), ResponseBytes50: 20}},
		{"sizes without latencies", nil, []int{5, 1, 9, 7}, Summary{ResponseBytes50: 5}},
	} {
		if got := Summarize(tc.lat, tc.sizes); got != tc.want {
			t.Errorf("%s: Summarize = %+v; want %+v", tc.name, got, tc.want)
		}
	}
}

func TestParseStatCPU(t *testing.T) {
	for _, tc := range []struct {
		name, stat string
		want       time.Duration
		wantErr    bool
	}{
		{"plain", "1234 (qslocal) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 40 0 0 20 0 8 0 100 1000 500",
			290 * clockTick, false},
		{"a name with spaces and parentheses", "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 5 6 7",
			7 * clockTick, false},
		{"too short", "1 (x) S 1 2 3", 0, true},
		{"no name", "garbage", 0, true},
		{"not a number", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 a 4 0 0 20 0 1 0 5 6 7", 0, true},
	} {
		got, err := parseStatCPU(tc.stat)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("%s: parseStatCPU = %v, %v; want %v (error: %v)", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		name, status string
		want         memory
		wantErr      bool
	}{
		{"present", "Name:\tqslocal\nVmPeak:\t 900000 kB\nVmHWM:\t   48128 kB\nVmRSS:\t 40000 kB\nRssAnon:\t    7356 kB\nRssFile:\t   17360 kB\n",
			memory{peak: 48128 << 10, anon: 7356 << 10, file: 17360 << 10}, false},
		{"absent", "Name:\tqslocal\nVmRSS:\t 40000 kB\n", memory{}, true},
		{"some absent", "VmHWM:\t 12 kB\nRssAnon:\t 3 kB\n", memory{}, true},
		{"odd unit", "VmHWM:\t 12 MB\nRssAnon:\t 3 kB\nRssFile:\t 4 kB\n", memory{}, true},
	} {
		got, err := parseStatus(tc.status)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("%s: parseStatus = %+v, %v; want %+v (error: %v)", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestPaddedIsTheSizeAsked(t *testing.T) {
	for _, n := range []int{0, 10, 11, 326, 26782} {
		if got := len(padded(n)); got != max(n, 10) {
			t.Errorf("len(padded(%d)) = %d", n, got)
		}
	}
}

// TestReportCountsFailedCalls: CPU per call divides by every call made,
// failed ones included, while throughput counts only answers.
func TestReportCountsFailedCalls(t *testing.T) {
	ms := time.Millisecond
	q := phase{ops: map[string]*opResult{"DescribeUser": {lat: []time.Duration{ms, ms}, sizes: []int{10, 10}, errors: 2}},
		order: []string{"DescribeUser"}, elapsed: time.Second, toolCPU: 400 * time.Microsecond}
	c := phase{ops: map[string]*opResult{"DescribeUser": {lat: []time.Duration{ms, ms, ms, ms}, sizes: []int{10, 10, 10, 10}}},
		order: []string{"DescribeUser"}, elapsed: time.Second, toolCPU: 400 * time.Microsecond}
	var b strings.Builder
	report(&b, q, c, figures{cpu: 800 * time.Microsecond, measured: true}, figures{cpu: 400 * time.Microsecond})
	for _, want := range []string{
		"all calls: 2/s, ceiling 4/s, ratio 0.500",
		"tool CPU per call: 100.0 µs (ceiling phase: 100.0 µs)",
		"server CPU per call: 200.0 µs; ceiling 100.0 µs; ratio 2.00",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, b.String())
		}
	}
}
