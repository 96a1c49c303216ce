package pattern

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2"

	"github.com/qslocal/qslocal/internal/botocore"
)

// modelPatterns returns the distinct patterns of the QuickSight model.
func modelPatterns() (string, []string, error) {
	path, err := botocore.FindModel(".")
	if err != nil {
		return path, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return path, nil, err
	}
	var model struct {
		Shapes map[string]struct {
			Pattern *string `json:"pattern"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal(data, &model); err != nil {
		return path, nil, fmt.Errorf("decode %s: %w", path, err)
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range model.Shapes {
		if s.Pattern != nil && !seen[*s.Pattern] {
			seen[*s.Pattern] = true
			out = append(out, *s.Pattern)
		}
	}
	slices.Sort(out)
	return path, out, nil
}

func TestModelPatternsCompile(t *testing.T) {
	path, pats, err := modelPatterns()
	if err != nil {
		t.Fatal(err)
	}
	if len(pats) == 0 {
		t.Fatalf("no patterns found in %s", path)
	}
	var backtracking []string
	for _, src := range pats {
		p, err := Compile(src)
		if err != nil {
			t.Errorf("Compile: %v", err)
			continue
		}
		if p.String() != src {
			t.Errorf("String() = %q, want %q", p.String(), src)
		}
		if p.bt != nil {
			backtracking = append(backtracking, src)
		}
	}
	t.Logf("%d patterns; %d need regexp2: %q", len(pats), len(backtracking), backtracking)
}

type matchCase struct {
	pattern string
	yes     []string // must match
	no      []string // must not match
}

var (
	a256 = strings.Repeat("a", 256)
	key  = "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("A", 64) + "\n" + "abc+/=" + "\n-----END PRIVATE KEY-----"
)

// matchCases are model patterns whose Java meaning differs from a naive
// reading in Go or .NET; each was checked against java.util.regex.
var matchCases = []matchCase{
	{`[\u0020-\u00FF]+`,
		[]string{"alice", "a/b@c d+e=f", "é", "ÿ", " "},
		[]string{"", "日本", "tab\there", "Ā", "a\n", "😀", "\u007f\u0080x\u0100"}},
	{"[ -ÿ]+", // the same range written with literal characters
		[]string{"alice", "é"},
		[]string{"", "日本", "tab\there"}},
	{`^[0-9]{12}$`,
		[]string{"111122223333"},
		[]string{"1111222233334", "11112222333", "111122223333\n", "", "١١١١٢٢٢٢٣٣٣٣"}},
	{`[0-9]{12}`,
		[]string{"111122223333"},
		[]string{"1111222233334", "x111122223333", "111122223333\n"}},
	{`^[a-zA-Z0-9._-]*$`,
		[]string{"", "default", "my.ns_1-x"},
		[]string{"a b", "ns/1", "é", "a\n"}},
	{`^[a-zA-Z0-9+=,.@_-]+$`,
		[]string{"user+tag=x,y.z@example_1-2"},
		[]string{"", "a b", "a/b", "a\n", "a\r\n"}},
	{`(?=^.{2,256}$)(?!.*\s)[0-9a-zA-Z-_.:=+@]*$`,
		[]string{"ab", a256, "a:b=c+d@e_f-g.h"},
		[]string{"a", "", "a b", a256 + "a", "ab\n", "ab\r\n", "ab!", "a\u000bb"}},
	{`(?!\s+$)[^{}"\\<>]*`,
		[]string{"", "hello", " x ", "\u00a0", "\u3000"},
		[]string{"   ", "a{b", "\t\n", " \n", "\u000b", `a\b`, "<"}},
	{`(?!\s*$).+`,
		[]string{"a", " a ", "\u00a0"},
		[]string{"", " ", "\n", "a\n", "\u000b"}},
	{`[\w\-]+`,
		[]string{"abc-1_2", "-"},
		[]string{"é", "", "a b", "٣"}},
	{`[\w\-]+|(\$LATEST)|(\$PUBLISHED)`,
		[]string{"$LATEST", "$PUBLISHED", "v1"},
		[]string{"$latest", "$LATESTx", "$", ""}},
	{`\*|[\w\-]{1,2048}`,
		[]string{"*", "a", strings.Repeat("a", 2048)},
		[]string{"**", "", strings.Repeat("a", 2049)}},
	{`.*\S.*`,
		[]string{"x", "  x  ", "\u00a0", "x\u0085", "\u2028", "a\u2028b"},
		[]string{"", "   ", "a\nb", "\u000b", "\t\r\n", "a\rb\nc"}},
	{`\P{C}*`,
		[]string{"", "hello 世界", "😀", "\ufffd", "\u00a0"},
		[]string{"a\tb", "\u200b", "\u0378", "\ue000", "\ufffe", "\U0010ffff", "\u00ad"}},
	{`[^\p{Cc}]+`,
		[]string{"abc", "\u200b", "\u00a0"},
		[]string{"", "a\u0000", "\u007f", "\u0085", "\u009f"}},
	{`[\P{C}\n\r\t\f\v\p{Cf}]*`,
		[]string{"", "a\tb\r\n", "\u000b", "\u0085", "\u2028", "\u200b"},
		[]string{"\u0000", "\u0378", "\u0007", "\ue000"}},
	{`[^/][^\p{Cc}]*`,
		[]string{"abc", "a/b"},
		[]string{"/abc", "a\u0000", ""}},
	{`\A[\p{L}\p{M}\p{N}\s.,/\\:_()\[\]<>$!?'"#@%+&|^\-]*\z`,
		[]string{"Hello, world! (ok)", "e\u0301", "日本語 123", "a\u000bb", `a\b`, "[x]^|"},
		[]string{"a*b", "a;b", "a=b", "a\u00a0b", "{"}},
	{`(?i)\A(?:(?:https?://|mailto:)\S*<<\$.+?>>\S*|https?://[a-z\d.-]+\.[a-z]{2,63}(?::\d+)?(?:[/?#][^\s]*)?|mailto:[^\s@]+@[a-z\d.-]+\.[a-z]{2,63})\z`,
		[]string{"https://example.com", "HTTPS://EXAMPLE.COM/path?q=1", "http://a.io:8080/x", "mailto:someone@example.com", "MAILTO:a@b.co", "https://<<$host>>/x", "hTtP://x.Io#frag"},
		[]string{"ftp://example.com", "https://example", "https://exa mple.com", "https://example.com/ x", "https://ex\u212aample.com", "https://example.c0m", "https://<<$>>", "https://example.com\n"}},
	{`^(?!D-|d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*`,
		[]string{"abc", "Dabc", "a-b", "a--b", "D"},
		[]string{"D-abc", "d-abc", "a-", "-a", "", "abc\n", "a_b"}},
	{`^-{5}BEGIN (ENCRYPTED )?PRIVATE KEY-{5}\u000D?\u000A([A-Za-z0-9/+]{64}\u000D?\u000A)*[A-Za-z0-9/+]{1,64}={0,2}\u000D?\u000A-{5}END (ENCRYPTED )?PRIVATE KEY-{5}(\u000D?\u000A)?$`,
		[]string{key, key + "\n", key + "\r\n", strings.ReplaceAll(key, "\n", "\r\n"), strings.ReplaceAll(key, "PRIVATE", "ENCRYPTED PRIVATE")},
		[]string{key + "\n\n", key + "\r", strings.TrimPrefix(key, "-"), strings.Replace(key, "abc", "a c", 1), strings.Replace(key, "\n", "\n\n", 1)}},
	{`[A-Za-z0-9](?:[\w- ]*[A-Za-z0-9])?`,
		[]string{"a", "a b-c_d", "a-b", "Z9"},
		[]string{"a ", " a", "a_", "", "aé"}},
	{`^[^\u0000-\u00FF]$`,
		[]string{"Ā", "日", "😀"},
		[]string{"a", "ÿ", "日本", "", "日\n"}},
	{`[\s\S]*[{\[].*[}\]]\s*`,
		[]string{"{}", "x [1] \n", "a\nb{c}"},
		[]string{"{\n}", "abc", "{"}},
	{`^(https|s3)://([^/]+)/?(.*)$`,
		[]string{"s3://bucket/key", "s3://bucket", "https://h/a/b"},
		[]string{"s3:///x", "s3://b/k\n", "https://h/a\rb", "https://h/a\u2028b"}},
	{`arn:[a-z0-9-\.]{1,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[^/].{0,1023}`,
		[]string{"arn:aws:s3:::bucket", "arn:aws:quicksight:us-east-1:111122223333:dashboard/x", "arn:a::::b" + strings.Repeat("c", 1023)},
		[]string{"arn:aws:s3:::/bucket", "arn::s3:::b", "arn:a::::b" + strings.Repeat("c", 1024), "arn:a::::b\n"}},
	{`^#[A-F0-9]{6}$`,
		[]string{"#FFAA00"},
		[]string{"#ffaa00", "FFAA00", "#FFAA00\n"}},
}

// syntaxCases cover translator paths the model does not exercise today.
var syntaxCases = []matchCase{
	{`(?i)[^a]b`, []string{"cB", "Cb"}, []string{"ab", "Ab"}},
	{`(?i)[Z-a]+`, []string{"z[A_`", "Z"}, []string{"b"}},
	{`(?i)k`, []string{"k", "K"}, []string{"\u212a"}},
	{`a(?i)b|c`, []string{"aB", "C"}, []string{"Ab"}},
	{`(a(?i))a`, []string{"aa"}, []string{"aA"}},
	{`(?i:a)a`, []string{"Aa"}, []string{"aA"}},
	{`a$\n`, []string{"a\n"}, []string{"a", "a\r\n"}},
	{`a$\r?\n?`, []string{"a", "a\n", "a\r", "a\r\n"}, []string{"a\n\n"}},
	{`a\r?$\r?\n`, []string{"a\n", "a\r\n", "a\r\r\n"}, []string{"a\r\r\r\n"}},
	{`(?:a|a\r)$\n`, nil, []string{"a\r\n"}},
	{`a$\r\n`, []string{"a\r\n"}, nil},
	{`a\Z.*`, []string{"a"}, []string{"ab"}},
	{`(?:a$|b)[\r\n\u0085]*`, []string{"a", "a\r\n", "a\u0085", "b\n\n"}, []string{"a\n\n"}},
	{`(?=.*$)\S*`, []string{"ab"}, []string{"a b"}},
	{`(?s).*`, []string{"a\nb", "\r\u2028"}, nil},
	{`.*`, []string{"ab\u000b"}, []string{"a\nb", "\r", "\u0085", "\u2028"}},
	{`[]a]+`, []string{"]a]"}, []string{"b"}},
	{`[^a[b]]`, []string{"c"}, []string{"a", "b"}},
	{`[a-[bc]]+`, []string{"a-bc"}, []string{"d"}},
	{`[\w- ]+`, []string{"a- _"}, []string{"."}},
	{`\Q.*\E+`, []string{".*", ".**"}, []string{"ab", ".*.*"}},
	{`\x{1F600}\uD83D\uDE00`, []string{"😀😀"}, []string{"😀"}},
	{`\0101\cA\x41\u0041\t`, []string{"A\x01AA\t"}, nil},
	{`[\h\v]+`, []string{" \u00a0\u3000\n\u2029\u000b"}, []string{"a"}},
	{`\H\V`, []string{"ab"}, []string{" a", "a\n"}},
	{`\p{IsLatin}+\pN\p{Nd}\p{Punct}`, []string{"aé1٣!"}, []string{"aé11a"}},
	{`\p{Cn}+`, []string{"\u0378\ufffe\U0010ffff"}, []string{"a", "\u0000", "\ue000", "\u200b", ""}},
	{`\p{C}+`, []string{"\u0000\u0378\ue000\u200b"}, []string{"a", "\u00a0"}},
	{`\p{Lu}\p{IsLl}\p{gc=Lt}`, []string{"Aaǅ"}, []string{"aaǅ"}},
	{`\s\S\w\W\d\D`, []string{"\u000ba_.1x"}, []string{"\u00a0a_.1x", "\u000ba\u00e9.1x", "\u000ba_.\u0663x"}},
	{`(?>a|ab)c`, []string{"ac"}, []string{"abc"}},
	{`a*+a`, nil, []string{"aa", "a"}},
	{`a{2,3}?`, []string{"aa", "aaa"}, []string{"a", "aaaa"}},
	{`(?<=a)b|ab`, []string{"ab"}, []string{"b"}},
	{`(?<n1>x)y`, []string{"xy"}, nil},
	{`[^\s\S]`, nil, []string{"", "a"}},
	{`a|\P{all}`, []string{"a"}, []string{"", "\u0000", "b"}},
	{`[\P{all}b]`, []string{"b"}, []string{"\u0000"}},
	{`[\x00-\x{10FFFF}]`, []string{"\u0000", "\U0010ffff"}, []string{""}},
	{`^*a`, []string{"a"}, nil},
	{`\é\_\-`, []string{"é_-"}, nil},
}

func checkCases(t *testing.T, cases []matchCase) {
	for _, c := range cases {
		p, err := Compile(c.pattern)
		if err != nil {
			t.Errorf("Compile: %v", err)
			continue
		}
		for _, s := range c.yes {
			if !p.MatchString(s) {
				t.Errorf("%s: MatchString(%q) = false, want true (expr %s)", c.pattern, s, p.expr)
			}
		}
		for _, s := range c.no {
			if p.MatchString(s) {
				t.Errorf("%s: MatchString(%q) = true, want false (expr %s)", c.pattern, s, p.expr)
			}
		}
	}
}

func TestModelCases(t *testing.T)  { checkCases(t, matchCases) }
func TestSyntaxCases(t *testing.T) { checkCases(t, syntaxCases) }

func TestCompileErrors(t *testing.T) {
	for _, src := range []string{
		`\b`, `(?m)^a`, `(?x)a`, `[a&&b]`, `a{2,1}`, `a{,2}`, `a{x}`, `{`, `*a`, `a**`, `(a`, `a)`,
		`[a`, `\1`, `\k<n>`, `\p{Bogus}`, `\p{InGreek}`, `[a-\d]`, `[z-a]`, `\0`, `\xZZ`, `\x{110000}`,
		`\u12`, `(?<=a`, `\`, `\R`, `\y`, `(?<1a>x)`, `(?i)\p{Lu}`,
	} {
		if p, err := Compile(src); err == nil {
			t.Errorf("Compile(%q) succeeded (expr %s), want error", src, p.expr)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("MustCompile did not panic on an invalid pattern")
		}
	}()
	MustCompile(`(`)
}

// TestTimeoutIsNoMatch checks that catastrophic backtracking is cut off and
// reported as a non-match rather than hanging.
func TestTimeoutIsNoMatch(t *testing.T) {
	p := MustCompile(`(?=.)(a|aa)*[bc]`) // exponential for a backtracker
	if p.bt == nil {
		t.Fatal("expected the backtracking engine")
	}
	in := strings.Repeat("a", 40)
	if _, err := p.bt.MatchString(in); err == nil {
		t.Fatal("expected regexp2 to time out; the test no longer exercises the timeout")
	}
	start := time.Now()
	if p.MatchString(in) {
		t.Error("timed-out match reported as a match")
	}
	if d := time.Since(start); d > 20*matchTimeout {
		t.Errorf("took %v, want about %v", d, matchTimeout)
	}
}

// javaOracle is run with `java Oracle.java`: each stdin line is a hex UTF-8
// pattern and input separated by a tab; it answers 1 or 0 per line.
const javaOracle = `
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.regex.*;

public class Oracle {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        Map<String, Pattern> cache = new HashMap<>();
        for (String line; (line = in.readLine()) != null; ) {
            int tab = line.indexOf('\t');
            Pattern p = cache.computeIfAbsent(unhex(line.substring(0, tab)), Pattern::compile);
            out.println(p.matcher(unhex(line.substring(tab + 1))).matches() ? '1' : '0');
        }
        out.flush();
    }

    static String unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
`

// alphabet holds characters whose Unicode properties are the same in every
// recent JVM and Go release, so differential results do not depend on the
// Unicode version.
var alphabet = func() []rune {
	var rs []rune
	for r := rune(0x20); r < 0x7F; r++ {
		rs = append(rs, r)
	}
	return append(rs, []rune("\t\n\r\f\v\x00\x01\x1f\x7f\u0085\u00a0\u00ad\u00b2\u00e9\u00ff\u0100\u017f\u01c5"+
		"\u0301\u0378\u0663\u1680\u200b\u2028\u2029\u212a\u3000\u65e5\uE000\uFFFD\uFFFE\U0001F600\U0010FFFF")...)
}()

// generate builds a string that follows n's structure, so that long valid
// inputs are tried, with occasional boundary-breaking choices.
func generate(rnd *rand.Rand, n *node, b *strings.Builder) {
	switch n.kind {
	case kSet:
		var in []rune
		for _, r := range alphabet {
			if n.set.contains(r) {
				in = append(in, r)
			}
		}
		if len(in) > 0 {
			b.WriteRune(in[rnd.IntN(len(in))])
		} else if s := n.set.minus(surrogates); len(s) > 0 && len(s) <= 16 {
			r := s[rnd.IntN(len(s))]
			b.WriteRune([]rune{r.lo, r.hi}[rnd.IntN(2)])
		}
	case kSeq:
		for _, s := range n.subs {
			generate(rnd, s, b)
		}
	case kAlt:
		generate(rnd, n.subs[rnd.IntN(len(n.subs))], b)
	case kGroup, kAtomic:
		generate(rnd, n.subs[0], b)
	case kRepeat:
		count := n.min + rnd.IntN(4)
		if n.max >= 0 {
			count = min(count, n.max)
			if rnd.IntN(8) == 0 {
				count = n.max + rnd.IntN(2)
			}
		}
		for range count {
			generate(rnd, n.subs[0], b)
		}
	case kDollar:
		if rnd.IntN(4) == 0 {
			b.WriteString([]string{"\n", "\r\n", "\r", "\u0085", "\u2028"}[rnd.IntN(5)])
		}
	}
}

func mutate(rnd *rand.Rand, s string) string {
	rs := []rune(s)
	c := alphabet[rnd.IntN(len(alphabet))]
	i := rnd.IntN(len(rs) + 1)
	switch rnd.IntN(5) {
	case 0:
		return string(slices.Insert(rs, i, c))
	case 1:
		if i < len(rs) {
			return string(slices.Delete(rs, i, i+1))
		}
	case 2:
		if i < len(rs) {
			rs[i] = c
			return string(rs)
		}
	case 3:
		return s + []string{"\n", "\r\n", "\r", " ", "\u2028"}[rnd.IntN(5)]
	}
	return s + s
}

func (s runeSet) contains(r rune) bool {
	_, found := slices.BinarySearchFunc(s, r, func(x runeRange, r rune) int {
		switch {
		case x.hi < r:
			return -1
		case x.lo > r:
			return 1
		}
		return 0
	})
	return found
}

// TestAgainstJava compares MatchString with java.util.regex on the model
// patterns and the tables above, over their listed strings plus generated
// and mutated ones. It needs a JDK (11+) on PATH.
func TestAgainstJava(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test against Java skipped in -short mode")
	}
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("java not on PATH; differential test skipped")
	}
	pats := map[string][]string{}
	for _, c := range slices.Concat(matchCases, syntaxCases) {
		pats[c.pattern] = append(pats[c.pattern], slices.Concat(c.yes, c.no)...)
	}
	_, model, err := modelPatterns()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range model {
		pats[p] = append(pats[p], "")
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	type probe struct {
		p *Pattern
		s string
	}
	var probes []probe
	var input strings.Builder
	for _, src := range slices.Sorted(maps.Keys(pats)) {
		p, err := Compile(src)
		if err != nil {
			t.Errorf("Compile: %v", err)
			continue
		}
		tree, err := parse(src)
		if err != nil {
			t.Fatal(err)
		}
		strs := pats[src]
		for range 60 {
			var b strings.Builder
			generate(rnd, tree, &b)
			strs = append(strs, b.String())
		}
		for _, s := range slices.Clone(strs) {
			for range 2 {
				strs = append(strs, mutate(rnd, s))
			}
		}
		for _, s := range strs {
			probes = append(probes, probe{p, s})
			fmt.Fprintf(&input, "%x\t%x\n", src, s)
		}
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "Oracle.java")
	if err := os.WriteFile(file, []byte(javaOracle), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, file)
	cmd.Stdin = strings.NewReader(input.String())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("java: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	i, bad := 0, 0
	for ; sc.Scan(); i++ {
		if i >= len(probes) {
			break
		}
		pr := probes[i]
		want := sc.Text() == "1"
		if got := pr.p.MatchString(pr.s); got != want {
			bad++
			if bad <= 40 {
				t.Errorf("%s: MatchString(%q) = %v, Java says %v", pr.p, pr.s, got, want)
			}
		}
	}
	if i != len(probes) {
		t.Fatalf("java answered %d of %d probes", i, len(probes))
	}
	t.Logf("%d patterns, %d probes compared with Java, %d mismatches", len(pats), len(probes), bad)
}

func FuzzMatch(f *testing.F) {
	srcs := map[string]bool{}
	cases := slices.Concat(matchCases, syntaxCases)
	for _, c := range cases {
		srcs[c.pattern] = true
	}
	_, model, err := modelPatterns()
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range model {
		srcs[p] = true
	}
	sorted := slices.Sorted(maps.Keys(srcs))
	for _, c := range cases {
		i, _ := slices.BinarySearch(sorted, c.pattern)
		for _, s := range slices.Concat(c.yes, c.no) {
			f.Add(uint16(i), s)
		}
	}
	type pair struct {
		p   *Pattern
		ref *regexp2.Regexp
	}
	var pats []pair
	for _, src := range sorted {
		p := MustCompile(src)
		pr := pair{p: p}
		if p.std != nil {
			// The same translation run by the other engine is an independent
			// check that the emitted syntax means the same to both.
			re, err := compileBacktrack(p.expr)
			if err != nil {
				f.Fatalf("regexp2 rejects %s: %v", p.expr, err)
			}
			pr.ref = re
		}
		pats = append(pats, pr)
	}
	f.Fuzz(func(t *testing.T, i uint16, s string) {
		pr := pats[int(i)%len(pats)]
		got := pr.p.MatchString(s)
		if again := pr.p.MatchString(s); again != got {
			t.Fatalf("%s: MatchString(%q) not deterministic", pr.p, s)
		}
		if pr.ref != nil {
			want, err := pr.ref.MatchString(s)
			if err == nil && want != got {
				t.Fatalf("%s: MatchString(%q) = %v (regexp), regexp2 says %v; expr %s", pr.p, s, got, want, pr.p.expr)
			}
		}
	})
}

func BenchmarkUserName(b *testing.B) {
	p := MustCompile(`[\u0020-\u00FF]+`)
	for b.Loop() {
		if !p.MatchString("alice.smith@example.com") {
			b.Fatal("no match")
		}
	}
}

func BenchmarkLookaround(b *testing.B) {
	p := MustCompile(`(?=^.{2,256}$)(?!.*\s)[0-9a-zA-Z-_.:=+@]*$`)
	for b.Loop() {
		if !p.MatchString("tag-key_1:value@example") {
			b.Fatal("no match")
		}
	}
}
