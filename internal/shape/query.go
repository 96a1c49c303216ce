package shape

import (
	"net/http"
	"net/url"
	"strconv"
)

// Path returns a percent-decoded path label, or nil when it is empty. The
// router matches on the escaped path (see restjson), so labels arrive
// escaped and are decoded here, by each caller that needs one.
func Path(r *http.Request, label string) *string {
	s := r.PathValue(label)
	if s == "" {
		return nil
	}
	if d, err := url.PathUnescape(s); err == nil {
		s = d
	}
	return &s
}

// PathInt64 returns a numeric path label.
func PathInt64(r *http.Request, label, member string, v *Validator) *int64 {
	return parseInt[int64](Path(r, label), 64, member, v)
}

// Query returns the first value of a query key, or nil when absent.
func Query(q url.Values, key string) *string {
	vs, ok := q[key]
	if !ok || len(vs) == 0 {
		return nil
	}
	return &vs[0]
}

// QueryList returns every value of a repeated query key.
func QueryList(q url.Values, key string) []string {
	return q[key]
}

// QueryInt32 parses an integer query value.
func QueryInt32(q url.Values, key, member string, v *Validator) *int32 {
	return parseInt[int32](Query(q, key), 32, member, v)
}

// QueryInt64 parses a long query value.
func QueryInt64(q url.Values, key, member string, v *Validator) *int64 {
	return parseInt[int64](Query(q, key), 64, member, v)
}

func parseInt[T int32 | int64](s *string, bits int, member string, v *Validator) *T {
	if s == nil {
		return nil
	}
	n, err := strconv.ParseInt(*s, 10, bits)
	if err != nil {
		v.Add(member, Show(*s, false), "Member must be an integer")
		return nil
	}
	t := T(n)
	return &t
}

// QueryBool parses a boolean query value.
func QueryBool(q url.Values, key, member string, v *Validator) *bool {
	s := Query(q, key)
	if s == nil {
		return nil
	}
	// Exactly the two spellings SDKs send; strconv.ParseBool takes more.
	switch *s {
	case "true", "false":
		b := *s == "true"
		return &b
	}
	v.Add(member, Show(*s, false), "Member must be a boolean (true or false)")
	return nil
}
