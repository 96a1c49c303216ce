package restjson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/qslocal/qslocal/api"
)

// slowDecode is decodeJSON without its fast path: every body goes through
// conform and back out as JSON.
func slowDecode(body []byte, in any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	pruned := false
	clean, err := conform(doc, reflect.TypeOf(in), "", &pruned)
	if err != nil {
		return err
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, in)
}

// FuzzDecodeFastPath checks that reading a body as it is, when conform
// pruned nothing, gives exactly what the round trip through conform gives.
func FuzzDecodeFastPath(f *testing.F) {
	for _, s := range []string{
		`{"Email":"a@example.com","Role":"AUTHOR","UnapplyCustomPermissions":true}`,
		`{"Email":"a","Email":"b"}`,
		`{"Email":"\ud800","Role":"READER"}`,
		`{"GrantPermissions":[{"Principal":"p","Actions":["a","b"]}],"RevokePermissions":[]}`,
		`{"Definition":{"DataSetIdentifierDeclarations":[{"Identifier":"d","DataSetArn":"x"}],"Sheets":[{"SheetId":"s"}]},"Name":"n"}`,
		`{"Tags":[{"Key":"k","Value":"v"}],"IdentityType":"QUICKSIGHT"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, mk := range []func() any{
			func() any { return new(api.UpdateUserRequest) },
			func() any { return new(api.RegisterUserRequest) },
			func() any { return new(api.UpdateAnalysisPermissionsRequest) },
			func() any { return new(api.CreateAnalysisRequest) },
		} {
			fast, slow := mk(), mk()
			errFast, errSlow := decodeJSON(body, fast), slowDecode(body, slow)
			if errFast != nil {
				continue // refused before either path decodes into the struct
			}
			if errSlow != nil || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("body %q into %T:\nfast %+v\nslow %+v (%v)", body, fast, fast, slow, errSlow)
			}
		}
	})
}
