package restjson

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// ControlPrefix starts the paths of qslocal's own operations, which no AWS
// operation uses: they let test authors make what in AWS only a person in
// the QuickSight console can.
const ControlPrefix = "/_qslocal/"

// Seeder is implemented by handlers that can file self-upgrade requests
// on a user's behalf.
type Seeder interface {
	RequestSelfUpgrade(ctx context.Context, account, namespace, user, role, note string) (*api.SelfUpgradeRequestDetail, error)
}

// fileSelfUpgrade files a request as UserName, in the namespace of the
// path. It is an operation like the model's, so it is served by the same
// pipeline: decoding, text checks, validation, throttling and errors.
var fileSelfUpgrade = api.Operation{
	Name:          "FileSelfUpgradeRequest",
	Method:        http.MethodPost,
	URI:           ControlPrefix + "accounts/{AwsAccountId}/namespaces/{Namespace}/self-upgrade-requests",
	SuccessStatus: http.StatusOK,
	Errors: []string{qslocal.CodeInvalidParameterValue, qslocal.CodeResourceNotFound, qslocal.CodeConflict,
		qslocal.CodeThrottling, qslocal.CodeInternalFailure, qslocal.CodeResourceUnavailable},
	NewInput: func() api.Input { return new(selfUpgradeInput) },
	Call: func(ctx context.Context, h api.Handler, in api.Input) (api.Output, error) {
		seeder, ok := h.(Seeder)
		if !ok {
			return nil, fmt.Errorf("handler %T cannot file self-upgrade requests", h)
		}
		r := in.(*selfUpgradeInput)
		var note string
		if r.RequestNote != nil {
			note = *r.RequestNote
		}
		d, err := seeder.RequestSelfUpgrade(ctx, *r.AwsAccountId, *r.Namespace, *r.UserName, string(*r.RequestedRole), note)
		if err != nil {
			return nil, err
		}
		return &selfUpgradeOutput{SelfUpgradeRequestDetail: d}, nil
	},
}

// selfUpgradeInput is a filing: the path's account and namespace, and the
// body's user, role and note.
type selfUpgradeInput struct {
	AwsAccountId  *string       `json:"-"`
	Namespace     *string       `json:"-"`
	UserName      *string       `json:"UserName,omitzero"`
	RequestedRole *api.UserRole `json:"RequestedRole,omitzero"`
	RequestNote   *string       `json:"RequestNote,omitzero"`
}

func (in *selfUpgradeInput) BindHTTP(r *http.Request, _ *shape.Validator) {
	in.AwsAccountId = shape.Path(r, "AwsAccountId")
	in.Namespace = shape.Path(r, "Namespace")
}

// Validate applies DescribeUser's rules to the account, namespace and user,
// and requires a UserRole value.
func (in *selfUpgradeInput) Validate(v *shape.Validator) {
	who := api.DescribeUserRequest{AwsAccountId: in.AwsAccountId, Namespace: in.Namespace, UserName: in.UserName}
	who.Validate(v)
	v.Required("RequestedRole", in.RequestedRole != nil)
	if in.RequestedRole != nil {
		v.Enum("RequestedRole", string(*in.RequestedRole), api.UserRoleValues)
	}
}

type selfUpgradeOutput struct {
	SelfUpgradeRequestDetail *api.SelfUpgradeRequestDetail `json:"SelfUpgradeRequestDetail"`
	RequestId                string                        `json:"RequestId"`
}

func (out *selfUpgradeOutput) SetResponseMeta(requestID string, _ int32) { out.RequestId = requestID }

// Admin is implemented by handlers that can reset, export and import
// their whole state, for test authors and operators.
type Admin interface {
	Reset(ctx context.Context, account string) error
	Export(ctx context.Context, account string) (*qslocal.Snapshot, error)
	Import(ctx context.Context, snap *qslocal.Snapshot) error
}

// maxImport bounds a snapshot sent over HTTP (some 100,000 users): decoding
// takes several times its size in memory. --seed reads files of any size.
const maxImport = 32 << 20

