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

	"github.com/qslocal/qslocal/internal/shape"
)

// decodeJSON reads a request body into in the way AWS's parser does:
// member names match exactly (encoding/json alone would match them
// case-insensitively), unknown members and nulls are dropped, and a value of
// the wrong JSON type is reported with its member path.
func decodeJSON(body []byte, in any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return invalid(fmt.Sprintf("The request body is not valid JSON: %v at offset %d.", err, syntaxOffset(err, body)))
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid(fmt.Sprintf("The request body is not valid JSON: more data after the object at offset %d.", dec.InputOffset()))
	}
	if _, ok := doc.(map[string]any); !ok {
		return invalid("The request body must be a JSON object, not " + jsonType(doc) + ".")
	}
	pruned := false
	clean, err := conform(doc, reflect.TypeOf(in), "", &pruned)
	if err != nil {
		return err
	}
	if !pruned {
		// Every member matched a field exactly and none was null, so
		// encoding/json's case-insensitive matching cannot differ: read
		// the body as it is.
		return json.Unmarshal(body, in)
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, in)
}

// syntaxOffset is where in body Decode's err lies: the offending byte of a
// syntax error, the end of a body cut short. (The Decoder's InputOffset
// stays at the start of the value it could not read.)
func syntaxOffset(err error, body []byte) int64 {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Offset - 1 // Offset counts the offending byte
	}
	return int64(len(body))
}

var (
	timeType = reflect.TypeFor[shape.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// conform checks v against Go type t and returns it without the members t
// does not have, setting *pruned when it drops any.
func conform(v any, t reflect.Type, path string, pruned *bool) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	wrong := func(want string) error {
		return invalid(fmt.Sprintf("Member %s must be %s, not %s.", path, want, jsonType(v)))
	}
	switch {
	case t == rawType:
		return v, nil
	case t == timeType:
		switch x := v.(type) {
		case json.Number:
			if _, err := x.Float64(); err != nil {
				return nil, wrong("a timestamp (epoch seconds)")
			}
			return v, nil
		case string:
			var tm shape.Time
			if tm.UnmarshalJSON(strconv.AppendQuote(nil, x)) != nil {
				return nil, wrong("a timestamp (epoch seconds or RFC 3339)")
			}
			return v, nil
		}
		return nil, wrong("a timestamp (epoch seconds)")
	}
	switch t.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return nil, wrong("a string")
		}
		if strings.ContainsRune(s, 0) {
			return nil, invalid(fmt.Sprintf("Member %s must not contain a NUL character.", path))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return nil, wrong("a boolean")
		}
	case reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, wrong("an integer")
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			return nil, invalid(fmt.Sprintf("Member %s must be an integer of at most %d bits, not %s.", path, t.Bits(), n))
		}
	case reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, wrong("a number")
		}
		if _, err := n.Float64(); err != nil {
			return nil, wrong("a finite number")
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // blob
			s, ok := v.(string)
			if !ok {
				return nil, wrong("a base64 string")
			}
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				return nil, invalid(fmt.Sprintf("Member %s must be base64-encoded.", path))
			}
			return v, nil
		}
		items, ok := v.([]any)
		if !ok {
			return nil, wrong("an array")
		}
		for i, item := range items {
			if item == nil {
				return nil, invalid(fmt.Sprintf("Member %s must not be null.", shape.Index(path, i)))
			}
			c, err := conform(item, t.Elem(), shape.Index(path, i), pruned)
			if err != nil {
				return nil, err
			}
			items[i] = c
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, wrong("an object")
		}
		for k, item := range obj {
			if item == nil {
				return nil, invalid(fmt.Sprintf("Member %s must not be null.", shape.Key(path, k)))
			}
			if strings.ContainsRune(k, 0) {
				return nil, invalid(fmt.Sprintf("Member %s must not have a key with a NUL character.", path))
			}
			c, err := conform(item, t.Elem(), shape.Key(path, k), pruned)
			if err != nil {
				return nil, err
			}
			obj[k] = c
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, wrong("an object")
		}
		fields := jsonFields(t)
		for k, item := range obj {
			ft, known := fields[k]
			if !known || item == nil {
				delete(obj, k) // unknown members are ignored; null is absent
				*pruned = true
				continue
			}
			c, err := conform(item, ft, shape.Join(path, k), pruned)
			if err != nil {
				return nil, err
			}
			obj[k] = c
		}
	default:
		return nil, fmt.Errorf("restjson: no JSON rule for Go type %s", t)
	}
	return v, nil
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// jsonFields maps a struct's exact JSON member names to their Go types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	f := map[string]reflect.Type{}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		f[name] = sf.Type
	}
	fieldCache.Store(t, f)
	return f
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	}
	return "an object"
}
