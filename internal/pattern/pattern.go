// Package pattern compiles the Java regular expressions used as "pattern"
// constraints in AWS service models and matches them the way AWS validates
// them server side: java.util.regex Pattern.matcher(s).matches(), i.e. the
// whole string must match.
//
// Neither Go's regexp (RE2) nor regexp2 (.NET) accept Java syntax with Java
// meaning: \w, \d and \s are ASCII-only in Java, \v is a class, '.' excludes
// all line terminators, $ may match before a final line terminator and (?i)
// folds ASCII only. So the Java
// source is parsed here and re-emitted in a small subset both engines read
// identically: explicit code-point classes, \x{...} literals, \A, \z,
// groups, quantifiers and (only when needed) look-around.
//
// Inputs are Go strings (UTF-8) while Java matches UTF-16, but Java's
// matcher steps by code point, so results agree for every valid string;
// invalid UTF-8 bytes are seen as U+FFFD by both engines used here.
// Unicode property tables come from Go's unicode package, whose Unicode
// version may be newer than the JVM's; only newly assigned characters can
// differ.
package pattern

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dlclark/regexp2"
)

// matchTimeout bounds backtracking on hostile input; a timeout is a non-match.
const matchTimeout = 100 * time.Millisecond

// Pattern is a compiled model pattern with Java full-match semantics.
// It is safe for concurrent use.
type Pattern struct {
	src  string
	expr string          // translated, anchored expression
	std  *regexp.Regexp  // linear-time engine, used when expr is RE2 syntax
	bt   *regexp2.Regexp // backtracking engine, for look-around and big repeats
}

// Compile translates a Java regular expression.
func Compile(java string) (*Pattern, error) {
	expr, backtrack, err := translate(java)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", java, err)
	}
	p := &Pattern{src: java, expr: expr}
	if !backtrack {
		// RE2 refuses repeat counts over 1000; such expressions fall
		// through to the backtracking engine, which reads the same syntax.
		if re, err := regexp.Compile(expr); err == nil {
			p.std = re
			return p, nil
		}
	}
	re, err := compileBacktrack(expr)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", java, err)
	}
	p.bt = re
	return p, nil
}

func compileBacktrack(expr string) (*regexp2.Regexp, error) {
	re, err := regexp2.Compile(expr, regexp2.None)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = matchTimeout
	return re, nil
}

// MustCompile is Compile for patterns known to be valid; it panics on error.
func MustCompile(java string) *Pattern {
	p, err := Compile(java)
	if err != nil {
		panic(err)
	}
	return p
}

// MatchString reports whether the whole of s matches, as Java's matches().
func (p *Pattern) MatchString(s string) bool {
	if p.std != nil {
		return p.std.MatchString(s)
	}
	ok, err := p.bt.MatchString(s)
	return err == nil && ok // err is a timeout: reject rather than hang
}

// String returns the original Java source.
func (p *Pattern) String() string { return p.src }

// translate returns the anchored expression and whether it needs a
// backtracking engine.
func translate(java string) (string, bool, error) {
	n, err := parse(java)
	if err != nil {
		return "", false, err
	}
	var e emitter
	e.b.WriteString(`\A(?:`)
	e.emit(n, true)
	e.b.WriteString(`)\z`)
	return e.b.String(), e.backtrack, nil
}

func parse(java string) (*node, error) {
	ps := &parser{src: []rune(removeQuoting(java))}
	n, err := ps.alternation()
	if err != nil {
		return nil, err
	}
	if !ps.eof() { // only an unbalanced ')' stops alternation early
		return nil, ps.errorf("unmatched ')'")
	}
	return n, nil
}

// removeQuoting rewrites \Q...\E as escaped literals, as Java does before
// parsing, so a following quantifier binds to the last quoted character.
func removeQuoting(s string) string {
	if !strings.Contains(s, `\Q`) {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '\\' || i+1 == len(rs) {
			b.WriteRune(rs[i])
			continue
		}
		if rs[i+1] != 'Q' {
			b.WriteRune(rs[i])
			b.WriteRune(rs[i+1])
			i++
			continue
		}
		for i += 2; i < len(rs); i++ {
			if rs[i] == '\\' && i+1 < len(rs) && rs[i+1] == 'E' {
				i++
				break
			}
			fmt.Fprintf(&b, `\x{%X}`, rs[i])
		}
	}
	return b.String()
}

