package qslocal

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
)

// Dashboards are assets of dashboardKind, versioned as templates are
// (versioned.go): every CreateDashboard and UpdateDashboard makes a new
// numbered version holding the definition it resolved to (the one sent,
// or a template's with its placeholders bound to data sets). One version
// is published: the first, then whichever UpdateDashboardPublishedVersion
// names; readers that name no version see it, as AWS documents, and it
// cannot be deleted. The published number and time live in the asset's
// Meta (versionMeta), so listings see them; the linked analyses in its Doc
// (dashboardDoc's sibling, linkedEntities). Link permissions are grants
// kept apart from the dashboard's own (Kind.LinkSharing).

// dashboardDoc is a version's document.
type dashboardDoc struct {
	Definition      *api.DashboardVersionDefinition `json:",omitempty"`
	SourceEntityArn string                          `json:",omitempty"`
	ThemeArn        string                          `json:",omitempty"`
	Parameters      *api.Parameters                 `json:",omitempty"`
	PublishOptions  *api.DashboardPublishOptions    `json:",omitempty"`
}

// linkedEntities is a dashboard's Doc: the analyses linked to it.
type linkedEntities struct {
	LinkEntities []string `json:",omitempty"`
}

// dashboardVersioned: dashboards have no aliases of their own.
var dashboardVersioned = versioned{kind: dashboardKind, arn: DashboardARN,
	published: func(a Asset) (int64, error) {
		m, err := versionMetaOf(a.Meta)
		return m.Published, err
	}}

// DashboardARN is the ARN of a dashboard: ...:dashboard/{id}.
func DashboardARN(region, account, id string) string {
	return dashboardKind.ref(account, id).ARN(region)
}

func dashboardVersionARN(region, account, id string, n int64) string {
	return DashboardARN(region, account, id) + "/version/" + strconv.FormatInt(n, 10)
}

func linkedEntitiesOf(a Asset) (linkedEntities, error) {
	var l linkedEntities
	if a.Doc != nil {
		if err := json.Unmarshal(a.Doc, &l); err != nil {
			return l, fmt.Errorf("dashboard %s: %w", a.ID, err)
		}
	}
	return l, nil
}

// resolveDashboard checks within tx what CreateDashboard or
// UpdateDashboard was given and answers the version's document.
func resolveDashboard(ctx context.Context, tx Tx, account string, src *api.DashboardSourceEntity, def *api.DashboardVersionDefinition,
	theme *string, params *api.Parameters, opts *api.DashboardPublishOptions, now time.Time) (dashboardDoc, error) {
	d := dashboardDoc{Definition: def, ThemeArn: str(theme), Parameters: params, PublishOptions: opts}
	switch {
	case (src == nil) == (def == nil):
		return d, invalidParameter("Exactly one of SourceEntity and Definition must be given.")
	case src != nil && src.SourceTemplate == nil:
		return d, invalidParameter("SourceEntity.SourceTemplate is required.")
	case src != nil:
		t := src.SourceTemplate
		out := &api.DashboardVersionDefinition{}
		decls, theme, ok, err := instantiate(ctx, tx, account, &api.AnalysisSourceTemplate{Arn: t.Arn, DataSetReferences: t.DataSetReferences}, out, now)
		if err != nil {
			return d, err
		}
		if ok {
			out.DataSetIdentifierDeclarations = decls
			d.Definition = out
		}
		// ThemeArn "overrides the value that is used in the source entity".
		d.ThemeArn = cmp.Or(d.ThemeArn, theme)
		d.SourceEntityArn = str(t.Arn)
		var refs []dataSetRef
		for i, r := range t.DataSetReferences {
			refs = append(refs, dataSetRef{Field: fmt.Sprintf("SourceEntity.SourceTemplate.DataSetReferences[%d].DataSetArn", i), ARN: str(r.DataSetArn)})
		}
		return d, checkDataSets(ctx, tx, account, refs, now)
	}
	var refs []dataSetRef
	for i, ds := range def.DataSetIdentifierDeclarations {
		refs = append(refs, dataSetRef{Field: fmt.Sprintf("Definition.DataSetIdentifierDeclarations[%d].DataSetArn", i), ARN: str(ds.DataSetArn)})
	}
	return d, checkDataSets(ctx, tx, account, refs, now)
}

