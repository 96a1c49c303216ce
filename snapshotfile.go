package qslocal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"
)

// DecodeSnapshot reads a snapshot written as JSON or YAML. A member the
// schema does not have is an error naming its place, so that a misspelt
// name is not silently dropped.
func DecodeSnapshot(data []byte) (*Snapshot, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, invalidParameter("The snapshot is empty.")
	}
	if trimmed[0] != '{' {
		j, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, invalidParameter("The snapshot is neither JSON nor YAML: %v", err)
		}
		data = j
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		return nil, invalidParameter("The snapshot is not valid JSON: %v", err)
	}
	if _, ok := tree.(map[string]any); !ok {
		return nil, invalidParameter("The snapshot must be an object with a list of accounts: {\"accounts\": [...]}.")
	}
	if err := unknownMembers(tree, reflect.TypeFor[Snapshot](), ""); err != nil {
		return nil, err
	}
	var snap Snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, invalidParameter("%s: a %s cannot be a %s.", placeOf(te.Field), te.Value, te.Type)
		}
		return nil, invalidParameter("The snapshot cannot be read: %v", err)
	}
	return &snap, nil
}

var listIndex = regexp.MustCompile(`\.(\d+)(\.|$)`)

// placeOf writes encoding/json's dotted field path ("accounts.0.users")
// as the snapshot's errors name places ("accounts[0].users").
func placeOf(field string) string {
	for {
		p := listIndex.ReplaceAllString(field, "[$1]$2")
		if p == field {
			return p
		}
		field = p
	}
}

// unknownMembers walks a decoded JSON tree beside the Go type it will be
// decoded into and reports the first object member that type lacks.
func unknownMembers(v any, t reflect.Type, place string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			fields := map[string]reflect.Type{}
			for f := range t.Fields() {
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "" {
					name = f.Name
				}
				fields[name] = f.Type
			}
			for _, k := range sortedKeys(v) {
				ft, ok := fields[k]
				if !ok {
					return invalidParameter("%s: the snapshot schema has no member %q here.", join(place, k), k)
				}
				if err := unknownMembers(v[k], ft, join(place, k)); err != nil {
					return err
				}
			}
		case reflect.Map:
			for _, k := range sortedKeys(v) {
				if err := unknownMembers(v[k], t.Elem(), join(place, k)); err != nil {
					return err
				}
			}
		}
	case []any:
		if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
			for i, e := range v {
				if err := unknownMembers(e, t.Elem(), fmt.Sprintf("%s[%d]", place, i)); err != nil {
					return err
				}
			}
		}
	case float64:
		if t.Kind() == reflect.String {
			// encoding/json would name the member but not its place.
			return invalidParameter("%s: a number where a string belongs (in YAML, quote it).", place)
		}
	case bool:
		if t.Kind() == reflect.String {
			return invalidParameter("%s: true or false where a string belongs (in YAML, quote it).", place)
		}
	}
	return nil
}

func join(place, member string) string {
	if place == "" {
		return member
	}
	return place + "." + member
}
