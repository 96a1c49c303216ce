package qslocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Data sources are assets of dataSourceKind. qslocal connects to nothing,
// so every create and update succeeds: CREATION_IN_PROGRESS or
// UPDATE_IN_PROGRESS for the service's async delay (the kind is Async),
// then CREATION_SUCCESSFUL or UPDATE_SUCCESSFUL. What a client sends is
// kept as sent and answered as sent, except credentials: AWS never returns
// a user name or password, and neither does qslocal, which does not store
// them. Only a secret's ARN, which DataSource.SecretArn names, and the
// credential pair's AlternateDataSourceParameters, which
// DataSource.AlternateDataSourceParameters answers, are kept. Deletion is
// immediate: DeleteDataSource has no recovery window.

// DataSourceARN is the ARN of a data source: ...:datasource/{id}.
func DataSourceARN(region, account, id string) string {
	return dataSourceKind.ref(account, id).ARN(region)
}

// dataSourceMeta is a data source's asset Meta: small, and answered by
// ListDataSources, which reads no asset documents.
type dataSourceMeta struct {
	Type                          api.DataSourceType           `json:",omitempty"`
	DataSourceParameters          *api.DataSourceParameters    `json:",omitempty"`
	AlternateDataSourceParameters []api.DataSourceParameters   `json:",omitempty"`
	VpcConnectionProperties       *api.VpcConnectionProperties `json:",omitempty"`
	SslProperties                 *api.SslProperties           `json:",omitempty"`
	SecretArn                     string                       `json:",omitempty"`
}

func dataSourceMetaOf(a Asset) (dataSourceMeta, error) {
	var d dataSourceMeta
	if a.Meta == nil {
		return d, nil
	}
	if err := json.Unmarshal(a.Meta, &d); err != nil {
		return d, fmt.Errorf("data source %s: %w", a.ID, err)
	}
	return d, nil
}

func (d dataSourceMeta) encode() ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encoding a data source: %w", err)
	}
	return b, nil
}

// credentials keeps what of a request's credentials a data source answers
// later: a secret's ARN and the pair's alternate parameters. Nothing else
// of them is stored.
func (d *dataSourceMeta) credentials(c *api.DataSourceCredentials) {
	if c == nil {
		return
	}
	d.SecretArn = str(c.SecretArn)
	d.AlternateDataSourceParameters = nil
	if c.CredentialPair != nil {
		d.AlternateDataSourceParameters = c.CredentialPair.AlternateDataSourceParameters
	}
}