type kind uint8

const (
	kSet    kind = iota // one character from set
	kSeq                // subs in order
	kAlt                // one of subs
	kGroup              // plain (capturing or not) group around subs[0]
	kLook               // look-around subs[0]; op is "=", "!", "<=" or "<!"
	kAtomic             // (?>subs[0])
	kRepeat             // subs[0]{min,max}; max < 0 is unbounded
	kBegin              // ^ or \A
	kEnd                // \z
	kDollar             // $ or \Z: end, or before a final line terminator
)

type node struct {
	kind             kind
	set              runeSet
	subs             []*node
	op               string
	min, max         int
	lazy, possessive bool
}

type parser struct {
	src   []rune
	pos   int
	fold  bool // (?i): ASCII-only case folding, Java's default
	dotNL bool // (?s)
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%s at offset %d", fmt.Sprintf(format, args...), p.pos)
}

func (p *parser) unsupported(what string) error {
	return fmt.Errorf("unsupported %s at offset %d", what, p.pos)
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

// peek returns the rune i positions ahead, or -1 past the end.
func (p *parser) peek(i int) rune {
	if p.pos+i < len(p.src) {
		return p.src[p.pos+i]
	}
	return -1
}

func (p *parser) alternation() (*node, error) {
	var alts []*node
	for {
		seq, err := p.sequence()
		if err != nil {
			return nil, err
		}
		alts = append(alts, seq)
		if p.peek(0) != '|' {
			break
		}
		p.pos++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &node{kind: kAlt, subs: alts}, nil
}

func (p *parser) sequence() (*node, error) {
	seq := &node{kind: kSeq}
	for !p.eof() && p.peek(0) != '|' && p.peek(0) != ')' {
		atom, err := p.atom()
		if err != nil {
			return nil, err
		}
		if atom == nil { // a bare flag group such as (?i)
			continue
		}
		if atom, err = p.quantifier(atom); err != nil {
			return nil, err
		}
		seq.subs = append(seq.subs, atom)
	}
	return seq, nil
}

func (p *parser) atom() (*node, error) {
	c := p.src[p.pos]
	switch c {
	case '(':
		p.pos++
		return p.group()
	case '[':
		p.pos++
		set, err := p.class()
		if err != nil {
			return nil, err
		}
		return &node{kind: kSet, set: set}, nil
	case '.':
		p.pos++
		if p.dotNL {
			return &node{kind: kSet, set: anyRune}, nil
		}
		return &node{kind: kSet, set: notLineTerm}, nil
	case '^':
		p.pos++
		return &node{kind: kBegin}, nil
	case '$':
		p.pos++
		return &node{kind: kDollar}, nil
	case '*', '+', '?', '{':
		return nil, p.errorf("dangling meta character %q", c)
	case '\\':
		e, err := p.escape(false)
		if err != nil {
			return nil, err
		}
		switch {
		case e.anchor != kSet:
			return &node{kind: e.anchor}, nil
		case e.isSet:
			return &node{kind: kSet, set: e.set}, nil
		}
		c = e.r
	default:
		p.pos++
	}
	return &node{kind: kSet, set: p.single(c)}, nil
}

// single is the set a literal character matches under the current flags.
func (p *parser) single(c rune) runeSet {
	s := runeSet{{c, c}}
	if p.fold {
		s = s.foldASCII()
	}
	return s
}

func (p *parser) group() (*node, error) {
	savedFold, savedDot := p.fold, p.dotNL
	defer func() { p.fold, p.dotNL = savedFold, savedDot }() // Java scopes flags to the group
	g := &node{kind: kGroup}
	if p.peek(0) == '?' {
		p.pos++
		switch c := p.peek(0); {
		case c == ':':
			p.pos++
		case c == '=' || c == '!':
			p.pos++
			g.kind, g.op = kLook, string(c)
		case c == '>':
			p.pos++
			g.kind = kAtomic
		case c == '<' && (p.peek(1) == '=' || p.peek(1) == '!'):
			g.kind, g.op = kLook, string([]rune{'<', p.peek(1)})
			p.pos += 2
		case c == '<':
			p.pos++
			if err := p.groupName(); err != nil {
				return nil, err
			}
		default:
			bare, err := p.flags()
			if err != nil {
				return nil, err
			}
			if bare {
				// (?i) applies to the rest of the enclosing group.
				savedFold, savedDot = p.fold, p.dotNL
				return nil, nil
			}
		}
	}
	body, err := p.alternation()
	if err != nil {
		return nil, err
	}
	if p.peek(0) != ')' {
		return nil, p.errorf("missing ')'")
	}
	p.pos++
	g.subs = []*node{body}
	return g, nil
}

func (p *parser) groupName() error {
	start := p.pos
	for isASCIIAlnum(p.peek(0)) {
		p.pos++
	}
	if p.pos == start || !isASCIILetter(p.src[start]) || p.peek(0) != '>' {
		return p.errorf("bad group name")
	}
	p.pos++
	return nil
}

// flags parses "i-s)" or "i:" after "(?"; bare reports the ")" form.
func (p *parser) flags() (bare bool, err error) {
	on := true
	for {
		c := p.peek(0)
		p.pos++
		switch c {
		case 'i':
			p.fold = on
		case 's':
			p.dotNL = on
		case '-':
			if !on {
				return false, p.errorf("bad inline flags")
			}
			on = false
		case ')':
			return true, nil
		case ':':
			return false, nil
		case 'd', 'm', 'u', 'x', 'U', 'c':
			p.pos--
			return false, p.unsupported(fmt.Sprintf("flag (?%c)", c))
		default:
			p.pos--
			return false, p.errorf("unknown inline flag or group")
		}
	}
}

func (p *parser) quantifier(atom *node) (*node, error) {
	r := &node{kind: kRepeat, subs: []*node{atom}, max: -1}
	switch p.peek(0) {
	case '*':
	case '+':
		r.min = 1
	case '?':
		r.max = 1
	case '{':
		p.pos++
		var err error
		if r.min, r.max, err = p.counts(); err != nil {
			return nil, err
		}
		p.pos-- // common advance below
	default:
		return atom, nil
	}
	p.pos++
	switch p.peek(0) {
	case '?':
		r.lazy = true
		p.pos++
	case '+':
		r.possessive = true
		p.pos++
	}
	return r, nil
}

// counts parses "n}", "n,}" or "n,m}".
func (p *parser) counts() (lo, hi int, err error) {
	num := func() (int, bool) {
		start := p.pos
		for p.peek(0) >= '0' && p.peek(0) <= '9' {
			p.pos++
		}
		n, err := strconv.Atoi(string(p.src[start:p.pos]))
		return n, err == nil
	}
	lo, ok := num()
	if !ok {
		return 0, 0, p.errorf("illegal repetition")
	}
	hi = lo
	if p.peek(0) == ',' {
		p.pos++
		hi = -1
		if p.peek(0) != '}' {
			if hi, ok = num(); !ok {
				return 0, 0, p.errorf("illegal repetition")
			}
		}
	}
	if p.peek(0) != '}' {
		return 0, 0, p.errorf("unclosed counted closure")
	}
	p.pos++
	if hi >= 0 && hi < lo {
		return 0, 0, p.errorf("illegal repetition range")
	}
	return lo, hi, nil
}

// class parses a character class after its '['.
func (p *parser) class() (runeSet, error) {
	negate := false
	if p.peek(0) == '^' {
		negate = true
		p.pos++
	}
	var set runeSet
	for first := true; ; first = false {
		c := p.peek(0)
		switch {
		case c < 0:
			return nil, p.errorf("unclosed character class")
		case c == ']' && !first: // Java takes a leading ']' literally
			p.pos++
			if negate {
				set = set.negate() // Java 9+: negation covers nested classes too
			}
			return set, nil
		case c == '[':
			p.pos++
			sub, err := p.class()
			if err != nil {
				return nil, err
			}
			set = set.union(sub)
			continue
		case c == '&' && p.peek(1) == '&':
			return nil, p.unsupported("class intersection &&")
		}
		e, err := p.classChar()
		if err != nil {
			return nil, err
		}
		if e.isSet {
			set = set.union(e.set)
			continue
		}
		lo, hi := e.r, e.r
		if p.peek(0) == '-' && p.peek(1) >= 0 && p.peek(1) != ']' && p.peek(1) != '[' {
			p.pos++
			if e, err = p.classChar(); err != nil {
				return nil, err
			}
			if hi = e.r; e.isSet || hi < lo {
				return nil, p.errorf("illegal character range")
			}
		}
		r := runeSet{{lo, hi}}
		if p.fold {
			r = r.foldASCII()
		}
		set = set.union(r)
	}
}

// classChar reads one class member: a character, or a predefined set.
func (p *parser) classChar() (escaped, error) {
	c := p.src[p.pos]
	if c != '\\' {
		p.pos++
		return escaped{r: c}, nil
	}
	return p.escape(true)
}

// escaped is one of: a character r, a set (isSet; may be empty), or an
// anchor (anchor != kSet).
type escaped struct {
	r      rune
	set    runeSet
	isSet  bool
	anchor kind
}

// escape parses a backslash sequence.
func (p *parser) escape(inClass bool) (escaped, error) {
	p.pos++ // backslash
	c := p.peek(0)
	if c < 0 {
		return escaped{}, p.errorf("trailing backslash")
	}
	p.pos++
	if !isASCIIAlnum(c) {
		return escaped{r: c}, nil
	}
	switch c {
	case 't':
		return escaped{r: '\t'}, nil
	case 'n':
		return escaped{r: '\n'}, nil
	case 'r':
		return escaped{r: '\r'}, nil
	case 'f':
		return escaped{r: '\f'}, nil
	case 'a':
		return escaped{r: '\a'}, nil
	case 'e':
		return escaped{r: 0x1B}, nil
	case 'c':
		if p.eof() {
			return escaped{}, p.errorf("illegal control escape")
		}
		p.pos++
		return escaped{r: p.src[p.pos-1] ^ 64}, nil
	case '0':
		return p.octal()
	case 'x':
		return p.hexEscape()
	case 'u':
		r, err := p.hexDigits(4)
		if err != nil {
			return escaped{}, err
		}
		// Java joins an escaped surrogate pair into one code point.
		if r >= 0xD800 && r <= 0xDBFF && p.peek(0) == '\\' && p.peek(1) == 'u' {
			save := p.pos
			p.pos += 2
			if r2, err := p.hexDigits(4); err == nil && r2 >= 0xDC00 && r2 <= 0xDFFF {
				return escaped{r: (r-0xD800)<<10 + (r2 - 0xDC00) + 0x10000}, nil
			}
			p.pos = save
		}
		return escaped{r: r}, nil
	case 'd', 'D', 's', 'S', 'w', 'W', 'h', 'H', 'v', 'V':
		set := predefined[unicode.ToLower(c)]
		if unicode.IsUpper(c) {
			set = set.negate()
		}
		return escaped{set: set, isSet: true}, nil
	case 'p', 'P':
		set, err := p.property()
		if err != nil {
			return escaped{}, err
		}
		if c == 'P' {
			set = set.negate()
		}
		return escaped{set: set, isSet: true}, nil
	}
	if !inClass {
		switch c {
		case 'A':
			return escaped{anchor: kBegin}, nil
		case 'z':
			return escaped{anchor: kEnd}, nil
		case 'Z':
			return escaped{anchor: kDollar}, nil
		}
	}
	switch c {
	case 'b', 'B', 'G', 'R', 'X', 'N', 'k', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		p.pos--
		return escaped{}, p.unsupported(`\` + string(c))
	}
	p.pos--
	return escaped{}, p.errorf(`illegal escape \%c`, c)
}

func (p *parser) octal() (escaped, error) {
	digit := func(i int) (rune, bool) {
		c := p.peek(i)
		return c - '0', c >= '0' && c <= '7'
	}
	a, ok := digit(0)
	if !ok {
		return escaped{}, p.errorf("illegal octal escape")
	}
	r, n := a, 1
	if b, ok := digit(1); ok {
		r, n = a*8+b, 2
		if c, ok := digit(2); ok && a <= 3 {
			r, n = r*8+c, 3
		}
	}
	p.pos += n
	return escaped{r: r}, nil
}

func (p *parser) hexEscape() (escaped, error) {
	if p.peek(0) != '{' {
		r, err := p.hexDigits(2)
		return escaped{r: r}, err
	}
	p.pos++
	start := p.pos
	for p.peek(0) >= 0 && p.peek(0) != '}' {
		p.pos++
	}
	v, err := strconv.ParseUint(string(p.src[start:p.pos]), 16, 32)
	if err != nil || p.peek(0) != '}' || v > unicode.MaxRune {
		return escaped{}, p.errorf(`illegal \x{...} escape`)
	}
	p.pos++
	return escaped{r: rune(v)}, nil
}

func (p *parser) hexDigits(n int) (rune, error) {
	if p.pos+n > len(p.src) {
		return 0, p.errorf("illegal hex escape")
	}
	v, err := strconv.ParseUint(string(p.src[p.pos:p.pos+n]), 16, 32)
	if err != nil {
		return 0, p.errorf("illegal hex escape")
	}
	p.pos += n
	return rune(v), nil
}

// property parses the name after \p or \P.
func (p *parser) property() (runeSet, error) {
	var name string
	switch c := p.peek(0); {
	case c == '{':
		end := p.pos + 1
		for end < len(p.src) && p.src[end] != '}' {
			end++
		}
		if end == len(p.src) {
			return nil, p.errorf("unclosed property name")
		}
		name = string(p.src[p.pos+1 : end])
		p.pos = end + 1
	case c >= 0:
		name = string(c)
		p.pos++
	default:
		return nil, p.errorf("missing property name")
	}
	if set := p.lookupProperty(name); set != nil {
		return set, nil
	}
	return nil, p.unsupported(`property \p{` + name + `}`)
}

func (p *parser) lookupProperty(name string) runeSet {
	if k, v, ok := strings.Cut(name, "="); ok {
		switch k {
		case "gc", "general_category":
			return p.category(v)
		case "sc", "script":
			return script(v)
		}
		return nil
	}
	if rest, ok := strings.CutPrefix(name, "Is"); ok {
		if set := p.category(rest); set != nil {
			return set
		}
		return script(rest)
	}
	if set := p.category(name); set != nil {
		return set
	}
	if p.fold && (name == "Lower" || name == "Upper") {
		return nil // Java 16+ folds these under (?i); not modelled
	}
	return posix[name]
}

func (p *parser) category(name string) runeSet {
	switch name {
	case "Lu", "Ll", "Lt", "LC":
		if p.fold {
			return nil // Java 16+ folds these under (?i); not modelled
		}
	}
	switch name {
	case "Cn":
		return unassigned
	case "C": // Java's C includes unassigned code points (Cn)
		return fromTable(unicode.Cc).union(fromTable(unicode.Cf)).union(fromTable(unicode.Co)).
			union(fromTable(unicode.Cs)).union(unassigned)
	case "LC":
		return fromTable(unicode.Lu).union(fromTable(unicode.Ll)).union(fromTable(unicode.Lt))
	}
	if t, ok := unicode.Categories[name]; ok {
		return fromTable(t)
	}
	return nil
}

func script(name string) runeSet {
	for k, t := range unicode.Scripts {
		if strings.EqualFold(k, name) {
			return fromTable(t)
		}
	}
	return nil
}

// emitter writes the subset of syntax that Go regexp and regexp2 agree on.
type emitter struct {
	b         strings.Builder
	backtrack bool // output uses look-around or atomic groups
}

// emit writes n; tail means nothing but the final \z follows n, so a Java $
// there can only succeed at the very end and may be written as \z.
func (e *emitter) emit(n *node, tail bool) {
	switch n.kind {
	case kSet:
		e.set(n.set)
	case kSeq:
		for i, s := range n.subs {
			e.emit(s, tail && i == len(n.subs)-1)
		}
	case kAlt:
		for i, s := range n.subs {
			if i > 0 {
				e.b.WriteByte('|')
			}
			e.emit(s, tail)
		}
	case kGroup:
		e.b.WriteString("(?:")
		e.emit(n.subs[0], tail)
		e.b.WriteByte(')')
	case kLook, kAtomic:
		// Both commit to their first success, so $ inside must stay exact.
		e.backtrack = true
		if n.kind == kAtomic {
			e.b.WriteString("(?>")
		} else {
			e.b.WriteString("(?" + n.op)
		}
		e.emit(n.subs[0], false)
		e.b.WriteByte(')')
	case kRepeat:
		if n.possessive {
			e.backtrack = true
			e.b.WriteString("(?>")
		}
		if body := n.subs[0]; body.kind == kSet {
			e.set(body.set) // already a single atom
		} else {
			e.b.WriteString("(?:")
			e.emit(body, tail && n.max == 1 && !n.possessive)
			e.b.WriteByte(')')
		}
		switch {
		case n.min == 0 && n.max < 0:
			e.b.WriteByte('*')
		case n.min == 1 && n.max < 0:
			e.b.WriteByte('+')
		case n.min == 0 && n.max == 1:
			e.b.WriteByte('?')
		case n.max < 0:
			fmt.Fprintf(&e.b, "{%d,}", n.min)
		case n.min == n.max:
			fmt.Fprintf(&e.b, "{%d}", n.min)
		default:
			fmt.Fprintf(&e.b, "{%d,%d}", n.min, n.max)
		}
		if n.lazy {
			e.b.WriteByte('?')
		}
		if n.possessive {
			e.b.WriteByte(')')
		}
	case kBegin:
		e.b.WriteString(`\A`)
	case kEnd:
		e.b.WriteString(`\z`)
	case kDollar:
		if tail {
			e.b.WriteString(`\z`)
			return
		}
		// Java's non-multiline $: at the end, or before a final \r\n or
		// line terminator, but never between \r and \n.
		e.backtrack = true
		e.b.WriteString(`(?:\z|(?=\r\n\z)|(?<!\r)(?=\n\z)|(?=[\r\x{85}\x{2028}\x{2029}]\z))`)
	}
}

func (e *emitter) set(s runeSet) {
	s = s.minus(surrogates) // cannot occur in decoded Go strings
	if len(s) == 1 && s[0].lo == s[0].hi {
		e.char(s[0].lo)
		return
	}
	if len(s) == 0 {
		e.b.WriteString(`[^\x{0}-\x{10FFFF}]`)
		return
	}
	e.b.WriteByte('[')
	for _, r := range s {
		e.char(r.lo)
		if r.hi != r.lo {
			if r.hi > r.lo+1 {
				e.b.WriteByte('-')
			}
			e.char(r.hi)
		}
	}
	e.b.WriteByte(']')
}

// char writes r so that it is literal in and out of classes for both engines.
func (e *emitter) char(r rune) {
	switch {
	case isASCIIAlnum(r) || r == ' ' || r == '_':
		e.b.WriteRune(r)
	case r > ' ' && r < 0x7F: // punctuation: a backslash makes it literal
		e.b.WriteByte('\\')
		e.b.WriteRune(r)
	default:
		fmt.Fprintf(&e.b, `\x{%X}`, r)
	}
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
func isASCIIAlnum(r rune) bool  { return isASCIILetter(r) || r >= '0' && r <= '9' }

// runeSet is a sorted list of disjoint, non-adjacent inclusive ranges.
type runeSet []runeRange

type runeRange struct{ lo, hi rune }

func (s runeSet) union(t runeSet) runeSet {
	all := append(append(make(runeSet, 0, len(s)+len(t)), s...), t...)
	if len(all) < 2 {
		return all
	}
	slices.SortFunc(all, func(a, b runeRange) int { return cmp.Compare(a.lo, b.lo) })
	out := all[:1]
	for _, r := range all[1:] {
		last := &out[len(out)-1]
		if r.lo <= last.hi+1 {
			last.hi = max(last.hi, r.hi)
		} else {
			out = append(out, r)
		}
	}
	return out
}

func (s runeSet) negate() runeSet {
	var out runeSet
	next := rune(0)
	for _, r := range s {
		if r.lo > next {
			out = append(out, runeRange{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, runeRange{next, unicode.MaxRune})
	}
	return out
}

func (s runeSet) minus(t runeSet) runeSet {
	return s.negate().union(t).negate()
}

// foldASCII adds the other case of each ASCII letter, as Java's (?i)
// without UNICODE_CASE does.
func (s runeSet) foldASCII() runeSet {
	var extra runeSet
	for _, r := range s {
		for _, span := range [2]runeRange{{'A', 'Z'}, {'a', 'z'}} {
			lo, hi := max(r.lo, span.lo), min(r.hi, span.hi)
			if lo <= hi {
				extra = append(extra, runeRange{lo ^ 0x20, hi ^ 0x20})
			}
		}
	}
	return s.union(extra)
}

func fromTable(t *unicode.RangeTable) runeSet {
	var s runeSet
	add := func(lo, hi, stride rune) {
		if stride == 1 {
			s = append(s, runeRange{lo, hi})
			return
		}
		for r := lo; r <= hi; r += stride {
			s = append(s, runeRange{r, r})
		}
	}
	for _, r := range t.R16 {
		add(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	for _, r := range t.R32 {
		add(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	return s.union(nil)
}

func ascii(chars string) runeSet {
	var s runeSet
	for _, c := range chars {
		s = append(s, runeRange{c, c})
	}
	return s.union(nil)
}

var (
	anyRune    = runeSet{{0, unicode.MaxRune}}
	surrogates = runeSet{{0xD800, 0xDFFF}}
	lineTerm   = ascii("\n\r\u0085\u2028\u2029")
	// Java's '.' without (?s) excludes every line terminator, not just \n.
	notLineTerm = lineTerm.negate()

	digit = runeSet{{'0', '9'}}
	space = ascii(" \t\n\x0B\f\r") // Java \s: ASCII, and unlike Go it has \x0B
	word  = runeSet{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}

	// predefined maps a lower-case class escape to its Java set.
	predefined = map[rune]runeSet{
		'd': digit,
		's': space,
		'w': word,
		'h': ascii(" \t\u00A0\u1680\u180E\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000"),
		'v': ascii("\n\x0B\f\r\u0085\u2028\u2029"), // Java 8+: a class, not \x0B
	}

	// unassigned is Unicode Cn: whatever no other category claims.
	unassigned = func() runeSet {
		var s runeSet
		// Not "C": Go's C table already contains the unassigned code points.
		for _, name := range []string{"L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cs"} {
			s = s.union(fromTable(unicode.Categories[name]))
		}
		return s.negate()
	}()

	// posix holds Java's ASCII-only POSIX property names.
	posix = func() map[string]runeSet {
		lower, upper := runeSet{{'a', 'z'}}, runeSet{{'A', 'Z'}}
		alpha := lower.union(upper)
		alnum := alpha.union(digit)
		punct := ascii("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
		graph := alnum.union(punct)
		return map[string]runeSet{
			"Lower":  lower,
			"Upper":  upper,
			"ASCII":  {{0, 0x7F}},
			"Alpha":  alpha,
			"Digit":  digit,
			"Alnum":  alnum,
			"Punct":  punct,
			"Graph":  graph,
			"Print":  graph.union(ascii(" ")),
			"Blank":  ascii(" \t"),
			"Cntrl":  runeSet{{0, 0x1F}, {0x7F, 0x7F}},
			"XDigit": runeSet{{'0', '9'}, {'A', 'F'}, {'a', 'f'}},
			"Space":  space,
			"L1":     {{0, 0xFF}},
			"all":    anyRune,
		}
	}()
)
