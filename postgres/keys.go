package postgres

import (
	"errors"
	"sort"
	"strings"
	"unicode/utf8"
)

// PostgreSQL text holds valid UTF-8 without NUL bytes, while the contract's
// keys are any Go strings: a lookup or a bound may be anything (the suite
// pages "after" a name with a NUL appended, and lists groups by the prefix
// "\xf4", half a code point). Sending such a string would fail the
// statement and abort the transaction, so these helpers answer in Go
// instead: a key PostgreSQL cannot hold names no row, and a bound becomes
// the storable string that selects exactly the same rows.
//
// Because every text column is COLLATE "C" and the database encoding is
// UTF-8, PostgreSQL compares text as bytes, like Go.

// errText is returned by writes of text PostgreSQL cannot store.
var errText = errors.New("text is not valid UTF-8 or holds a NUL byte, which PostgreSQL cannot store")

// storable reports whether a text column can hold s.
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// allStorable reports whether every s is storable.
func allStorable(ss ...string) bool {
	for _, s := range ss {
		if !storable(s) {
			return false
		}
	}
	return true
}

// atLeast returns the least storable string s with s >= b in byte order, so
// that for every storable name n, n >= b exactly when n >= s. ok is false
// when there is none (b sorts after every storable string).
func atLeast(b string) (s string, ok bool) {
	// The longest prefix of b made of whole runes, none of them NUL.
	i := 0
	for i < len(b) {
		if b[i] == 0 {
			// Nothing storable starts b[:i]+"\x00": the next byte up.
			return b[:i] + "\x01", true
		}
		r, size := utf8.DecodeRuneInString(b[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	if i == len(b) {
		return b, true
	}
	prefix, rest := b[:i], b[i:]
	// rest starts with a byte sequence no rune encodes: the least rune whose
	// encoding sorts after it, if any.
	if r, ok := runeAbove(rest); ok {
		return prefix + string(r), true
	}
	// Else the least string after everything that starts with prefix.
	return prefixSuccessor(prefix)
}

// after returns the bound b' such that, for every storable name n, n > b
// exactly when n >= b'. ok is false when no storable name sorts after b.
func after(b string) (string, bool) {
	return atLeast(b + "\x00") // the least byte string greater than b
}

// prefixRange returns the storable bounds of the names starting with the
// byte string prefix: lo <= n, and n < hi when hasHi. ok is false when no
// storable name starts with prefix.
func prefixRange(prefix string) (lo string, hi string, hasHi bool, ok bool) {
	lo, ok = atLeast(prefix)
	if !ok {
		return "", "", false, false
	}
	if end, ok := byteSuccessor(prefix); ok {
		hi, hasHi = atLeast(end)
	}
	return lo, hi, hasHi, true
}

// byteSuccessor returns the least byte string greater than every string
// starting with prefix: its last byte below 0xff incremented, what follows
// dropped. ok is false when there is none ("" or only 0xff bytes).
func byteSuccessor(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// prefixSuccessor returns the least storable string greater than every
// string starting with the storable prefix: its last rune below
// utf8.MaxRune replaced by the next one, what follows dropped.
func prefixSuccessor(prefix string) (string, bool) {
	for prefix != "" {
		r, size := utf8.DecodeLastRuneInString(prefix)
		prefix = prefix[:len(prefix)-size]
		if r < utf8.MaxRune {
			r++
			if 0xd800 <= r && r <= 0xdfff { // surrogates are not runes
				r = 0xe000
			}
			return prefix + string(r), true
		}
	}
	return "", false
}

// runeAbove returns the least rune (not NUL) whose UTF-8 encoding sorts
// after b. UTF-8 keeps code point order, so this is a binary search over
// the runes, skipping the surrogates.
func runeAbove(b string) (rune, bool) {
	const surrogates = 0xe000 - 0xd800
	nth := func(i int) rune { // the i-th rune from U+0001
		r := rune(i + 1)
		if r >= 0xd800 {
			r += surrogates
		}
		return r
	}
	n := int(utf8.MaxRune - surrogates)
	i := sort.Search(n, func(i int) bool { return string(nth(i)) > b })
	if i == n {
		return 0, false
	}
	return nth(i), true
}
