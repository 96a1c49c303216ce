package restjson

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// decodeBytes decodes body into in with the default bounds and a slot to
// spare.
func decodeBytes(body []byte, in any) error {
	b := &budget{
		ctx: context.Background(), slots: make(chan struct{}, 1),
		maxBody: DefaultMaxBody, large: DefaultLargeBody, maxDec: DefaultMaxDecoded,
		body: bytes.NewReader(body),
	}
	defer b.release()
	return decodeJSON(b, in, b)
}

// marshal encodes v as writeJSON does: <, > and & unescaped, so that a
// document comes back as sent.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// roundTripTypes are the inputs the decoder fuzz targets fill: flat,
// nested, maps of lists, timestamps, numbers, blobs and documents.
var roundTripTypes = []func() any{
	func() any { return new(api.UpdateUserRequest) },
	func() any { return new(api.RegisterUserRequest) },
	func() any { return new(api.UpdateAnalysisPermissionsRequest) },
	func() any { return new(api.CreateAnalysisRequest) },
	func() any { return new(api.CreateIAMPolicyAssignmentRequest) },
	func() any { return new(api.CreateRefreshScheduleRequest) },
	func() any { return new(api.StartAssetBundleImportJobRequest) },
	func() any { return new(api.CreateFlowRequest) },
}

// FuzzDecodeRoundTrip: whatever body the decoder accepts, its input
// written out as the answers write it (marshal) reads
// back into the same input, and writes out byte for byte the same: every
// string, number and timestamp is kept exactly.
//
//	go test ./restjson -run '^$' -fuzz FuzzDecodeRoundTrip -fuzztime 30s
func FuzzDecodeRoundTrip(f *testing.F) {
	for _, s := range []string{
		`{"Email":"a@example.com","Role":"AUTHOR","UnapplyCustomPermissions":true}`,
		`{"Email":"a","Email":"b"}`,
		`{"Email":"\ud800","Role":"READER"}`,
		`{"Email":"é\u00e9\ud83d\ude00","Role":"READER","email":5,"ROLE":{}}`,
		`{"GrantPermissions":[{"Principal":"p","Actions":["a","b"]}],"RevokePermissions":[]}`,
		`{"Definition":{"DataSetIdentifierDeclarations":[{"Identifier":"d","DataSetArn":"x"}],"Sheets":[{"SheetId":"s"}]},"Name":"n"}`,
		`{"Parameters":{"DateTimeParameters":[{"Name":"d","Values":[1700000000.123,1.7e9,-1.5]}],"DecimalParameters":[{"Name":"x","Values":[0.1,1e300,-0]}],"IntegerParameters":[{"Name":"i","Values":[9007199254740993]}]}}`,
		`{"Tags":[{"Key":"k","Value":"v"}],"IdentityType":"QUICKSIGHT"}`,
		`{"AssignmentName":"a","AssignmentStatus":"ENABLED","Identities":{"user":["alice","bob"],"group":[]}}`,
		`{"Schedule":{"ScheduleId":"s","ScheduleFrequency":{"Interval":"DAILY"},"StartAfterDateTime":"2026-11-21T10:00:00.1234Z"}}`,
		`{"AssetBundleImportJobId":"j","AssetBundleImportSource":{"Body":"aGVsbG8="}}`,
		`{"Name":"f","FlowDefinition":{"a":[1,2.50,{"b":null}],"c":"\u00e9"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, mk := range roundTripTypes {
			in := mk()
			if decodeBytes(body, in) != nil {
				continue
			}
			out, err := marshal(in)
			if err != nil {
				t.Fatalf("%T decoded from %q does not encode: %v", in, body, err)
			}
			back := mk()
			if err := decodeBytes(out, back); err != nil {
				t.Fatalf("%T: %q decoded, but its encoding %s does not: %v", in, body, out, err)
			}
			if !reflect.DeepEqual(in, back) {
				t.Fatalf("%T: %q changed on a round trip:\nfirst  %+v\nsecond %+v", in, body, in, back)
			}
			again, _ := marshal(back)
			if !bytes.Equal(out, again) {
				t.Fatalf("%T: %q wrote %s, then %s", in, body, out, again)
			}
		}
	})
}

// FuzzValidate drives the decoder and the generated validators of every
// operation: whatever body the decoder accepts, validation runs to the
// end without panicking and reports each violation with a member path
// and AWS's wording.
//
//	go test ./restjson -run '^$' -fuzz FuzzValidate -fuzztime 30s
func FuzzValidate(f *testing.F) {
	for i, s := range []string{
		`{}`,
		`{"Email":"a@example.com","Role":"GOD","UserName":"` + strings.Repeat("x", 300) + `"}`,
		`{"GrantPermissions":[{"Principal":"","Actions":[]}],"RevokePermissions":[{}]}`,
		`{"Definition":{"Sheets":[{"SheetId":"s","Visuals":[{},{}]}]},"Name":""}`,
		`{"MaxResults":0,"NextToken":"","Filters":[{"Operator":"StringLike","Name":"x","Value":""}]}`,
		`{"Tags":[{"Key":"","Value":""}],"Identities":{"user":[]}}`,
		`{"Schedule":{"ScheduleId":"s","ScheduleFrequency":{"Interval":"DAILY","RefreshOnDay":{"DayOfMonth":"40"}},"StartAfterDateTime":-62135596800}}`,
	} {
		f.Add(uint16(i*41), []byte(s))
	}
	f.Fuzz(func(t *testing.T, opIndex uint16, body []byte) {
		op := &api.Operations[int(opIndex)%len(api.Operations)]
		in := op.NewInput()
		if decodeBytes(body, in) != nil {
			return
		}
		var v shape.Validator
		in.Validate(&v)
		err := v.Err()
		if err == nil {
			return
		}
		msg := err.Error()
		if !strings.Contains(msg, "validation error") || !strings.Contains(msg, "failed to satisfy constraint: Member must") {
			t.Fatalf("%s: %q", op.Name, msg)
		}
	})
}
