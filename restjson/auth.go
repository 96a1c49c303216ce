package restjson

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Caller is who signed a request, as an Authenticator verified it.
type Caller interface {
	// Account is the account the caller acts in, and the only one.
	Account() string
	// ARN names the caller in AccessDeniedException messages.
	ARN() string
	// Admin reports whether the caller may use qslocal's own endpoints
	// that change state.
	Admin() bool
	// Region is the region the request was signed for.
	Region() string
	// Authorize returns AccessDeniedException unless the caller may
	// perform action on resource (always nil without IAM enforcement).
	Authorize(action, resource string) error
}

// Authenticator verifies a request's signature over its body and returns
// its caller; its errors are *qslocal.Error, answered with HTTP 403 as
// AWS answers failed authentication. r's URL is as the client sent it.
type Authenticator func(r *http.Request, body []byte) (Caller, error)

// authStatus is the status AWS's front door answers every authentication
// and authorization failure with (docs/behaviour.md, "Signed requests").
const authStatus = http.StatusForbidden

type callerKey struct{}

// callerOf is the verified caller of the request; nil when verification
// is off.
func callerOf(ctx context.Context) Caller {
	c, _ := ctx.Value(callerKey{}).(Caller)
	return c
}

// authenticate reads r's body through a budget (bounded by MaxBody, a
// large one waiting for a large-body slot, so that unverified callers
// cannot hold more bodies in memory than verified ones), verifies it, and
// returns r2 carrying the caller, and the budget with the body to read
// again; false when it has answered the request with an error. The
// caller of a true answer releases the budget.
func (s *Server) authenticate(w http.ResponseWriter, r, r2 *http.Request) (*http.Request, bool) {
	ctx := r2.Context()
	id := requestIDOf(r2)
	var body []byte
	var b *budget
	if r.Body != nil && r.Body != http.NoBody {
		b = s.newBudget(ctx, w, r.Body)
		var err error
		if body, err = io.ReadAll(b); err != nil {
			outcomeOf(ctx).Operation = s.routedName(r2)
			b.release()
			s.writeError(ctx, w, id, err)
			return nil, false
		}
	}
	caller, err := s.cfg.Authenticate(r, body)
	if err != nil {
		outcomeOf(ctx).Operation = s.routedName(r2)
		b.release()
		s.writeErrorStatus(ctx, w, id, err, authStatus)
		return nil, false
	}
	ctx = context.WithValue(ctx, callerKey{}, caller)
	if b != nil {
		b.body = bytes.NewReader(body)
		ctx = context.WithValue(ctx, budgetKey{}, b)
	}
	r3 := r2.WithContext(ctx)
	if body != nil {
		r3.Body = io.NopCloser(bytes.NewReader(body))
	}
	return r3, true
}

// ownAccount refuses, before anything of the request is read, a caller
// addressing another account than its own, by the account label or the
// ResourceArn of the path.
func (s *Server) ownAccount(r *http.Request, op *api.Operation) error {
	c := callerOf(r.Context())
	if c == nil {
		return nil
	}
	account := accountOf(r)
	if account == c.Account() {
		return nil
	}
	// The path alone names the resource of the message.
	in := op.NewInput()
	in.BindHTTP(r, new(shape.Validator))
	return crossAccount(c, op, resourceARN(op, in, c.Region(), account))
}

// authorize applies the rest of the caller's rights to an operation's
// decoded input, in its own account (see ownAccount): no ARN in the input
// may name another account; then its IAM policies, for the operation's
// action on its resource.
func (s *Server) authorize(ctx context.Context, op *api.Operation, in api.Input) error {
	c := callerOf(ctx)
	if c == nil {
		return nil
	}
	if other := foreignARN(reflect.ValueOf(in), c.Account()); other != "" {
		return crossAccount(c, op, other)
	}
	if op.Name == fileSelfUpgrade.Name && !c.Admin() {
		return notAdmin(c, op.Name)
	}
	return c.Authorize(action(op), resourceARN(op, in, c.Region(), c.Account()))
}

// action is the IAM action of an operation: quicksight:{Operation}.
func action(op *api.Operation) string { return "quicksight:" + op.Name }

// crossAccount is AWS's answer to a caller reaching into another account,
// where no resource policy lets it.
func crossAccount(c Caller, op *api.Operation, resource string) error {
	return &qslocal.Error{Code: qslocal.CodeAccessDenied, Message: fmt.Sprintf(
		"User: %s is not authorized to perform: %s on resource: %s because no resource-based policy allows the %s action",
		c.ARN(), action(op), resource, action(op))}
}

