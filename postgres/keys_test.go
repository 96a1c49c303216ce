package postgres

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The bounds must select, among the strings PostgreSQL can store, exactly
// what the raw byte-string comparison would: checked against many names
// made of runes at the edges of UTF-8's encoding lengths, for bounds made
// of bytes that are anything (NUL, continuation bytes, lead bytes without
// their continuation, bytes no UTF-8 uses).
func TestBoundsMatchByteOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	runes := []rune{1, 'A', 'a', 'z', 0x7f, 0x80, 0xbf, 0xc0, 0xe9, 0xea, 0x7ff, 0x800, 0xfff, 0xd7ff, 0xe000,
		0xfffd, 0xffff, 0x10000, 0x3ffff, 0x40000, 0xfffff, 0x100000, 0x10ffff}
	bytes := []byte{0, 1, 'A', 'a', 'z', 0x7f, 0x80, 0x8f, 0x90, 0xa9, 0xbf, 0xc0, 0xc2, 0xc3, 0xdf, 0xe0, 0xed,
		0xee, 0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xfe, 0xff}

	var names []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			names = append(names, s)
		}
	}
	add("")
	for _, r := range runes {
		add(string(r))
	}
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(3) {
			b.WriteRune(runes[rng.IntN(len(runes))])
		}
		add(b.String())
	}
	var bounds []string
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(5) {
			if rng.IntN(3) == 0 {
				b.WriteRune(runes[rng.IntN(len(runes))])
			} else {
				b.WriteByte(bytes[rng.IntN(len(bytes))])
			}
		}
		bounds = append(bounds, b.String())
	}
	// Every valid rune's encoding, cut short, as a bound.
	for _, r := range runes {
		s := string(r)
		for i := 1; i < len(s); i++ {
			bounds = append(bounds, s[:i], "a"+s[:i], s[:i]+"\x00")
		}
	}

	for _, b := range bounds {
		least, okLeast := atLeast(b)
		above, okAbove := after(b)
		lo, hi, hasHi, okRange := prefixRange(b)
		for _, s := range []struct {
			ok bool
			v  string
		}{{okLeast, least}, {okAbove, above}, {okRange, lo}, {hasHi, hi}} {
			if s.ok && !storable(s.v) {
				t.Fatalf("bound %q for %q is not storable", s.v, b)
			}
		}
		for _, n := range names {
			if got, want := okLeast && n >= least, n >= b; got != want {
				t.Fatalf("%q >= %q is %v, but atLeast gives %q, %v", n, b, want, least, okLeast)
			}
			if got, want := okAbove && n >= above, n > b; got != want {
				t.Fatalf("%q > %q is %v, but after gives %q, %v", n, b, want, above, okAbove)
			}
			in := okRange && n >= lo && (!hasHi || n < hi)
			if want := strings.HasPrefix(n, b); in != want {
				t.Fatalf("HasPrefix(%q, %q) is %v, but prefixRange gives [%q, %q) (hasHi %v, ok %v)",
					n, b, want, lo, hi, hasHi, okRange)
			}
		}
	}
}

func TestBounds(t *testing.T) {
	for _, tt := range []struct {
		b, atLeast string
		ok         bool
	}{
		{"", "", true},
		{"abc", "abc", true},
		{"a\x00", "a\x01", true},
		{"a\x00\xff", "a\x01", true},
		{"\xf4", "\U00100000", true},
		{"z\x80", "z\u0080", true},
		{"\xc2\xc0", "\u00c0", true},
		{"\xed\xa0", "\ue000", true}, // a surrogate's start: the next rune
		{"\xf5", "", false},
		{"a\xff", "b", true},
		{"\U0010ffff\xff", "", false},
		{"a\U0010ffff\xff", "b", true},
	} {
		got, ok := atLeast(tt.b)
		if got != tt.atLeast || ok != tt.ok {
			t.Errorf("atLeast(%q) = %q, %v; want %q, %v", tt.b, got, ok, tt.atLeast, tt.ok)
		}
	}
	if got, ok := after("0"); got != "0\x01" || !ok {
		t.Errorf(`after("0") = %q, %v`, got, ok)
	}
	if lo, hi, hasHi, ok := prefixRange("é"); lo != "é" || hi != "ê" || !hasHi || !ok {
		t.Errorf(`prefixRange("é") = %q, %q, %v, %v`, lo, hi, hasHi, ok)
	}
	if lo, _, hasHi, ok := prefixRange(""); lo != "" || hasHi || !ok {
		t.Errorf(`prefixRange("") = %q, _, %v, %v`, lo, hasHi, ok)
	}
}
