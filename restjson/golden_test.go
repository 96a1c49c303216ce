package restjson_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

var update = flag.Bool("update", false, "rewrite restjson/testdata/*.golden from the current responses")

// clientRequestsFile holds requests captured from real AWS clients (see the
// README beside it).
var clientRequestsFile = filepath.Join("testdata", "client-requests", "ok.requests.jsonl")

// clientRequest is one line of ok.requests.jsonl.
type clientRequest struct {
	Client   string          `json:"client"`
	Method   string          `json:"method"`
	Target   string          `json:"target"`
	Path     string          `json:"path"`
	Query    [][]string      `json:"query"`
	Headers  [][]string      `json:"headers"`
	Body     string          `json:"body"`
	BodyJSON json.RawMessage `json:"body_json"`
}

func loadClientRequests(t *testing.T) []clientRequest {
	t.Helper()
	f, err := os.Open(clientRequestsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var reqs []clientRequest
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var cr clientRequest
		if err := json.Unmarshal(sc.Bytes(), &cr); err != nil {
			t.Fatalf("%s:%d: %v", clientRequestsFile, n, err)
		}
		reqs = append(reqs, cr)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return reqs
}

// wantInputs are the inputs every client's request must bind to, by
// operation (README: account 111122223333, namespace default).
var wantInputs = map[string]any{
	"UpdateSelfUpgrade": &api.UpdateSelfUpgradeRequest{
		AwsAccountId:     ptr(testAccount),
		Namespace:        ptr("default"),
		UpgradeRequestId: ptr("req-1"),
		Action:           ptr(api.SelfUpgradeAdminActionApprove),
	},
	"UpdateUser": &api.UpdateUserRequest{
		AwsAccountId: ptr(testAccount),
		Namespace:    ptr("default"),
		UserName:     ptr("alice"),
		Email:        ptr("alice@example.com"),
		Role:         ptr(api.UserRole("AUTHOR")),
	},
	"UpdateFlowPermissions": &api.UpdateFlowPermissionsInput{
		AwsAccountId: ptr(testAccount),
		FlowId:       ptr("0f5e6d7c-1234-4abc-9def-0123456789ab"),
		GrantPermissions: []api.Permission{{
			Principal: ptr("arn:aws:quicksight:us-east-1:111122223333:user/default/alice"),
			Actions:   []string{"quicksight:DescribeFlow"},
		}},
		// not sent: stays absent, not empty
	},
	"UpdateAnalysisPermissions": &api.UpdateAnalysisPermissionsRequest{
		AwsAccountId: ptr(testAccount),
		AnalysisId:   ptr("sales-2026"),
		GrantPermissions: []api.ResourcePermission{{
			Principal: ptr("arn:aws:quicksight:us-east-1:111122223333:group/default/analysts"),
			Actions:   []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"},
		}},
		RevokePermissions: []api.ResourcePermission{}, // sent as [] : present but empty
	},
	"UpdateIAMPolicyAssignment": &api.UpdateIAMPolicyAssignmentRequest{
		AwsAccountId:     ptr(testAccount),
		Namespace:        ptr("default"),
		AssignmentName:   ptr("analysts-policy"),
		AssignmentStatus: ptr(api.AssignmentStatus("ENABLED")),
		PolicyArn:        ptr("arn:aws:iam::111122223333:policy/QuickSightAnalysts"),
		Identities:       map[string][]string{"user": {"alice"}},
	},
}

// TestClientRequests replays what boto3, the AWS CLI, the JS SDK v3 and the
// Go SDK v2 sent, byte for byte, and checks what the handler receives and
// what the client gets back.
func TestClientRequests(t *testing.T) {
	reqs := loadClientRequests(t)
	if len(reqs) != 20 {
		t.Errorf("%s has %d requests, want 20", clientRequestsFile, len(reqs))
	}
	seen := map[string]map[string]bool{} // op -> clients
	for i, cr := range reqs {
		// Which operation the model says this is, found independently of
		// the server's router.
		var op *api.Operation
		var labels map[string]string
		for j := range api.Operations {
			o := &api.Operations[j]
			if o.Method != cr.Method {
				continue
			}
			if l, ok := matchURI(o.URI, cr.Path); ok {
				if op != nil {
					t.Fatalf("line %d: %s %s matches both %s and %s", i+1, cr.Method, cr.Path, op.Name, o.Name)
				}
				op, labels = o, l
			}
		}
		if op == nil {
			t.Fatalf("line %d: %s %s matches no operation of the model", i+1, cr.Method, cr.Path)
		}
		if seen[op.Name] == nil {
			seen[op.Name] = map[string]bool{}
		}
		seen[op.Name][cr.Client] = true

		t.Run(fmt.Sprintf("%02d_%s_%s", i+1, cr.Client, op.Name), func(t *testing.T) {
			t.Parallel()
			headers := make([][2]string, 0, len(cr.Headers))
			for _, h := range cr.Headers {
				if len(h) != 2 {
					t.Fatalf("bad header %q", h)
				}
				headers = append(headers, [2]string{h[0], h[1]})
			}
			req, err := rawRequest(cr.Method, cr.Target, headers, cr.Body)
			if err != nil {
				t.Fatalf("net/http rejects the request: %v", err)
			}
			fake := &fakeHandler{}
			r := serve(newServer(fake), req)

			if r.Status != op.SuccessStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, op.SuccessStatus, r)
			}
			id := requestIDOf(t, r)
			var body map[string]any
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("response body: %v: %s", err, r.Body)
			}
			if body["RequestId"] != id {
				t.Errorf("body RequestId = %v, want %q", body["RequestId"], id)
			}
			if _, ok := body["Status"]; ok {
				t.Errorf("Status is bound to the status line for %s, but the body has it: %s", op.Name, r.Body)
			}

			call := fake.only(t)
			if call.Op != op.Name {
				t.Fatalf("handler called for %s, want %s", call.Op, op.Name)
			}
			if call.Call.Region != testRegion {
				t.Errorf("CallFrom(ctx).Region = %q, want %q", call.Call.Region, testRegion)
			}
			if call.Call.RequestID != id {
				t.Errorf("CallFrom(ctx).RequestID = %q, want the response's %q", call.Call.RequestID, id)
			}

			// The hand-written expectation.
			if want := wantInputs[op.Name]; !reflect.DeepEqual(call.Input, want) {
				t.Errorf("input\n got %s\nwant %s", dump(call.Input), dump(want))
			}
			// Derived from the line itself: every path label bound to the
			// member of the same name, and the body members round-trip.
			in := reflect.ValueOf(call.Input).Elem()
			for label, raw := range labels {
				want, err := url.PathUnescape(raw)
				if err != nil {
					t.Fatal(err)
				}
				f := in.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, label) })
				if !f.IsValid() || f.IsNil() || f.Elem().String() != want {
					t.Errorf("label %s: member is %v, want %q", label, f, want)
				}
			}
			got, err := json.Marshal(call.Input)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, got, cr.BodyJSON) {
				t.Errorf("body members of the input\n got %s\nwant %s", got, cr.BodyJSON)
			}
		})
	}
	for op := range wantInputs {
		if clients := seen[op]; len(clients) != 4 {
			t.Errorf("%s was sent by %d clients, want boto3, cli, js and go: %v", op, len(clients), clients)
		}
	}
}

