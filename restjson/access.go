package restjson

import (
	"context"
	"fmt"
	"net/http"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Explorer is implemented by handlers that answer who can reach what (the
// access explorer; see qslocal's access.go).
type Explorer interface {
	UserAccess(ctx context.Context, account, namespace, userName string) ([]qslocal.AssetReach, error)
	AssetAccess(ctx context.Context, account, asset, after string, limit int) ([]qslocal.UserReach, string, error)
	// UserARN is a user's ARN as the explorer's answers write it.
	UserARN(ctx context.Context, account, namespace, userName string) string
}

// The explorer's two reads are operations like the model's, served by the
// same pipeline: a signed caller sees its own account only, and IAM
// policies authorize quicksight:DescribeUserAccess on the user and
// quicksight:DescribeAssetAccess on the asset.
var accessErrors = []string{qslocal.CodeInvalidParameterValue, qslocal.CodeResourceNotFound, qslocal.CodeInvalidNextToken,
	qslocal.CodeAccessDenied, qslocal.CodeThrottling, qslocal.CodeInternalFailure, qslocal.CodeResourceUnavailable}

var describeUserAccess = api.Operation{
	Name:          "DescribeUserAccess",
	Method:        http.MethodGet,
	URI:           ControlPrefix + "access/accounts/{AwsAccountId}/namespaces/{Namespace}/users/{UserName}",
	SuccessStatus: http.StatusOK,
	Errors:        accessErrors,
	NewInput:      func() api.Input { return new(userAccessInput) },
	Call: func(ctx context.Context, h api.Handler, in api.Input) (api.Output, error) {
		e, ok := h.(Explorer)
		if !ok {
			return nil, fmt.Errorf("handler %T has no access explorer", h)
		}
		r := in.(*userAccessInput)
		assets, err := e.UserAccess(ctx, *r.AwsAccountId, *r.Namespace, *r.UserName)
		if err != nil {
			return nil, err
		}
		if assets == nil {
			assets = []qslocal.AssetReach{}
		}
		return &userAccessOutput{User: e.UserARN(ctx, *r.AwsAccountId, *r.Namespace, *r.UserName), Assets: assets}, nil
	},
}

var describeAssetAccess = api.Operation{
	Name:          "DescribeAssetAccess",
	Method:        http.MethodGet,
	URI:           ControlPrefix + "access/accounts/{AwsAccountId}/assets",
	SuccessStatus: http.StatusOK,
	Errors:        accessErrors,
	NewInput:      func() api.Input { return new(assetAccessInput) },
	Call: func(ctx context.Context, h api.Handler, in api.Input) (api.Output, error) {
		e, ok := h.(Explorer)
		if !ok {
			return nil, fmt.Errorf("handler %T has no access explorer", h)
		}
		r := in.(*assetAccessInput)
		limit := 0
		if r.MaxResults != nil {
			limit = int(*r.MaxResults)
		}
		var after string
		if r.NextToken != nil {
			after = *r.NextToken
		}
		users, next, err := e.AssetAccess(ctx, *r.AwsAccountId, *r.ResourceArn, after, limit)
		if err != nil {
			return nil, err
		}
		if users == nil {
			users = []qslocal.UserReach{}
		}
		out := &assetAccessOutput{Asset: *r.ResourceArn, Users: users}
		if next != "" {
			out.NextToken = &next
		}
		return out, nil
	},
}

// userAccessInput is the path's account, namespace and user.
type userAccessInput struct {
	AwsAccountId *string `json:"-"`
	Namespace    *string `json:"-"`
	UserName     *string `json:"-"`
}

func (in *userAccessInput) BindHTTP(r *http.Request, _ *shape.Validator) {
	in.AwsAccountId = shape.Path(r, "AwsAccountId")
	in.Namespace = shape.Path(r, "Namespace")
	in.UserName = shape.Path(r, "UserName")
}

// Validate applies DescribeUser's rules.
func (in *userAccessInput) Validate(v *shape.Validator) {
	(&api.DescribeUserRequest{AwsAccountId: in.AwsAccountId, Namespace: in.Namespace, UserName: in.UserName}).Validate(v)
}

type userAccessOutput struct {
	User      string               `json:"User"`
	Assets    []qslocal.AssetReach `json:"Assets"`
	RequestId string               `json:"RequestId"`
}

func (out *userAccessOutput) SetResponseMeta(requestID string, _ int32) { out.RequestId = requestID }

// assetAccessInput is the path's account and the query's asset ARN (arn),
// next-token and max-results. The ARN's member is named ResourceArn, as
// the tag operations name theirs, so that IAM policies are checked on it.
type assetAccessInput struct {
	AwsAccountId *string `json:"-"`
	ResourceArn  *string `json:"-"`
	NextToken    *string `json:"-"`
	MaxResults   *int32  `json:"-"`
}

func (in *assetAccessInput) BindHTTP(r *http.Request, v *shape.Validator) {
	q := r.URL.Query()
	in.AwsAccountId = shape.Path(r, "AwsAccountId")
	in.ResourceArn = shape.Query(q, "arn")
	in.NextToken = shape.Query(q, "next-token")
	in.MaxResults = shape.QueryInt32(q, "max-results", "MaxResults", v)
}

// Validate applies ListFolders's rules to the account, token and page
// size (MaxResults 1 to 100), and ListFoldersForResource's to the ARN,
// named as the query names it.
func (in *assetAccessInput) Validate(v *shape.Validator) {
	(&api.ListFoldersRequest{AwsAccountId: in.AwsAccountId, NextToken: in.NextToken, MaxResults: in.MaxResults}).Validate(v)
	v.Required("Arn", in.ResourceArn != nil)
	if in.ResourceArn != nil {
		v.Length("Arn", *in.ResourceArn, -1, 2048, false)
	}
}

type assetAccessOutput struct {
	Asset     string              `json:"Asset"`
	Users     []qslocal.UserReach `json:"Users"`
	NextToken *string             `json:"NextToken,omitempty"`
	RequestId string              `json:"RequestId"`
}

func (out *assetAccessOutput) SetResponseMeta(requestID string, _ int32) { out.RequestId = requestID }

// routeAccess serves the explorer when the handler has one.
func (s *Server) routeAccess() {
	if _, ok := s.cfg.Handler.(Explorer); !ok {
		return
	}
	for _, op := range []*api.Operation{&describeUserAccess, &describeAssetAccess} {
		s.mux.Handle(op.Method+" "+op.URI, s.operation(op))
	}
}