// routeControl serves qslocal's own operations the handler supports.
func (s *Server) routeControl() {
	if _, ok := s.cfg.Handler.(Seeder); ok {
		s.handleOperation(fileSelfUpgrade.Method+" "+fileSelfUpgrade.URI, fileSelfUpgrade.Name, s.operation(&fileSelfUpgrade))
	}
	if a, ok := s.cfg.Handler.(Admin); ok {
		reset := func(r *http.Request) (any, error) {
			account, err := accountParam(r)
			if err != nil {
				return nil, err
			}
			if err := a.Reset(r.Context(), account); err != nil {
				return nil, err
			}
			return map[string]string{"Reset": cmp.Or(account, "all"), "RequestId": requestIDOf(r)}, nil
		}
		s.mux.Handle("POST "+ControlPrefix+"reset", s.control("Reset", reset))
		// Suites written for moto's server mode reset it here, and moto
		// answers this body.
		s.mux.Handle("POST /moto-api/reset", s.control("Reset", func(r *http.Request) (any, error) {
			if _, err := reset(r); err != nil {
				return nil, err
			}
			return map[string]string{"status": "ok"}, nil
		}))
		s.mux.Handle("GET "+ControlPrefix+"export", s.control("Export", func(r *http.Request) (any, error) {
			account, err := accountParam(r)
			if err != nil {
				return nil, err
			}
			return a.Export(r.Context(), account)
		}))
		s.mux.Handle("POST "+ControlPrefix+"import", s.control("Import", func(r *http.Request) (any, error) {
			body, err := io.ReadAll(io.LimitReader(r.Body, maxImport+1))
			if err != nil {
				return nil, invalid("The snapshot could not be read: " + err.Error())
			}
			if len(body) > maxImport {
				return nil, invalid(fmt.Sprintf("The snapshot is larger than %d bytes; load it with --seed instead.", maxImport))
			}
			snap, err := qslocal.DecodeSnapshot(body)
			if err != nil {
				return nil, err
			}
			if err := a.Import(r.Context(), snap); err != nil {
				return nil, err
			}
			return map[string]any{"Accounts": len(snap.Accounts), "RequestId": requestIDOf(r)}, nil
		}))
	}
	s.mux.Handle("GET "+ControlPrefix+"faults", s.control("GetFaults", func(*http.Request) (any, error) { return s.faults.get(), nil }))
	s.mux.Handle("PUT "+ControlPrefix+"faults", s.control("PutFaults", func(r *http.Request) (any, error) {
		body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBody+1))
		if err != nil {
			return nil, invalid("The fault rules could not be read: " + err.Error())
		}
		if int64(len(body)) > s.cfg.MaxBody {
			return nil, invalid(fmt.Sprintf("The fault rules are larger than %d bytes.", s.cfg.MaxBody))
		}
		fr, err := DecodeFaults(body)
		if err != nil {
			return nil, err
		}
		s.SetFaults(fr)
		return s.faults.get(), nil
	}))
	s.mux.Handle("DELETE "+ControlPrefix+"faults", s.control("DeleteFaults", func(*http.Request) (any, error) {
		s.SetFaults(FaultRules{})
		return s.faults.get(), nil
	}))
}

// control serves one of qslocal's own JSON endpoints: fn's result is the
// body, and its error is answered as the API's errors are.
func (s *Server) control(name string, fn func(r *http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := requestIDOf(r)
		outcomeOf(r.Context()).Operation = name
		ctx := qslocal.WithCall(r.Context(), qslocal.Call{RequestID: id, Region: signedRegion(r)})
		if err := controlRights(r, name); err != nil {
			s.writeErrorStatus(ctx, w, id, err, authStatus)
			return
		}
		out, err := fn(r.WithContext(ctx))
		if err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		outcomeOf(ctx).Status = http.StatusOK
		_, _ = w.Write(b.Bytes())
	})
}

// controlRights lets a verified caller use one of qslocal's own
// endpoints: any caller may read the fault rules; an export is the
// caller's own account's, unless it is an admin; everything else changes
// state and needs an admin. Without verification everyone may do all.
func controlRights(r *http.Request, name string) error {
	c := callerOf(r.Context())
	if c == nil || c.Admin() || name == "GetFaults" {
		return nil
	}
	if name == "Export" {
		if account, err := accountParam(r); err == nil && account == c.Account() {
			return nil
		}
		return notAdmin(c, name+" of another account than "+c.Account())
	}
	return notAdmin(c, name)
}

// notAdmin refuses a caller without admin rights, in the words of AWS's
// denials (docs/behaviour.md, "Signed requests").
func notAdmin(c Caller, what string) error {
	return &qslocal.Error{Code: qslocal.CodeAccessDenied, Message: fmt.Sprintf(
		"User: %s is not authorized to perform: qslocal:%s because only credentials with admin: true may", c.ARN(), what)}
}

// accountParam is the ?account= of a control request, checked with the
// model's rules for an account id; "" when absent.
func accountParam(r *http.Request) (string, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", invalid("The query string is not valid: " + err.Error())
	}
	account := q.Get("account")
	if account == "" {
		return "", nil
	}
	var v shape.Validator
	(&api.ListNamespacesRequest{AwsAccountId: &account}).Validate(&v)
	if err := v.Err(); err != nil {
		return "", err
	}
	outcomeOf(r.Context()).Account = account
	return account, nil
}
