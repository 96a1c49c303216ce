package restjson

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/qslocal/qslocal/internal/shape"
)

// MaxDepth bounds how deeply a request body may nest objects and arrays.
// The model's deepest input (an analysis definition) nests 26 deep; its
// few recursive shapes (topic filters) need no more in practice.
const MaxDepth = 64

// decodeJSON reads a request body into in in one pass, the way AWS's
// parser does: member names match exactly (encoding/json would match them
// case-insensitively), unknown members and nulls are dropped, and a value
// of the wrong JSON type is reported with its member path. Text must be
// UTF-8, and no member the model knows, nor map key, may come twice in
// one object, so that what is checked is what is stored. What the decoded
// input may hold is charged to b, which refuses a body past its bounds.
func decodeJSON(r io.Reader, in any, b *budget) error {
	// jsontext's own check of repeated names would remember every name
	// of every object, ignored ones too; structure and object check
	// what they keep instead.
	d := &decoder{dec: jsontext.NewDecoder(r, jsontext.AllowDuplicateNames(true)), budget: b}
	err := d.body(reflect.ValueOf(in).Elem())
	if b.err != nil {
		// The reader's own failure (too large, cut short, cancelled)
		// comes first: the syntax error it caused says nothing.
		return b.err
	}
	return err
}

type decoder struct {
	dec    *jsontext.Decoder
	budget *budget
	// path is the member path of the value being read, kept as steps
	// and only written out for an error.
	path []step
}

// step is one member name, map key or list index of a path.
type step struct {
	name  string
	index int // a list index when name is ""
	key   bool
}

func (d *decoder) body(v reflect.Value) error {
	switch k := d.dec.PeekKind(); k {
	case '{':
	case 0:
		_, err := d.dec.ReadToken()
		if err == io.EOF {
			return nil // an empty body is an empty object
		}
		return d.fail(err)
	default:
		return invalid("The request body must be a JSON object, not " + kindName(k) + ".")
	}
	if err := d.value(v); err != nil {
		return err
	}
	if _, err := d.dec.ReadToken(); err != io.EOF {
		return invalid(fmt.Sprintf("The request body is not valid JSON: more data after the object at offset %d.", d.dec.InputOffset()))
	}
	return nil
}

