package qslocal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Flows are assets of flowKind. AWS documents that CreateFlow "creates
// both a DRAFT and PUBLISHED (auto-published) version" and that UpdateFlow
// updates both: the asset itself is the draft, and every create and update
// publishes it as a version that the PUBLISHED alias points at. qslocal
// runs no flows, so RunCount is always 0.
//
// ClientToken makes CreateFlow and UpdateFlow idempotent. A create's flow
// id is derived from the account and its token, so a retried create finds
// the flow it made; an update remembers the tokens of the flow's last
// maxFlowTokens updates. The same token with the same input answers the
// first result again and changes nothing; with another input it is
// ConflictException.

// maxFlowTokens is how many update tokens a flow remembers.
const maxFlowTokens = 20

// published is the alias of a flow's published version.
var published = string(api.FlowPublishStatePublished)

// flowMeta is a flow's asset Meta.
type flowMeta struct {
	Description string `json:",omitempty"`
	// CreateDigest is the digest of the CreateFlow input that made it, when
	// that carried a ClientToken.
	CreateDigest string      `json:",omitempty"`
	Updates      []flowToken `json:",omitempty"`
}

// flowToken is an UpdateFlow's ClientToken and the digest of its input.
type flowToken struct {
	Token  string
	Digest string
}

func flowMetaOf(meta []byte) (flowMeta, error) {
	var m flowMeta
	if meta == nil {
		return m, nil
	}
	if err := json.Unmarshal(meta, &m); err != nil {
		return m, fmt.Errorf("flow meta: %w", err)
	}
	return m, nil
}

func (m flowMeta) encode() ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding flow meta: %w", err)
	}
	return b, nil
}

// FlowARN is the ARN of a flow: ...:flow/{id}.
func FlowARN(region, account, id string) string { return flowKind.ref(account, id).ARN(region) }

// flowIDFor derives the id of the flow a CreateFlow with this ClientToken
// makes in account: a UUID (version 8: made by qslocal's own rule).
func flowIDFor(account, token string) string { return nameID("flow", account, token) }

