package shape

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestTimeRoundTrip: every millisecond timestamp, written as the SDKs
// write it (the shortest float64 text of ms/1e3, as the Go SDK's encoder
// and Python's json do), reads back as that millisecond and writes out
// the same value, however many times it goes round.
func TestTimeRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var values []int64
	for range 5000 {
		values = append(values, rng.Int64N(4102444800000)) // 1970..2100
	}
	values = append(values, 0, 1, 999, 1000, 1700000000123, 1700000000001, 1762300800999, -1, -1500, minMillis, maxMillis)
	for _, ms := range values {
		sent := strconv.FormatFloat(float64(ms)/1e3, 'f', -1, 64)
		var got Time
		if err := json.Unmarshal([]byte(sent), &got); err != nil {
			t.Fatalf("Unmarshal(%s): %v", sent, err)
		}
		if got.UnixMilli() != ms {
			t.Fatalf("Unmarshal(%s) = %d ms, want %d", sent, got.UnixMilli(), ms)
		}
		for range 3 {
			out, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			back, err := strconv.ParseFloat(string(out), 64)
			if err != nil || back != float64(ms)/1e3 {
				t.Fatalf("%s came back as %s", sent, out)
			}
			if err := json.Unmarshal(out, &got); err != nil || got.UnixMilli() != ms {
				t.Fatalf("%s drifted to %s (%d ms)", sent, out, got.UnixMilli())
			}
		}
	}
}

func TestTimeJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1700000000, 0), "1700000000"},
		{time.Unix(1700000000, 250_000_000), "1700000000.250"},
		{time.Unix(1700000000, 123_000_000), "1700000000.123"},
		{time.Unix(0, 0), "0"},
		{time.UnixMilli(-1500), "-1.500"},
		{time.UnixMilli(-1), "-0.001"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(Time{tt.t})
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.t, b, err, tt.want)
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tt.t) {
			t.Errorf("Unmarshal(%s) = %v, %v", b, back, err)
		}
	}
	var rfc Time
	if err := json.Unmarshal([]byte(`"2026-11-21T10:00:00Z"`), &rfc); err != nil || rfc.Unix() != 1795255200 {
		t.Errorf("RFC 3339: %v, %v", rfc, err)
	}
	for _, bad := range []string{`"yesterday"`, `true`, `"1700000000"`, `1.`, `01`, `1e`, `--1`, `1x`} {
		var x Time
		if err := json.Unmarshal([]byte(bad), &x); err == nil || errors.Is(err, ErrTimeRange) {
			t.Errorf("Unmarshal(%s) = %v, want a syntax error", bad, err)
		}
	}
}

// TestEpochMillis: any spelling of a number reads exactly, rounds to the
// millisecond, and values past years 1..9999 are refused, never wrapped.
func TestEpochMillis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{"1700000000.123", 1700000000123, nil},
		{"1.700000000123E9", 1700000000123, nil},
		{"1.700000000123e+9", 1700000000123, nil},
		{"1700000000123e-3", 1700000000123, nil},
		{"1700000000.1229999", 1700000000123, nil},
		{"1700000000.1225", 1700000000123, nil},
		{"1700000000.12249", 1700000000122, nil},
		{"-1.5", -1500, nil},
		{"-0.0005", -1, nil},
		{"0.0004", 0, nil},
		{"0.0005", 1, nil},
		{"0e999999999999", 0, nil},
		{"-0", 0, nil},
		{"1e-999999999999", 0, nil},
		{"253402300799.999", 253402300799999, nil},
		{"-62135596800", -62135596800000, nil},
		{"253402300800", 0, ErrTimeRange},
		{"-62135596800.001", 0, ErrTimeRange},
		{"1e19", 0, ErrTimeRange},
		{"1e308", 0, ErrTimeRange},
		{"-1e308", 0, ErrTimeRange},
		{"1e400", 0, ErrTimeRange},
		{"9223372036854775807", 0, ErrTimeRange},
		{"1e999999999999", 0, ErrTimeRange},
	}
	for _, tt := range tests {
		got, err := EpochMillis(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("EpochMillis(%s) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// FuzzEpochMillis: whatever the text, EpochMillis agrees with
// strconv.ParseFloat to within float64's own error, or refuses it.
func FuzzEpochMillis(f *testing.F) {
	for _, s := range []string{"0", "1700000000.123", "-1.5e3", "1e19", "0.0005", "253402300799.9995"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := EpochMillis(s)
		if err != nil {
			return
		}
		if ms < minMillis || ms > maxMillis {
			t.Fatalf("EpochMillis(%q) = %d, out of range", s, ms)
		}
		f, perr := strconv.ParseFloat(s, 64)
		if perr != nil {
			t.Fatalf("EpochMillis(%q) = %d, but it is no number: %v", s, ms, perr)
		}
		if d := f*1e3 - float64(ms); d > 0.5001+1e-3*abs(f) || d < -0.5001-1e-3*abs(f) {
			t.Fatalf("EpochMillis(%q) = %d, ParseFloat says %v", s, ms, f)
		}
		var back Time
		out, _ := Time{time.UnixMilli(ms)}.MarshalJSON()
		if err := back.UnmarshalJSON(out); err != nil || back.UnixMilli() != ms {
			t.Fatalf("%d ms wrote %s, read back %v (%v)", ms, out, back.UnixMilli(), err)
		}
	})
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