// checkLinkEntities checks within tx that every linked entity is a live
// analysis of the account.
func checkLinkEntities(ctx context.Context, tx Tx, account string, arns []string, now time.Time) error {
	for i, arn := range arns {
		field := fmt.Sprintf("LinkEntities[%d]", i)
		r, err := parseRef(field, arn)
		if err != nil {
			return err
		}
		if r.Kind != analysisKind || r.Account != account {
			return invalidParameter("%s %q is not the ARN of an analysis of account %s.", field, arn, account)
		}
		_, err = liveAsset(ctx, tx, r, now)
		var e *Error
		if errors.As(err, &e) { // missing, or deleted
			return errorf(CodeResourceNotFound, "", "%s: analysis %s not found in account %s.", field, r.Name, account)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// linkChange reads link permissions to grant and revoke: AWS shares a
// dashboard by link with "all users in a namespace", so only namespaces
// may hold them, and only viewer actions.
func linkChange(account, grantList string, grant, revoke []api.ResourcePermission) (permissionChange, error) {
	g, from, err := dashboardKind.grants(account, grantList, fromResourcePermissions(grant), false)
	if err != nil {
		return permissionChange{}, err
	}
	r, _, err := dashboardKind.grants(account, "RevokeLinkPermissions", fromResourcePermissions(revoke), false)
	if err != nil {
		return permissionChange{}, err
	}
	for i, p := range g {
		if refAt(account, p.Principal).Kind != namespaceKind {
			return permissionChange{}, invalidParameter("%s[%d].Principal: link permissions are granted to a namespace, not %s.", grantList, from[i], p.Principal)
		}
		for _, a := range p.Actions {
			if !slices.Contains(dashboardKind.Viewer, a) {
				return permissionChange{}, invalidParameter("%s[%d].Actions: %s is not a viewer action; links grant only %s.",
					grantList, from[i], a, strings.Join(dashboardKind.Viewer, ", "))
			}
		}
	}
	return permissionChange{kind: dashboardKind, grant: g, revoke: r, grantList: grantList, grantFrom: from}, nil
}

// CreateDashboard creates a dashboard and publishes its first version,
// with permissions, link permissions, tags and folders.
func (s *Service) CreateDashboard(ctx context.Context, in *api.CreateDashboardRequest) (*api.CreateDashboardResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DashboardId
	perms, err := dashboardKind.change(account, "Permissions", fromResourcePermissions(in.Permissions), nil)
	if err != nil {
		return nil, err
	}
	var links permissionChange
	if in.LinkSharingConfiguration != nil {
		if links, err = linkChange(account, "LinkSharingConfiguration.Permissions", in.LinkSharingConfiguration.Permissions, nil); err != nil {
			return nil, err
		}
	}
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(linkedEntities{LinkEntities: in.LinkEntities})
	if err != nil {
		return nil, err
	}
	// A new asset's first version is 1.
	meta, err := json.Marshal(versionMeta{Published: 1, PublishedAt: now})
	if err != nil {
		return nil, err
	}
	fresh := Asset{Account: account, Kind: dashboardKind.Type, ID: id, Name: str(in.Name),
		Status: string(api.ResourceStatusCreationSuccessful), CreatedAt: now, UpdatedAt: now, Meta: meta, Doc: doc}
	var a Asset
	err = s.update(ctx, account, func(tx Tx) error {
		a = fresh // a transaction run again starts from the request
		// Created first, so a taken id is reported before what it names.
		if err := createAsset(ctx, tx, a, perms, tags, now); err != nil {
			return err
		}
		d, err := resolveDashboard(ctx, tx, account, in.SourceEntity, in.Definition, in.ThemeArn, in.Parameters, in.DashboardPublishOptions, now)
		if err != nil {
			return err
		}
		if err := checkLinkEntities(ctx, tx, account, in.LinkEntities, now); err != nil {
			return err
		}
		if in.LinkSharingConfiguration != nil {
			if _, err := links.apply(ctx, tx, account, dashboardKind.ref(account, id).linkResource()); err != nil {
				return err
			}
		}
		if err := addVersion(ctx, tx, &a, in.VersionDescription, d.SourceEntityArn, d, now); err != nil {
			return err
		}
		return addToFolders(ctx, tx, dashboardKind.ref(account, id), api.MemberTypeDashboard, "FolderArns", in.FolderArns, now)
	})
	if err != nil {
		return nil, err
	}
	region := s.regionOf(ctx)
	return &api.CreateDashboardResponse{Arn: ptr(DashboardARN(region, account, id)), VersionArn: ptr(dashboardVersionARN(region, account, id, a.Version)),
		DashboardId: ptr(id), CreationStatus: ptr(api.ResourceStatus(s.assetStatus(a, now)))}, nil
}

// UpdateDashboard makes a new version of a dashboard, which is not
// published until UpdateDashboardPublishedVersion names it.
func (s *Service) UpdateDashboard(ctx context.Context, in *api.UpdateDashboardRequest) (*api.UpdateDashboardResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DashboardId
	var a Asset
	err := s.update(ctx, account, func(tx Tx) (err error) {
		if a, err = liveAsset(ctx, tx, dashboardKind.ref(account, id), now); err != nil {
			return err
		}
		d, err := resolveDashboard(ctx, tx, account, in.SourceEntity, in.Definition, in.ThemeArn, in.Parameters, in.DashboardPublishOptions, now)
		if err != nil {
			return err
		}
		a.Name = str(in.Name)
		return addVersion(ctx, tx, &a, in.VersionDescription, d.SourceEntityArn, d, now)
	})
	if err != nil {
		return nil, err
	}
	region := s.regionOf(ctx)
	return &api.UpdateDashboardResponse{Arn: ptr(DashboardARN(region, account, id)), VersionArn: ptr(dashboardVersionARN(region, account, id, a.Version)),
		DashboardId: ptr(id), CreationStatus: ptr(api.ResourceStatus(s.assetStatus(a, now)))}, nil
}

// UpdateDashboardPublishedVersion publishes a version of a dashboard.
func (s *Service) UpdateDashboardPublishedVersion(ctx context.Context, in *api.UpdateDashboardPublishedVersionRequest) (*api.UpdateDashboardPublishedVersionResponse, error) {
	now := s.now()
	account, id, n := *in.AwsAccountId, *in.DashboardId, *in.VersionNumber
	err := s.update(ctx, account, func(tx Tx) error {
		a, err := liveAsset(ctx, tx, dashboardKind.ref(account, id), now)
		if err != nil {
			return err
		}
		if _, err := dashboardVersioned.version(ctx, tx, a, &n, nil); err != nil {
			return err
		}
		m, err := versionMetaOf(a.Meta)
		if err != nil {
			return err
		}
		m.Published, m.PublishedAt = n, now
		if a.Meta, err = json.Marshal(m); err != nil {
			return err
		}
		return tx.UpdateAsset(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateDashboardPublishedVersionResponse{DashboardId: ptr(id), DashboardArn: ptr(DashboardARN(s.regionOf(ctx), account, id))}, nil
}

// describeDashboardVersion reads a dashboard and the version named by
// number or alias, or else its published one.
func (s *Service) describeDashboardVersion(ctx context.Context, account, id string, number *int64, alias *string) (a Asset, v AssetVersion, d dashboardDoc, err error) {
	if number == nil && alias == nil {
		alias = ptr(aliasPublished)
	}
	a, v, err = s.versionNamed(ctx, dashboardVersioned, account, id, number, alias, s.now())
	if err == nil && v.Doc != nil {
		err = json.Unmarshal(v.Doc, &d)
	}
	return a, v, d, err
}

// DescribeDashboard describes a dashboard at a version named by number or
// alias ($LATEST, $PUBLISHED), or at its published version.
func (s *Service) DescribeDashboard(ctx context.Context, in *api.DescribeDashboardRequest) (*api.DescribeDashboardResponse, error) {
	account, id := *in.AwsAccountId, *in.DashboardId
	a, v, d, err := s.describeDashboardVersion(ctx, account, id, in.VersionNumber, in.AliasName)
	if err != nil {
		return nil, err
	}
	region := s.regionOf(ctx)
	m, _ := versionMetaOf(a.Meta) // stored by qslocal; a bad one reads as none
	vm, _ := versionMetaOf(v.Meta)
	linked, err := linkedEntitiesOf(a)
	if err != nil {
		return nil, err
	}
	out := &api.DashboardVersion{VersionNumber: ptr(v.Number), Arn: ptr(dashboardVersionARN(region, account, id, v.Number)),
		Description: optional(vm.Description), CreatedTime: optionalTime(v.CreatedAt), Status: s.versionStatus(v, s.now()),
		SourceEntityArn: optional(d.SourceEntityArn), ThemeArn: optional(d.ThemeArn)}
	if d.Definition != nil {
		for _, ds := range d.Definition.DataSetIdentifierDeclarations {
			out.DataSetArns = append(out.DataSetArns, str(ds.DataSetArn))
		}
		for _, sh := range d.Definition.Sheets {
			out.Sheets = append(out.Sheets, api.Sheet{SheetId: sh.SheetId, Name: sh.Name})
		}
	}
	return &api.DescribeDashboardResponse{Dashboard: &api.Dashboard{DashboardId: ptr(id), Arn: ptr(DashboardARN(region, account, id)), Name: ptr(a.Name),
		Version: out, CreatedTime: optionalTime(a.CreatedAt), LastUpdatedTime: optionalTime(a.UpdatedAt), LastPublishedTime: optionalTime(m.PublishedAt),
		LinkEntities: linked.LinkEntities}}, nil
}

// DescribeDashboardDefinition answers the definition of a dashboard's
// version: the one sent, or its template's.
func (s *Service) DescribeDashboardDefinition(ctx context.Context, in *api.DescribeDashboardDefinitionRequest) (*api.DescribeDashboardDefinitionResponse, error) {
	a, v, d, err := s.describeDashboardVersion(ctx, *in.AwsAccountId, *in.DashboardId, in.VersionNumber, in.AliasName)
	if err != nil {
		return nil, err
	}
	return &api.DescribeDashboardDefinitionResponse{DashboardId: ptr(a.ID), Name: ptr(a.Name), ResourceStatus: s.versionStatus(v, s.now()),
		ThemeArn: optional(d.ThemeArn), Definition: d.Definition, DashboardPublishOptions: d.PublishOptions}, nil
}

// DeleteDashboard deletes a dashboard with its versions, grants, tags and
// folder memberships, or with VersionNumber that one version: neither the
// published version nor the only one.
func (s *Service) DeleteDashboard(ctx context.Context, in *api.DeleteDashboardRequest) (*api.DeleteDashboardResponse, error) {
	account, id := *in.AwsAccountId, *in.DashboardId
	out := &api.DeleteDashboardResponse{Arn: ptr(DashboardARN(s.regionOf(ctx), account, id)), DashboardId: ptr(id)}
	if in.VersionNumber == nil {
		if _, err := s.deleteAsset(ctx, dashboardKind.ref(account, id), 0); err != nil {
			return nil, err
		}
		return out, nil
	}
	if err := s.deleteVersion(ctx, dashboardVersioned, account, id, *in.VersionNumber); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) dashboardSummaries(ctx context.Context, rows []Asset) []api.DashboardSummary {
	out := make([]api.DashboardSummary, len(rows))
	for i, a := range rows {
		m, _ := versionMetaOf(a.Meta)
		out[i] = api.DashboardSummary{Arn: ptr(DashboardARN(s.regionOf(ctx), a.Account, a.ID)), DashboardId: ptr(a.ID), Name: ptr(a.Name),
			CreatedTime: optionalTime(a.CreatedAt), LastUpdatedTime: optionalTime(a.UpdatedAt),
			PublishedVersionNumber: ptr(m.Published), LastPublishedTime: optionalTime(m.PublishedAt)}
	}
	return out
}

// ListDashboards lists an account's dashboards in id order.
func (s *Service) ListDashboards(ctx context.Context, in *api.ListDashboardsRequest) (*api.ListDashboardsResponse, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "dashboards", scope: account}
	rows, next, err := s.listAssets(ctx, dashboardKind, l, in.NextToken, in.MaxResults, everyAsset)
	if err != nil {
		return nil, err
	}
	return &api.ListDashboardsResponse{DashboardSummaryList: s.dashboardSummaries(ctx, rows), NextToken: next}, nil
}

// dashboardTexts are SearchDashboards's text filters.
var dashboardTexts = map[string]func(Asset) string{string(api.DashboardFilterAttributeDashboardName): assetName}

// SearchDashboards finds dashboards by name, or by who holds permissions
// on them, in id order, a page at a time.
func (s *Service) SearchDashboards(ctx context.Context, in *api.SearchDashboardsRequest) (*api.SearchDashboardsResponse, error) {
	account := *in.AwsAccountId
	f := in.Filters[0]
	if f.Name == nil || f.Operator == nil || f.Value == nil {
		return nil, invalidParameter("Filters[0]: Name, Operator and Value are all required.")
	}
	name, op, value := string(*f.Name), string(*f.Operator), *f.Value
	filter, err := searchFilter(account, "Filters[0]", name, op, value, dashboardTexts)
	if err != nil {
		return nil, err
	}
	l := listing{account: account, kind: "searchdashboards", scope: account + "/" + name + "/" + op + "/" + value}
	rows, next, err := s.searchAssets(ctx, dashboardKind, l, in.NextToken, in.MaxResults, []assetFilter{filter})
	if err != nil {
		return nil, err
	}
	return &api.SearchDashboardsResponse{DashboardSummaryList: s.dashboardSummaries(ctx, rows), NextToken: next}, nil
}

// ListDashboardVersions lists a dashboard's versions in number order.
func (s *Service) ListDashboardVersions(ctx context.Context, in *api.ListDashboardVersionsRequest) (*api.ListDashboardVersionsResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DashboardId
	rows, next, err := s.listVersions(ctx, dashboardVersioned, account, id, in.NextToken, in.MaxResults, now)
	if err != nil {
		return nil, err
	}
	out := make([]api.DashboardVersionSummary, len(rows))
	for i, v := range rows {
		m, _ := versionMetaOf(v.Meta) // stored by qslocal; a bad one reads as none
		out[i] = api.DashboardVersionSummary{VersionNumber: ptr(v.Number), Arn: ptr(dashboardVersionARN(s.regionOf(ctx), account, id, v.Number)),
			Description: optional(m.Description), CreatedTime: optionalTime(v.CreatedAt), Status: s.versionStatus(v, now),
			SourceEntityArn: optional(m.Source)}
	}
	return &api.ListDashboardVersionsResponse{DashboardVersionSummaryList: out, NextToken: next}, nil
}

// UpdateDashboardLinks replaces the analyses linked to a dashboard.
func (s *Service) UpdateDashboardLinks(ctx context.Context, in *api.UpdateDashboardLinksRequest) (*api.UpdateDashboardLinksResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DashboardId
	err := s.update(ctx, account, func(tx Tx) error {
		a, err := liveAsset(ctx, tx, dashboardKind.ref(account, id), now)
		if err != nil {
			return err
		}
		if err := checkLinkEntities(ctx, tx, account, in.LinkEntities, now); err != nil {
			return err
		}
		if a.Doc, err = json.Marshal(linkedEntities{LinkEntities: in.LinkEntities}); err != nil {
			return err
		}
		return tx.UpdateAsset(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateDashboardLinksResponse{DashboardArn: ptr(DashboardARN(s.regionOf(ctx), account, id)), LinkEntities: in.LinkEntities}, nil
}

// linkSharing answers link permissions, or nil when there are none (the
// model's list holds at least one).
func (s *Service) linkSharing(ctx context.Context, account string, grants []Grant) *api.LinkSharingConfiguration {
	if len(grants) == 0 {
		return nil
	}
	return &api.LinkSharingConfiguration{Permissions: s.resourcePermissionsOut(ctx, account, grants)}
}

// DescribeDashboardPermissions lists who may do what with a dashboard, and
// its link permissions.
func (s *Service) DescribeDashboardPermissions(ctx context.Context, in *api.DescribeDashboardPermissionsRequest) (*api.DescribeDashboardPermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.DashboardId
	r := dashboardKind.ref(account, id)
	now := s.now()
	var grants, links []Grant
	err := s.view(ctx, account, func(tx Tx) (err error) {
		if _, err = lookupAsset(ctx, tx, r, now); err != nil {
			return err
		}
		if grants, err = tx.Grants(ctx, account, r.Resource()); err != nil {
			return err
		}
		links, err = tx.Grants(ctx, account, r.linkResource())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeDashboardPermissionsResponse{DashboardId: ptr(id), DashboardArn: ptr(DashboardARN(s.regionOf(ctx), account, id)),
		Permissions: s.resourcePermissionsOut(ctx, account, grants), LinkSharingConfiguration: s.linkSharing(ctx, account, links)}, nil
}

// UpdateDashboardPermissions grants and revokes permissions and link
// permissions on a dashboard in one transaction, and answers both whole
// resulting sets.
func (s *Service) UpdateDashboardPermissions(ctx context.Context, in *api.UpdateDashboardPermissionsRequest) (*api.UpdateDashboardPermissionsResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DashboardId
	change, err := dashboardKind.change(account, "GrantPermissions",
		fromResourcePermissions(in.GrantPermissions), fromResourcePermissions(in.RevokePermissions))
	if err != nil {
		return nil, err
	}
	linkChanges, err := linkChange(account, "GrantLinkPermissions", in.GrantLinkPermissions, in.RevokeLinkPermissions)
	if err != nil {
		return nil, err
	}
	r := dashboardKind.ref(account, id)
	var grants, links []Grant
	err = s.update(ctx, account, func(tx Tx) (err error) {
		if _, err = liveAsset(ctx, tx, r, now); err != nil {
			return err
		}
		if grants, err = change.apply(ctx, tx, account, r.Resource()); err != nil {
			return err
		}
		links, err = linkChanges.apply(ctx, tx, account, r.linkResource())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateDashboardPermissionsResponse{DashboardId: ptr(id), DashboardArn: ptr(DashboardARN(s.regionOf(ctx), account, id)),
		Permissions: s.resourcePermissionsOut(ctx, account, grants), LinkSharingConfiguration: s.linkSharing(ctx, account, links)}, nil
}