// idFields name a resource by the input member that identifies it, most
// specific first: the ARN type and whether it lives in a namespace.
var idFields = []struct {
	field, typ string
	namespaced bool
}{
	{"UserName", "user", true},
	{"GroupName", "group", true},
	{"AnalysisId", "analysis", false},
	{"DashboardId", "dashboard", false},
	{"DataSetId", "dataset", false},
	{"DataSourceId", "datasource", false},
	{"TemplateId", "template", false},
	{"ThemeId", "theme", false},
	{"FolderId", "folder", false},
	{"FlowId", "flow", false},
	{"TopicId", "topic", false},
	{"CustomPermissionsName", "custompermission", false},
	{"AssignmentName", "assignment", true},
}

// listed is the ARN type a List or Search operation without an id lists.
var listed = map[string]string{
	"Users": "user", "Groups": "group", "Namespaces": "namespace", "Analyses": "analysis",
	"Dashboards": "dashboard", "DataSets": "dataset", "DataSources": "datasource", "Templates": "template",
	"Themes": "theme", "Folders": "folder", "Flows": "flow", "Topics": "topic", "CustomPermissions": "custompermission",
	"IAMPolicyAssignments": "assignment",
}

// resourceARN is the ARN an operation is authorized against: the resource
// it names (by ARN, or by the id in its path or body), kind/* for a
// listing, the namespace for what belongs to one, else the account
// (docs/behaviour.md, "IAM enforcement").
func resourceARN(op *api.Operation, in api.Input, region, account string) string {
	v := reflect.ValueOf(in)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	str := func(name string) string {
		f := v.FieldByName(name)
		for f.IsValid() && f.Kind() == reflect.Pointer {
			if f.IsNil() {
				return ""
			}
			f = f.Elem()
		}
		if f.IsValid() && f.Kind() == reflect.String {
			return f.String()
		}
		return ""
	}
	if arn := str("ResourceArn"); arn != "" {
		return arn
	}
	ns := str("Namespace")
	arn := func(resource string) string {
		return qslocal.ARN{Partition: "aws", Service: "quicksight", Region: region, Account: account, Resource: resource}.String()
	}
	for _, f := range idFields {
		id := str(f.field)
		if id == "" {
			continue
		}
		if f.namespaced {
			return arn(f.typ + "/" + ns + "/" + id)
		}
		return arn(f.typ + "/" + id)
	}
	for _, prefix := range []string{"List", "Search"} {
		if typ, ok := listed[strings.TrimPrefix(op.Name, prefix)]; ok && strings.HasPrefix(op.Name, prefix) {
			if typ == "user" || typ == "group" || typ == "assignment" {
				return arn(typ + "/" + ns + "/*")
			}
			return arn(typ + "/*")
		}
	}
	if ns != "" {
		return arn("namespace/" + ns)
	}
	return arn("*")
}

// foreignARN is the first QuickSight ARN in v that names an account other
// than account, or "". Its depth is bounded by the JSON it was decoded from.
// Two kinds of ARN may name another account: QuickSight's own resources
// (account "aws": the starter themes), which every account may use, and
// templates, which their owners share with other accounts by a grant the
// service checks.
func foreignARN(v reflect.Value, account string) string {
	if !v.IsValid() {
		return ""
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return foreignARN(v.Elem(), account)
	case reflect.String:
		a, err := qslocal.ParseARN(v.String())
		if err == nil && a.Service == "quicksight" && a.Account != account && a.Account != "aws" && !strings.HasPrefix(a.Resource, "template/") {
			return v.String()
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if s := foreignARN(v.Field(i), account); s != "" {
					return s
				}
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == reflect.TypeFor[json.RawMessage]() {
			raw := v.Bytes()
			var doc any
			if json.Unmarshal(raw, &doc) == nil {
				return foreignARN(reflect.ValueOf(doc), account)
			}
			return ""
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "" // a blob
		}
		for i := range v.Len() {
			if s := foreignARN(v.Index(i), account); s != "" {
				return s
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if s := foreignARN(it.Key(), account); s != "" {
				return s
			}
			if s := foreignARN(it.Value(), account); s != "" {
				return s
			}
		}
	}
	return ""
}
