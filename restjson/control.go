package restjson

import (
	"context"
	"fmt"
	"net/http"

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

// routeControl serves qslocal's own operations the handler supports.
func (s *Server) routeControl() {
	if _, ok := s.cfg.Handler.(Seeder); ok {
		s.mux.Handle(fileSelfUpgrade.Method+" "+fileSelfUpgrade.URI, s.operation(&fileSelfUpgrade))
	}
}