// CreateDataSource creates a data source with its permissions and tags.
func (s *Service) CreateDataSource(ctx context.Context, in *api.CreateDataSourceRequest) (*api.CreateDataSourceResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DataSourceId
	perms, err := dataSourceKind.change(account, "Permissions", fromResourcePermissions(in.Permissions), nil)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	d := dataSourceMeta{Type: *in.Type, DataSourceParameters: in.DataSourceParameters,
		VpcConnectionProperties: in.VpcConnectionProperties, SslProperties: in.SslProperties}
	d.credentials(in.Credentials)
	doc, err := d.encode()
	if err != nil {
		return nil, err
	}
	a := Asset{Account: account, Kind: dataSourceKind.Type, ID: id, Name: *in.Name,
		Status: string(api.ResourceStatusCreationSuccessful), CreatedAt: now, UpdatedAt: now, Meta: doc}
	err = s.update(ctx, account, func(tx Tx) error {
		if err := createAsset(ctx, tx, a, perms, tags, now); err != nil {
			return err
		}
		return addToFolders(ctx, tx, dataSourceKind.ref(account, id), api.MemberTypeDatasource, "FolderArns", in.FolderArns, now)
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateDataSourceResponse{
		Arn:            ptr(DataSourceARN(s.regionOf(ctx), account, id)),
		DataSourceId:   ptr(id),
		CreationStatus: ptr(api.ResourceStatus(s.assetStatus(a, now))),
	}, nil
}

// UpdateDataSource replaces a data source's name, parameters, VPC
// connection and SSL properties with those given (one left out is
// cleared). Its type cannot change. Credentials replace the kept ones when
// given, and are kept when not.
func (s *Service) UpdateDataSource(ctx context.Context, in *api.UpdateDataSourceRequest) (*api.UpdateDataSourceResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DataSourceId
	var a Asset
	err := s.update(ctx, account, func(tx Tx) (err error) {
		if a, err = liveAsset(ctx, tx, dataSourceKind.ref(account, id), now); err != nil {
			return err
		}
		d, err := dataSourceMetaOf(a)
		if err != nil {
			return err
		}
		d.DataSourceParameters, d.VpcConnectionProperties, d.SslProperties = in.DataSourceParameters, in.VpcConnectionProperties, in.SslProperties
		d.credentials(in.Credentials)
		if a.Meta, err = d.encode(); err != nil {
			return err
		}
		a.Name = *in.Name
		a.Status, a.UpdatedAt = string(api.ResourceStatusUpdateSuccessful), now
		return tx.UpdateAsset(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateDataSourceResponse{
		Arn:          ptr(DataSourceARN(s.regionOf(ctx), account, id)),
		DataSourceId: ptr(id),
		UpdateStatus: ptr(api.ResourceStatus(s.assetStatus(a, now))),
	}, nil
}

// DescribeDataSource describes a data source, without its permissions.
func (s *Service) DescribeDataSource(ctx context.Context, in *api.DescribeDataSourceRequest) (*api.DescribeDataSourceResponse, error) {
	a, err := s.readAsset(ctx, dataSourceKind.ref(*in.AwsAccountId, *in.DataSourceId))
	if err != nil {
		return nil, err
	}
	out, err := s.dataSourceOut(ctx, a)
	if err != nil {
		return nil, err
	}
	return &api.DescribeDataSourceResponse{DataSource: &out}, nil
}

func (s *Service) dataSourceOut(ctx context.Context, a Asset) (api.DataSource, error) {
	d, err := dataSourceMetaOf(a)
	if err != nil {
		return api.DataSource{}, err
	}
	return api.DataSource{
		Arn:                           ptr(DataSourceARN(s.regionOf(ctx), a.Account, a.ID)),
		DataSourceId:                  ptr(a.ID),
		Name:                          ptr(a.Name),
		Type:                          ptr(d.Type),
		Status:                        ptr(api.ResourceStatus(a.Status)),
		CreatedTime:                   shape.NewTime(a.CreatedAt),
		LastUpdatedTime:               shape.NewTime(a.UpdatedAt),
		DataSourceParameters:          d.DataSourceParameters,
		AlternateDataSourceParameters: d.AlternateDataSourceParameters,
		VpcConnectionProperties:       d.VpcConnectionProperties,
		SslProperties:                 d.SslProperties,
		SecretArn:                     optional(d.SecretArn),
	}, nil
}

// DeleteDataSource deletes a data source at once, with its grants and
// tags.
func (s *Service) DeleteDataSource(ctx context.Context, in *api.DeleteDataSourceRequest) (*api.DeleteDataSourceResponse, error) {
	account, id := *in.AwsAccountId, *in.DataSourceId
	if _, err := s.deleteAsset(ctx, dataSourceKind.ref(account, id), 0); err != nil {
		return nil, err
	}
	return &api.DeleteDataSourceResponse{Arn: ptr(DataSourceARN(s.regionOf(ctx), account, id)), DataSourceId: ptr(id)}, nil
}

// ListDataSources lists an account's data sources in id order, a page at a
// time.
func (s *Service) ListDataSources(ctx context.Context, in *api.ListDataSourcesRequest) (*api.ListDataSourcesResponse, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "datasources", scope: account}
	rows, next, err := s.listAssets(ctx, dataSourceKind, l, in.NextToken, in.MaxResults, everyAsset)
	if err != nil {
		return nil, err
	}
	out := make([]api.DataSource, len(rows))
	for i, a := range rows {
		if out[i], err = s.dataSourceOut(ctx, a); err != nil {
			return nil, err
		}
	}
	return &api.ListDataSourcesResponse{DataSources: out, NextToken: next}, nil
}

// dataSourceTexts are SearchDataSources's text filters.
var dataSourceTexts = map[string]func(Asset) string{string(api.DataSourceFilterAttributeDatasourceName): assetName}

// SearchDataSources finds data sources by name, or by who holds
// permissions on them directly, in id order, a page at a time.
func (s *Service) SearchDataSources(ctx context.Context, in *api.SearchDataSourcesRequest) (*api.SearchDataSourcesResponse, error) {
	account := *in.AwsAccountId
	f := in.Filters[0] // the model requires exactly one, with every member
	name, op, value := string(*f.Name), string(*f.Operator), *f.Value
	filter, err := searchFilter(account, "Filters[0]", name, op, value, dataSourceTexts)
	if err != nil {
		return nil, err
	}
	l := listing{account: account, kind: "searchdatasources", scope: account + "\x00" + name + "\x00" + op + "\x00" + value}
	rows, next, err := s.searchAssets(ctx, dataSourceKind, l, in.NextToken, in.MaxResults, []assetFilter{filter})
	if err != nil {
		return nil, err
	}
	out := make([]api.DataSourceSummary, len(rows))
	for i, a := range rows {
		d, err := dataSourceMetaOf(a)
		if err != nil {
			return nil, err
		}
		out[i] = api.DataSourceSummary{
			Arn:             ptr(DataSourceARN(s.regionOf(ctx), a.Account, a.ID)),
			DataSourceId:    ptr(a.ID),
			Name:            ptr(a.Name),
			Type:            ptr(d.Type),
			CreatedTime:     shape.NewTime(a.CreatedAt),
			LastUpdatedTime: shape.NewTime(a.UpdatedAt),
		}
	}
	return &api.SearchDataSourcesResponse{DataSourceSummaries: out, NextToken: next}, nil
}

// DescribeDataSourcePermissions lists who may do what with a data source.
func (s *Service) DescribeDataSourcePermissions(ctx context.Context, in *api.DescribeDataSourcePermissionsRequest) (*api.DescribeDataSourcePermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.DataSourceId
	grants, err := s.assetGrants(ctx, dataSourceKind.ref(account, id))
	if err != nil {
		return nil, err
	}
	return &api.DescribeDataSourcePermissionsResponse{
		DataSourceArn: ptr(DataSourceARN(s.regionOf(ctx), account, id)),
		DataSourceId:  ptr(id),
		Permissions:   s.resourcePermissionsOut(ctx, account, grants),
	}, nil
}

// UpdateDataSourcePermissions grants and revokes permissions on a data
// source in one transaction. Its answer carries no permissions, as the
// model says. The operation declares no LimitExceededException, so too
// many principals is InvalidParameterValueException here.
func (s *Service) UpdateDataSourcePermissions(ctx context.Context, in *api.UpdateDataSourcePermissionsRequest) (*api.UpdateDataSourcePermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.DataSourceId
	change, err := dataSourceKind.change(account, "GrantPermissions",
		fromResourcePermissions(in.GrantPermissions), fromResourcePermissions(in.RevokePermissions))
	if err != nil {
		return nil, err
	}
	if _, err := s.updateAssetGrants(ctx, dataSourceKind.ref(account, id), change); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == CodeLimitExceeded {
			e.Code = CodeInvalidParameterValue
		}
		return nil, err
	}
	return &api.UpdateDataSourcePermissionsResponse{
		DataSourceArn: ptr(DataSourceARN(s.regionOf(ctx), account, id)),
		DataSourceId:  ptr(id),
	}, nil
}