// TestEmptyListIsPresent pins the detail the SDKs rely on for
// UpdateAnalysisPermissions: RevokePermissions [] is an empty list, not an
// absent one.
func TestEmptyListIsPresent(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	h := newServer(fake)
	r := send(t, h, "PUT", "/accounts/111122223333/analyses/sales-2026/permissions",
		`{"GrantPermissions":[],"RevokePermissions":[]}`)
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r)
	}
	in := fake.only(t).Input.(*api.UpdateAnalysisPermissionsRequest)
	if in.RevokePermissions == nil || len(in.RevokePermissions) != 0 {
		t.Errorf("RevokePermissions = %#v, want present and empty", in.RevokePermissions)
	}
	if in.GrantPermissions == nil || len(in.GrantPermissions) != 0 {
		t.Errorf("GrantPermissions = %#v, want present and empty", in.GrantPermissions)
	}

	fake = &fakeHandler{}
	r = send(t, newServer(fake), "PUT", "/accounts/111122223333/analyses/sales-2026/permissions", `{}`)
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r)
	}
	in = fake.only(t).Input.(*api.UpdateAnalysisPermissionsRequest)
	if in.RevokePermissions != nil || in.GrantPermissions != nil {
		t.Errorf("absent lists bound as %#v / %#v, want nil", in.GrantPermissions, in.RevokePermissions)
	}
}

// TestGoldenResponses compares whole responses, headers and bytes, with
// testdata/*.golden. Run with -update to rewrite them after a deliberate
// change, and review the diff.
func TestGoldenResponses(t *testing.T) {
	const userPath = "/accounts/111122223333/namespaces/default/users/alice"
	const userBody = `{"Email":"alice@example.com","Role":"AUTHOR"}`
	cases := []struct {
		name   string
		fake   *fakeHandler
		method string
		target string
		body   string
	}{
		{"update_user_ok", &fakeHandler{}, "PUT", userPath, userBody},
		{"update_user_not_found", &fakeHandler{err: &qslocal.Error{
			Code:         qslocal.CodeResourceNotFound,
			Message:      "The user alice does not exist in namespace default.",
			ResourceType: qslocal.ResourceUser,
		}}, "PUT", userPath, userBody},
		{"update_user_invalid", &fakeHandler{}, "PUT", userPath, `{"Email":"alice@example.com","Role":"BOSS"}`},
		{"unknown_operation", &fakeHandler{}, "GET", "/no/such/thing", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, newServer(c.fake), c.method, c.target, c.body)
			got := formatReply(r)
			file := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./restjson -run TestGoldenResponses -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("response differs from %s (rerun with -update if the change is deliberate)\n--- got\n%s\n--- want\n%s", file, got, want)
			}
		})
	}
}

// formatReply renders a response for a golden file: status line, headers
// sorted with their exact spelling, a blank line, the body bytes.
func formatReply(r reply) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d\n", r.Status)
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("\n")
	b.Write(r.Body)
	return b.Bytes()
}

// dump shows every member of an input, path and query members included
// (their json tag is "-", so plain JSON would hide them).
func dump(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return fmt.Sprintf("%#v", v)
	}
	rv = rv.Elem()
	var b strings.Builder
	b.WriteString(rv.Type().Name() + "{")
	for i := range rv.NumField() {
		f := rv.Field(i)
		if f.IsZero() {
			continue
		}
		j, err := json.Marshal(f.Interface())
		if err != nil {
			j = []byte(fmt.Sprintf("%#v", f.Interface()))
		}
		fmt.Fprintf(&b, " %s:%s", rv.Type().Field(i).Name, j)
	}
	b.WriteString(" }")
	return b.String()
}

// jsonEqual compares two JSON texts by value.
func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}
