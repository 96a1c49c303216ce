package restjson

import (
	"context"
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

// selfUpgradeInput is the body of a self-upgrade request filing.
type selfUpgradeInput struct {
	UserName      *string       `json:"UserName,omitzero"`
	RequestedRole *api.UserRole `json:"RequestedRole,omitzero"`
	RequestNote   *string       `json:"RequestNote,omitzero"`
}

type selfUpgradeOutput struct {
	SelfUpgradeRequestDetail *api.SelfUpgradeRequestDetail `json:"SelfUpgradeRequestDetail"`
	RequestId                string                        `json:"RequestId"`
}

// selfUpgradePath files a request as UserName, in the namespace of the
// path, like the AWS operations on self-upgrade requests.
const selfUpgradePath = ControlPrefix + "accounts/{AwsAccountId}/namespaces/{Namespace}/self-upgrade-requests"

func (s *Server) routeControl() {
	seeder, ok := s.cfg.Handler.(Seeder)
	if !ok {
		return
	}
	s.mux.HandleFunc("POST "+selfUpgradePath, func(w http.ResponseWriter, r *http.Request) {
		id := requestIDOf(r)
		ctx := qslocal.WithCall(r.Context(), qslocal.Call{RequestID: id, Region: signedRegion(r)})
		var in selfUpgradeInput
		if err := s.decodeBody(w, r, &in); err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		var v shape.Validator
		query, _ := url.ParseQuery(r.URL.RawQuery)
		checkText(&v, r, query)
		// The path labels are ListSelfUpgrades's and the user is
		// DescribeUser's: the model's rules for each apply.
		var where api.ListSelfUpgradesRequest
		where.BindHTTP(r, &v)
		who := api.DescribeUserRequest{AwsAccountId: where.AwsAccountId, Namespace: where.Namespace, UserName: in.UserName}
		who.Validate(&v)
		v.Required("RequestedRole", in.RequestedRole != nil)
		if in.RequestedRole != nil {
			v.Enum("RequestedRole", string(*in.RequestedRole), api.UserRoleValues)
		}
		if err := v.Err(); err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		var note string
		if in.RequestNote != nil {
			note = *in.RequestNote
		}
		d, err := seeder.RequestSelfUpgrade(ctx, *where.AwsAccountId, *where.Namespace, *in.UserName, string(*in.RequestedRole), note)
		if err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		s.writeJSON(ctx, w, http.StatusOK, selfUpgradeOutput{SelfUpgradeRequestDetail: d, RequestId: id})
	})
}