// flowDigest hashes a request's input for its ClientToken: the members
// given, and the definition in a canonical form (keys sorted, numbers as
// sent), so that equal inputs hash equal however a client spaced or
// ordered them.
func flowDigest(def json.RawMessage, members ...any) (string, error) {
	if def != nil {
		d := json.NewDecoder(bytes.NewReader(def))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			return "", fmt.Errorf("flow digest: %w", err)
		}
		members = append(members, v)
	}
	b, err := json.Marshal(members)
	if err != nil {
		return "", fmt.Errorf("flow digest: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// tokenConflict is a ClientToken used before with another input.
func tokenConflict(token, id string) *Error {
	return errorf(CodeConflict, "", "ClientToken %q was already used for flow %s with different parameters.", token, id)
}

// CreateFlow creates a flow, publishes it, and grants its permissions.
func (s *Service) CreateFlow(ctx context.Context, in *api.CreateFlowRequest) (*api.CreateFlowResponse, error) {
	now := s.now()
	account := *in.AwsAccountId
	perms, err := flowKind.change(account, "Permissions", fromPermissions(in.Permissions), nil)
	if err != nil {
		return nil, err
	}
	id, meta := s.newID(), flowMeta{Description: str(in.Description)}
	if in.ClientToken != nil {
		id = flowIDFor(account, *in.ClientToken)
		if meta.CreateDigest, err = flowDigest(in.FlowDefinition, in.Name, in.Description, in.Permissions); err != nil {
			return nil, err
		}
	}
	m, err := meta.encode()
	if err != nil {
		return nil, err
	}
	fresh := Asset{Account: account, Kind: flowKind.Type, ID: id, Name: *in.Name, Status: published,
		CreatedAt: now, UpdatedAt: now, Meta: m, Doc: in.FlowDefinition}
	var a Asset
	err = s.update(ctx, account, func(tx Tx) error {
		a = fresh // a transaction run again starts from the request
		if in.ClientToken != nil {
			old, err := tx.Asset(ctx, account, flowKind.Type, id)
			if err == nil {
				om, err := flowMetaOf(old.Meta)
				if err != nil || om.CreateDigest == meta.CreateDigest {
					return err // a retry: the flow is there
				}
				return tokenConflict(*in.ClientToken, id)
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		if err := createAsset(ctx, tx, a, perms, nil, now); err != nil {
			return err
		}
		return publish(ctx, tx, &a, published, now)
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateFlowResponse{Arn: ptr(FlowARN(s.regionOf(ctx), account, id)), FlowId: ptr(id)}, nil
}

// UpdateFlow changes the members it is given, keeps the others (a given
// FlowDefinition replaces the whole definition), and publishes the result.
func (s *Service) UpdateFlow(ctx context.Context, in *api.UpdateFlowRequest) (*api.UpdateFlowResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.FlowId
	var sum string
	if in.ClientToken != nil {
		var err error
		if sum, err = flowDigest(in.FlowDefinition, in.Name, in.Description); err != nil {
			return nil, err
		}
	}
	err := s.update(ctx, account, func(tx Tx) error {
		a, err := liveAsset(ctx, tx, flowKind.ref(account, id), now)
		if err != nil {
			return err
		}
		m, err := flowMetaOf(a.Meta)
		if err != nil {
			return err
		}
		if in.ClientToken != nil {
			i := slices.IndexFunc(m.Updates, func(t flowToken) bool { return t.Token == *in.ClientToken })
			switch {
			case i >= 0 && m.Updates[i].Digest == sum:
				return nil // a retry: already applied
			case i >= 0:
				return tokenConflict(*in.ClientToken, id)
			}
			m.Updates = append(m.Updates, flowToken{Token: *in.ClientToken, Digest: sum})
			if len(m.Updates) > maxFlowTokens {
				m.Updates = m.Updates[len(m.Updates)-maxFlowTokens:]
			}
		}
		if in.Name != nil {
			a.Name = *in.Name
		}
		if in.Description != nil {
			m.Description = *in.Description
		}
		if in.FlowDefinition != nil {
			a.Doc = in.FlowDefinition
		}
		if a.Meta, err = m.encode(); err != nil {
			return err
		}
		a.UpdatedAt = now
		return publish(ctx, tx, &a, published, now)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateFlowResponse{Arn: ptr(FlowARN(s.regionOf(ctx), account, id)), FlowId: ptr(id)}, nil
}

// DescribeFlow answers the flow's version in the state asked for: the
// draft, or the published version. No flow waits for approval in qslocal,
// so PENDING_APPROVAL is ResourceNotFoundException.
func (s *Service) DescribeFlow(ctx context.Context, in *api.DescribeFlowRequest) (*api.DescribeFlowResponse, error) {
	now := s.now()
	account, id, state := *in.AwsAccountId, *in.FlowId, *in.PublishState
	r := flowKind.ref(account, id)
	var a Asset
	err := s.view(ctx, account, func(tx Tx) (err error) {
		if a, err = lookupAsset(ctx, tx, r, now); err != nil || state == api.FlowPublishStateDraft {
			return err
		}
		v, err := aliased(ctx, tx, r, string(state))
		a.Name, a.Meta, a.Doc, a.UpdatedAt = v.Name, v.Meta, v.Doc, v.CreatedAt
		return err
	})
	if err != nil {
		return nil, err
	}
	m, err := flowMetaOf(a.Meta)
	if err != nil {
		return nil, err
	}
	return &api.DescribeFlowResponse{Flow: &api.FlowDetail{
		Arn:             ptr(FlowARN(s.regionOf(ctx), account, id)),
		FlowId:          ptr(id),
		Name:            ptr(a.Name),
		Description:     optional(m.Description),
		PublishState:    &state,
		CreatedTime:     shape.NewTime(a.CreatedAt),
		LastUpdatedTime: shape.NewTime(a.UpdatedAt),
		FlowDefinition:  a.Doc,
	}}, nil
}

// DeleteFlow deletes a flow for good, with its versions and grants.
func (s *Service) DeleteFlow(ctx context.Context, in *api.DeleteFlowRequest) (*api.DeleteFlowResponse, error) {
	if _, err := s.deleteAsset(ctx, flowKind.ref(*in.AwsAccountId, *in.FlowId), 0); err != nil {
		return nil, err
	}
	return &api.DeleteFlowResponse{}, nil
}

// ListFlows lists an account's flows in id order, a page at a time.
func (s *Service) ListFlows(ctx context.Context, in *api.ListFlowsInput) (*api.ListFlowsOutput, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "flows", scope: account}
	rows, next, err := s.listAssets(ctx, flowKind, l, in.NextToken, in.MaxResults, everyAsset)
	if err != nil {
		return nil, err
	}
	out, err := s.flowSummaries(ctx, rows)
	if err != nil {
		return nil, err
	}
	return &api.ListFlowsOutput{FlowSummaryList: out, NextToken: next}, nil
}

// flowTexts are SearchFlows's text filters.
var flowTexts = map[string]func(Asset) string{
	string(api.FieldNameAssetName): assetName,
	string(api.FieldNameAssetDescription): func(a Asset) string {
		m, _ := flowMetaOf(a.Meta) // stored by qslocal; a bad one reads as none
		return m.Description
	},
}

// SearchFlows finds flows that pass every filter: assetName and
// assetDescription compare text (StringEquals: equal; StringLike:
// contains, in any case), the DIRECT_ ownership filters take a user or
// group ARN and count only grants to it.
func (s *Service) SearchFlows(ctx context.Context, in *api.SearchFlowsInput) (*api.SearchFlowsOutput, error) {
	account := *in.AwsAccountId
	filters := make([]assetFilter, len(in.Filters))
	scope := []string{account}
	for i, f := range in.Filters {
		name, op, value := string(*f.Name), string(*f.Operator), *f.Value
		scope = append(scope, name, op, value)
		var err error
		if filters[i], err = searchFilter(account, fmt.Sprintf("Filters[%d]", i), name, op, value, flowTexts); err != nil {
			return nil, err
		}
	}
	// The scope binds NextToken to the filters; NUL cannot occur in them.
	l := listing{account: account, kind: "searchflows", scope: strings.Join(scope, "\x00")}
	rows, next, err := s.searchAssets(ctx, flowKind, l, in.NextToken, in.MaxResults, filters)
	var e *Error
	if errors.As(err, &e) && e.Code == CodeResourceNotFound {
		// An owner filter naming a user or group that does not exist:
		// SearchFlows declares no ResourceNotFoundException.
		e.Code, e.ResourceType, e.Message = CodeInvalidParameterValue, "", "Filters: "+e.Message
	}
	if err != nil {
		return nil, err
	}
	out, err := s.flowSummaries(ctx, rows)
	if err != nil {
		return nil, err
	}
	return &api.SearchFlowsOutput{FlowSummaryList: out, NextToken: next}, nil
}

func (s *Service) flowSummaries(ctx context.Context, rows []Asset) ([]api.FlowSummary, error) {
	out := make([]api.FlowSummary, len(rows))
	for i, a := range rows {
		m, err := flowMetaOf(a.Meta)
		if err != nil {
			return nil, err
		}
		out[i] = api.FlowSummary{
			Arn:             ptr(FlowARN(s.regionOf(ctx), a.Account, a.ID)),
			FlowId:          ptr(a.ID),
			Name:            ptr(a.Name),
			Description:     optional(m.Description),
			CreatedTime:     shape.NewTime(a.CreatedAt),
			LastUpdatedTime: shape.NewTime(a.UpdatedAt),
			PublishState:    ptr(api.FlowPublishState(a.Status)),
			LastPublishedAt: shape.NewTime(a.UpdatedAt),
		}
	}
	return out, nil
}

// GetFlowMetadata describes a flow with how many users can reach it.
func (s *Service) GetFlowMetadata(ctx context.Context, in *api.GetFlowMetadataInput) (*api.GetFlowMetadataOutput, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.FlowId
	r := flowKind.ref(account, id)
	var a Asset
	var users int
	err := s.view(ctx, account, func(tx Tx) (err error) {
		if a, err = lookupAsset(ctx, tx, r, now); err != nil {
			return err
		}
		grants, err := tx.Grants(ctx, account, r.Resource())
		if err != nil {
			return err
		}
		users, err = reachingUsers(ctx, tx, account, grants)
		return err
	})
	if err != nil {
		return nil, err
	}
	m, err := flowMetaOf(a.Meta)
	if err != nil {
		return nil, err
	}
	return &api.GetFlowMetadataOutput{
		Arn:             ptr(FlowARN(s.regionOf(ctx), account, id)),
		FlowId:          ptr(id),
		Name:            ptr(a.Name),
		Description:     optional(m.Description),
		PublishState:    ptr(api.FlowPublishState(a.Status)),
		UserCount:       ptr(int32(min(users, 1<<31-1))),
		RunCount:        ptr(int32(0)),
		CreatedTime:     shape.NewTime(a.CreatedAt),
		LastUpdatedTime: shape.NewTime(a.UpdatedAt),
	}, nil
}

// reachingUsers counts the distinct users that grants reach: users granted
// directly, the members of granted groups, and every user of a granted
// namespace, each once.
func reachingUsers(ctx context.Context, tx Tx, account string, grants []Grant) (int, error) {
	namespaces := map[string]bool{}
	for _, g := range grants {
		if r := refAt(account, g.Principal); r.Kind == namespaceKind {
			namespaces[r.Name] = true
		}
	}
	users := map[Ref]bool{} // outside granted namespaces
	for _, g := range grants {
		r := refAt(account, g.Principal)
		if namespaces[r.Namespace] {
			continue
		}
		switch r.Kind {
		case userKind:
			users[r] = true
		case groupKind:
			for after := ""; ; {
				names, err := tx.ListGroupMembers(ctx, account, r.Namespace, r.Name, after, defaultPageSize)
				if err != nil {
					return 0, err
				}
				for _, n := range names {
					users[Ref{Account: account, Kind: userKind, Namespace: r.Namespace, Name: n}] = true
				}
				if len(names) < defaultPageSize {
					break
				}
				after = names[len(names)-1]
			}
		}
	}
	n := len(users)
	for ns := range namespaces {
		c, err := tx.CountUsers(ctx, account, ns)
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// GetFlowPermissions lists who may do what with a flow.
func (s *Service) GetFlowPermissions(ctx context.Context, in *api.GetFlowPermissionsInput) (*api.GetFlowPermissionsOutput, error) {
	account, id := *in.AwsAccountId, *in.FlowId
	grants, err := s.assetGrants(ctx, flowKind.ref(account, id))
	if err != nil {
		return nil, err
	}
	return &api.GetFlowPermissionsOutput{
		Arn:         ptr(FlowARN(s.regionOf(ctx), account, id)),
		FlowId:      ptr(id),
		Permissions: s.permissionsOut(ctx, account, grants),
	}, nil
}

// UpdateFlowPermissions grants and revokes permissions on a flow in one
// transaction, and answers the whole resulting set. The operation declares
// no LimitExceededException, so too many principals is
// InvalidParameterValueException here.
func (s *Service) UpdateFlowPermissions(ctx context.Context, in *api.UpdateFlowPermissionsInput) (*api.UpdateFlowPermissionsOutput, error) {
	account, id := *in.AwsAccountId, *in.FlowId
	change, err := flowKind.change(account, "GrantPermissions", fromPermissions(in.GrantPermissions), fromPermissions(in.RevokePermissions))
	if err != nil {
		return nil, err
	}
	grants, err := s.updateAssetGrants(ctx, flowKind.ref(account, id), change)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == CodeLimitExceeded {
			e.Code = CodeInvalidParameterValue
		}
		return nil, err
	}
	return &api.UpdateFlowPermissionsOutput{
		Arn:         ptr(FlowARN(s.regionOf(ctx), account, id)),
		FlowId:      ptr(id),
		Permissions: s.permissionsOut(ctx, account, grants),
	}, nil
}