var (
	timeType = reflect.TypeFor[shape.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// value reads the next JSON value into v, which is not null.
func (d *decoder) value(v reflect.Value) error {
	t := v.Type()
	kind := d.dec.PeekKind()
	if kind == 0 {
		return d.fail(d.peekErr())
	}
	switch {
	case t == rawType:
		// A document: kept as sent, once jsontext has checked it, but for
		// its whitespace.
		if err := d.checkDepth(kind); err != nil {
			return err
		}
		raw, err := d.dec.ReadValue()
		if err != nil {
			return d.fail(err)
		}
		if err := d.charge(len(raw)); err != nil {
			return err
		}
		raw = bytes.Clone(raw)
		if err := d.documentDepth(raw); err != nil {
			return err
		}
		// Without its whitespace, as every answer writes it, so that what
		// is stored is what is answered; strings and numbers stay as sent.
		doc := jsontext.Value(raw)
		if err := doc.Compact(); err != nil {
			return d.fail(err)
		}
		v.SetBytes(doc)
		return nil
	case t == timeType:
		if kind != '0' && kind != '"' {
			return d.wrong("a timestamp (epoch seconds)", kind)
		}
		raw, err := d.dec.ReadValue()
		if err != nil {
			return d.fail(err)
		}
		var tm shape.Time
		if err := tm.UnmarshalJSON(raw); errors.Is(err, shape.ErrTimeRange) {
			var val shape.Validator
			val.Add(d.pathString(), shape.Show(string(raw), false), shape.TimeRangeMessage)
			return val.Err()
		} else if err != nil {
			return d.wrong("a timestamp (epoch seconds or RFC 3339)", kind)
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		if err := d.charge(int(t.Elem().Size())); err != nil {
			return err
		}
		p := reflect.New(t.Elem())
		if err := d.value(p.Elem()); err != nil {
			return err
		}
		v.Set(p)
	case reflect.String:
		if kind != '"' {
			return d.wrong("a string", kind)
		}
		s, err := d.text()
		if err != nil {
			return err
		}
		v.SetString(s)
	case reflect.Bool:
		if kind != 't' && kind != 'f' {
			return d.wrong("a boolean", kind)
		}
		tok, err := d.dec.ReadToken()
		if err != nil {
			return d.fail(err)
		}
		v.SetBool(tok.Bool())
	case reflect.Int32, reflect.Int64:
		if kind != '0' {
			return d.wrong("an integer", kind)
		}
		raw, err := d.dec.ReadValue()
		if err != nil {
			return d.fail(err)
		}
		n, err := strconv.ParseInt(string(raw), 10, t.Bits())
		if err != nil {
			return invalid(fmt.Sprintf("Member %s must be an integer of at most %d bits, not %s.", d.pathString(), t.Bits(), shape.Show(string(raw), false)))
		}
		v.SetInt(n)
	case reflect.Float64:
		if kind != '0' {
			return d.wrong("a number", kind)
		}
		raw, err := d.dec.ReadValue()
		if err != nil {
			return d.fail(err)
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return d.wrong("a finite number", kind)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return d.blob(v, kind)
		}
		return d.list(v, kind)
	case reflect.Map:
		return d.object(v, kind)
	case reflect.Struct:
		return d.structure(v, kind)
	default:
		return fmt.Errorf("restjson: no JSON rule for Go type %s", t)
	}
	return nil
}

// text reads a string, which must not hold a NUL: no store keeps one
// faithfully (PostgreSQL refuses it).
func (d *decoder) text() (string, error) {
	tok, err := d.dec.ReadToken()
	if err != nil {
		return "", d.fail(err)
	}
	s := tok.String()
	if err := d.charge(len(s)); err != nil {
		return "", err
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", invalid(fmt.Sprintf("Member %s must not contain a NUL character.", d.pathString()))
	}
	return s, nil
}

func (d *decoder) blob(v reflect.Value, kind jsontext.Kind) error {
	if kind != '"' {
		return d.wrong("a base64 string", kind)
	}
	tok, err := d.dec.ReadToken()
	if err != nil {
		return d.fail(err)
	}
	s := tok.String()
	if err := d.charge(base64.StdEncoding.DecodedLen(len(s))); err != nil {
		return err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return invalid(fmt.Sprintf("Member %s must be base64-encoded.", d.pathString()))
	}
	v.SetBytes(b)
	return nil
}

func (d *decoder) list(v reflect.Value, kind jsontext.Kind) error {
	if kind != '[' {
		return d.wrong("an array", kind)
	}
	if err := d.open(kind); err != nil {
		return err
	}
	size := int(v.Type().Elem().Size())
	s := reflect.MakeSlice(v.Type(), 0, 0)
	for i := 0; ; i++ {
		k := d.dec.PeekKind()
		if k == ']' {
			break
		}
		d.path = append(d.path, step{index: i})
		if k == 'n' {
			return invalid(fmt.Sprintf("Member %s must not be null.", d.pathString()))
		}
		if s.Len() == s.Cap() {
			// Grown here rather than by reflect.Append, so that every
			// byte of the new array is charged before it is made.
			n := max(4, 2*s.Cap())
			if err := d.charge(n * size); err != nil {
				return err
			}
			grown := reflect.MakeSlice(v.Type(), s.Len(), n)
			reflect.Copy(grown, s)
			s = grown
		}
		s = s.Slice(0, s.Len()+1)
		if err := d.value(s.Index(s.Len() - 1)); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.fail(err)
	}
	v.Set(s)
	return nil
}

// mapEntry is what a map entry costs beyond its key and value: Go's maps
// keep a few words per slot.
const mapEntry = 16

func (d *decoder) object(v reflect.Value, kind jsontext.Kind) error {
	if kind != '{' {
		return d.wrong("an object", kind)
	}
	if err := d.open(kind); err != nil {
		return err
	}
	t := v.Type()
	m := reflect.MakeMap(t)
	for d.dec.PeekKind() != '}' {
		tok, err := d.dec.ReadToken()
		if err != nil {
			return d.fail(err)
		}
		k := tok.String()
		if err := d.charge(len(k) + int(t.Key().Size()+t.Elem().Size()) + mapEntry); err != nil {
			return err
		}
		d.path = append(d.path, step{name: k, key: true})
		if m.MapIndex(reflect.ValueOf(k)).IsValid() {
			return d.repeated()
		}
		if strings.IndexByte(k, 0) >= 0 {
			d.path = d.path[:len(d.path)-1]
			return invalid(fmt.Sprintf("Member %s must not have a key with a NUL character.", d.pathString()))
		}
		if d.dec.PeekKind() == 'n' {
			return invalid(fmt.Sprintf("Member %s must not be null.", d.pathString()))
		}
		e := reflect.New(t.Elem()).Elem()
		if err := d.value(e); err != nil {
			return err
		}
		m.SetMapIndex(reflect.ValueOf(k), e)
		d.path = d.path[:len(d.path)-1]
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.fail(err)
	}
	v.Set(m)
	return nil
}

func (d *decoder) structure(v reflect.Value, kind jsontext.Kind) error {
	if kind != '{' {
		return d.wrong("an object", kind)
	}
	if err := d.open(kind); err != nil {
		return err
	}
	fields := jsonFields(v.Type())
	var seen [maxFields / 64]uint64 // the fields read, by index
	var unquoted []byte
	for d.dec.PeekKind() != '}' {
		raw, err := d.dec.ReadValue() // the member's name, quoted
		if err != nil {
			return d.fail(err)
		}
		name := raw[1 : len(raw)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			if unquoted, err = jsontext.AppendUnquote(unquoted[:0], raw); err != nil {
				return d.fail(err)
			}
			name = unquoted
		}
		f, known := fields[string(name)]
		if !known {
			// Unknown members are ignored, as AWS does, and cost
			// nothing: they are only checked, never kept.
			if err := d.skip(); err != nil {
				return err
			}
			continue
		}
		d.path = append(d.path, step{name: f.name})
		if seen[f.index/64]&(1<<(f.index%64)) != 0 {
			return d.repeated()
		}
		seen[f.index/64] |= 1 << (f.index % 64)
		if d.dec.PeekKind() == 'n' {
			_, _ = d.dec.ReadToken() // null is absent
			d.path = d.path[:len(d.path)-1]
			continue
		}
		if err := d.value(v.Field(f.index)); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.fail(err)
	}
	return nil
}

// open reads the '{' or '[' that starts an object or array, refusing it
// past MaxDepth.
func (d *decoder) open(kind jsontext.Kind) error {
	if err := d.checkDepth(kind); err != nil {
		return err
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.fail(err)
	}
	return nil
}

func (d *decoder) checkDepth(kind jsontext.Kind) error {
	if (kind == '{' || kind == '[') && d.dec.StackDepth() >= MaxDepth {
		return invalid(fmt.Sprintf("The request body nests objects and arrays deeper than %d at offset %d.", MaxDepth, d.dec.InputOffset()))
	}
	return nil
}

// documentDepth refuses a document that nests past MaxDepth where it
// stands; jsontext read it whole, up to its own, far deeper, bound.
func (d *decoder) documentDepth(raw []byte) error {
	base := d.dec.StackDepth()
	doc := jsontext.NewDecoder(bytes.NewReader(raw), jsontext.AllowDuplicateNames(true))
	for {
		if _, err := doc.ReadToken(); err != nil {
			return nil // the end: jsontext already checked the syntax
		}
		if base+doc.StackDepth() > MaxDepth {
			return invalid(fmt.Sprintf("The request body nests objects and arrays deeper than %d at offset %d.", MaxDepth, d.dec.InputOffset()-int64(len(raw))+doc.InputOffset()))
		}
	}
}

// skip reads past the next value token by token, so that an ignored
// member is checked as strictly, and as shallowly, as a known one.
func (d *decoder) skip() error {
	depth := d.dec.StackDepth()
	for {
		if err := d.checkDepth(d.dec.PeekKind()); err != nil {
			return err
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return d.fail(err)
		}
		if d.dec.StackDepth() == depth {
			return nil
		}
	}
}

func (d *decoder) charge(n int) error { return d.budget.charge(int64(n)) }

// peekErr is the error PeekKind met (it answers 0 and keeps the error for
// the next read).
func (d *decoder) peekErr() error {
	_, err := d.dec.ReadToken()
	return err
}

// fail reports a decoder error: the reader's own failure, or where and
// why the body is not valid JSON.
func (d *decoder) fail(err error) error {
	if d.budget.err != nil {
		return d.budget.err
	}
	var se *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		return invalid(fmt.Sprintf("The request body is not valid JSON: %v at offset %d.", se.Err, se.ByteOffset))
	case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
		return invalid(fmt.Sprintf("The request body is not valid JSON: it ends early, at offset %d.", d.dec.InputOffset()))
	case err != nil:
		return invalid(fmt.Sprintf("The request body is not valid JSON: %v at offset %d.", err, d.dec.InputOffset()))
	}
	return invalid(fmt.Sprintf("The request body is not valid JSON at offset %d.", d.dec.InputOffset()))
}

// repeated refuses a member that came before in the same object: AWS's
// parser would keep one copy or the other, and qslocal's checks and store
// must not disagree on which.
func (d *decoder) repeated() error {
	return invalid(fmt.Sprintf("The request body has the member %s more than once (at offset %d).", d.pathString(), d.dec.InputOffset()))
}

func (d *decoder) wrong(want string, got jsontext.Kind) error {
	return invalid(fmt.Sprintf("Member %s must be %s, not %s.", d.pathString(), want, kindName(got)))
}

// pathString writes the path as shape's validators do:
// GrantPermissions[0].Principal, Identities["user"][1].
func (d *decoder) pathString() string {
	p := ""
	for _, s := range d.path {
		switch {
		case s.key:
			p = shape.Key(p, s.name)
		case s.name == "":
			p = shape.Index(p, s.index)
		default:
			p = shape.Join(p, s.name)
		}
	}
	return p
}

// kindName names the JSON type of a value of that kind.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case '0':
		return "a number"
	case '[':
		return "an array"
	}
	return "an object"
}

// maxFields bounds the fields of a structure decodeJSON reads; the model's
// largest has 279.
const maxFields = 512

type field struct {
	name  string
	index int
}

var fieldCache sync.Map // reflect.Type -> map[string]field

// jsonFields maps a struct's exact JSON member names to its fields.
func jsonFields(t reflect.Type) map[string]field {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]field)
	}
	if t.NumField() > maxFields {
		panic(fmt.Sprintf("restjson: %s has more than %d fields", t, maxFields))
	}
	f := map[string]field{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		f[name] = field{name: name, index: i}
	}
	fieldCache.Store(t, f)
	return f
}
