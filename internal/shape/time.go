package shape

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Time is a model timestamp. rest-json sends timestamps as epoch seconds (a
// JSON number, fractions allowed); reading also accepts an RFC 3339 string
// because botocore may send one. AWS keeps milliseconds, and so does Time:
// every SDK sends at most milliseconds, so what they send comes back exactly.
type Time struct{ time.Time }

// NewTime returns a *Time, convenient for optional members.
func NewTime(t time.Time) *Time { return &Time{t} }

// The timestamps Time takes: years 1 to 9999, what RFC 3339 and the SDKs'
// own date types (Python's datetime among them) can hold.
var (
	MinTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
)

// ErrTimeRange is the error of a timestamp outside MinTime..MaxTime.
var ErrTimeRange = errors.New("timestamp out of range")

// TimeRangeMessage is the constraint a timestamp out of range breaks.
const TimeRangeMessage = "Member must be a timestamp from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z"

// MarshalJSON writes epoch seconds, with milliseconds when there are any.
func (t Time) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.AppendInt(nil, ms/1000, 10), nil
	}
	// Integer arithmetic, so that no value is rounded on its way out.
	b := []byte{}
	if ms < 0 {
		b, ms = append(b, '-'), -ms
	}
	b = strconv.AppendInt(b, ms/1000, 10)
	return fmt.Appendf(b, ".%03d", ms%1000), nil
}

// UnmarshalJSON reads epoch seconds or an RFC 3339 string, rounded to the
// millisecond. A value outside MinTime..MaxTime is ErrTimeRange.
func (t *Time) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("timestamp %q is neither epoch seconds nor RFC 3339", s)
		}
		v = v.UTC().Round(time.Millisecond)
		if v.Before(MinTime) || v.After(MaxTime) {
			return ErrTimeRange
		}
		t.Time = v
		return nil
	}
	ms, err := EpochMillis(string(b))
	if err != nil {
		return err
	}
	t.Time = time.UnixMilli(ms).UTC()
	return nil
}

var (
	minMillis = MinTime.UnixMilli()
	maxMillis = MaxTime.UnixMilli()
)

// EpochMillis reads a JSON number of epoch seconds exactly, as decimal
// text (a float64 would be off by up to a millisecond near today's dates),
// and rounds it to the nearest millisecond, halves away from zero. A
// value outside MinTime..MaxTime is ErrTimeRange.
func EpochMillis(num string) (int64, error) {
	bad := fmt.Errorf("timestamp %s is not a number of epoch seconds", num)
	s := num
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	// JSON's grammar: int [frac] [exp].
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[:i]
	if intPart == "" || (len(intPart) > 1 && intPart[0] == '0') {
		return 0, bad
	}
	fracPart := ""
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		fracPart, i = s[i+1:j], j
		if fracPart == "" {
			return 0, bad
		}
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		expNeg := false
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			expNeg, j = s[j] == '-', j+1
		}
		if j == len(s) {
			return 0, bad
		}
		for ; j < len(s); j++ {
			if !isDigit(s[j]) {
				return 0, bad
			}
			if exp < 1_000_000 { // saturates: far past any range below
				exp = exp*10 + int(s[j]-'0')
			}
		}
		if expNeg {
			exp = -exp
		}
		i = j
	}
	if i != len(s) {
		return 0, bad
	}
	// The value is digits × 10^point, digits without leading zeros.
	digits := intPart + fracPart
	point := exp - len(fracPart)
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	if digits == "" {
		return 0, nil
	}
	// In milliseconds: digits × 10^(point+3). Out of range once it has
	// more than 15 digits before the point (|value| < 10^15 ms).
	shift := point + 3
	if len(digits)+shift > 15 {
		return 0, ErrTimeRange
	}
	var ms int64
	round := false
	switch {
	case shift >= 0:
		ms, _ = strconv.ParseInt(digits, 10, 64)
		for range shift {
			ms *= 10
		}
	case len(digits)+shift <= 0:
		// Under a millisecond: rounds to 0 or ±1 ms.
		round = len(digits)+shift == 0 && digits[0] >= '5'
	default:
		keep := len(digits) + shift
		ms, _ = strconv.ParseInt(digits[:keep], 10, 64)
		round = digits[keep] >= '5'
	}
	if round {
		ms++
	}
	if neg {
		ms = -ms
	}
	if ms < minMillis || ms > maxMillis {
		return 0, ErrTimeRange
	}
	return ms, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
