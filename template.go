package qslocal

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
)

// Templates are assets of templateKind, versioned as themes are
// (versioned.go, theme.go): every CreateTemplate and UpdateTemplate makes a
// new numbered version (AssetVersion) holding the definition it resolved
// to; aliases are AssetLinks (relAlias) to a version number; $LATEST is
// derived, and AWS documents that $PUBLISHED does not apply to templates.
// A version's definition is the Definition sent, or that of the source:
// an analysis of the account (SourceAnalysis) or a version of a template
// (SourceTemplate).

// templateDoc is a version's document: its resolved definition, the ARN of
// the entity it came from and that entity's theme.
type templateDoc struct {
	Definition      *api.TemplateVersionDefinition `json:",omitempty"`
	SourceEntityArn string                         `json:",omitempty"`
	ThemeArn        string                         `json:",omitempty"`
}

// TemplateARN is the ARN of a template: ...:template/{id}.
func TemplateARN(region, account, id string) string {
	return templateKind.ref(account, id).ARN(region)
}

func templateVersionARN(region, account, id string, n int64) string {
	return TemplateARN(region, account, id) + "/version/" + strconv.FormatInt(n, 10)
}

// templateRef reads a template ARN, or a template version's
// (.../template/ID/version/N), into the template and the version (0: the
// latest).
func templateRef(field, arn string) (Ref, int64, error) {
	var n int64
	if base, v, ok := strings.Cut(arn, "/version/"); ok {
		var err error
		if n, err = strconv.ParseInt(v, 10, 64); err != nil || n < 1 {
			return Ref{}, 0, invalidParameter("%s %q: a version ARN ends in /version/N, N from 1.", field, arn)
		}
		arn = base
	}
	r, err := parseRef(field, arn)
	if err == nil && r.Kind != templateKind {
		err = invalidParameter("%s %q is not the ARN of a template.", field, arn)
	}
	return r, n, err
}

// sharedTemplate checks within tx that account may use template r: one
// of its own, or one whose owner granted account's root
// quicksight:DescribeTemplate, as the developer guide shares templates
// across accounts. Any other is not found, so that no other account's
// templates can be probed.
func sharedTemplate(ctx context.Context, tx Tx, account, field string, r Ref) error {
	if r.Account == account {
		return nil
	}
	grants, err := tx.Grants(ctx, r.Account, r.Resource())
	if err != nil {
		return err
	}
	for _, g := range grants {
		if g.Principal == accountPrincipal+account && slices.Contains(g.Actions, "quicksight:DescribeTemplate") {
			return nil
		}
	}
	return errorf(CodeResourceNotFound, "", "%s: template %s not found in account %s, or not shared with account %s.", field, r.Name, r.Account, account)
}

// templateVersionDoc reads the document of version n (0: the latest) of a
// live template.
func templateVersionDoc(ctx context.Context, tx Tx, r Ref, n int64, now time.Time) (templateDoc, error) {
	var d templateDoc
	a, err := liveAsset(ctx, tx, r, now)
	if err != nil {
		return d, err
	}
	if n == 0 {
		n = a.Version
	}
	v, err := tx.AssetVersion(ctx, r.Account, r.Kind.Type, r.Name, n)
	if errors.Is(err, ErrNotFound) {
		return d, errorf(CodeResourceNotFound, "", "Template %s has no version %d.", r.Name, n)
	}
	if err == nil && v.Doc != nil {
		err = json.Unmarshal(v.Doc, &d)
	}
	return d, err
}

// convertDefinition copies the members an analysis's and a template's
// definitions share (all but their data set and topic declarations).
func convertDefinition(from, to any) error {
	b, err := json.Marshal(from)
	if err == nil {
		err = json.Unmarshal(b, to)
	}
	return err
}

// resolveTemplate checks within tx what CreateTemplate or UpdateTemplate
// was given and answers the version's document.
func resolveTemplate(ctx context.Context, tx Tx, account string, src *api.TemplateSourceEntity, def *api.TemplateVersionDefinition, now time.Time) (templateDoc, error) {
	var d templateDoc
	switch {
	case (src == nil) == (def == nil):
		return d, invalidParameter("Exactly one of SourceEntity and Definition must be given.")
	case def != nil:
		d.Definition = def
		return d, nil
	case (src.SourceAnalysis == nil) == (src.SourceTemplate == nil):
		return d, invalidParameter("SourceEntity: exactly one of SourceAnalysis and SourceTemplate must be given.")
	case src.SourceTemplate != nil:
		r, n, err := templateRef("SourceEntity.SourceTemplate.Arn", str(src.SourceTemplate.Arn))
		if err != nil {
			return d, err
		}
		if err := sharedTemplate(ctx, tx, account, "SourceEntity.SourceTemplate.Arn", r); err != nil {
			return d, err
		}
		d, err = templateVersionDoc(ctx, tx, r, n, now)
		d.SourceEntityArn = *src.SourceTemplate.Arn
		return d, err
	}
	field := "SourceEntity.SourceAnalysis.Arn"
	r, err := parseRef(field, str(src.SourceAnalysis.Arn))
	if err != nil {
		return d, err
	}
	if r.Kind != analysisKind || r.Account != account {
		return d, invalidParameter("%s %q is not the ARN of an analysis of account %s.", field, *src.SourceAnalysis.Arn, account)
	}
	a, err := liveAsset(ctx, tx, r, now)
	if err != nil {
		return d, err
	}
	ad, err := analysisDocOf(a)
	if err != nil {
		return d, err
	}
	d.SourceEntityArn, d.ThemeArn = *src.SourceAnalysis.Arn, ad.ThemeArn
	if ad.Definition != nil {
		d.Definition = &api.TemplateVersionDefinition{}
		if err := convertDefinition(ad.Definition, d.Definition); err != nil {
			return d, err
		}
		for _, ds := range ad.Definition.DataSetIdentifierDeclarations {
			d.Definition.DataSetConfigurations = append(d.Definition.DataSetConfigurations, api.DataSetConfiguration{Placeholder: ds.Identifier})
		}
	}
	return d, nil
}

// instantiate converts the definition of the template version src names
// into out (an analysis's or a dashboard's definition) and answers the
// declarations binding its data set placeholders to the data sets src's
// DataSetReferences name, and the template's theme, which the new asset
// takes unless its request names one. ok is false, and out untouched, for
// a template without a definition.
func instantiate(ctx context.Context, tx Tx, account string, src *api.AnalysisSourceTemplate, out any, now time.Time) (decls []api.DataSetIdentifierDeclaration, theme string, ok bool, err error) {
	r, n, err := templateRef("SourceEntity.SourceTemplate.Arn", str(src.Arn))
	if err != nil {
		return nil, "", false, err
	}
	if err := sharedTemplate(ctx, tx, account, "SourceEntity.SourceTemplate.Arn", r); err != nil {
		return nil, "", false, err
	}
	d, err := templateVersionDoc(ctx, tx, r, n, now)
	if err != nil || d.Definition == nil {
		return nil, "", false, err
	}
	if err := convertDefinition(d.Definition, out); err != nil {
		return nil, "", false, err
	}
	refs := map[string]string{}
	for _, ref := range src.DataSetReferences {
		refs[str(ref.DataSetPlaceholder)] = str(ref.DataSetArn)
	}
	for _, c := range d.Definition.DataSetConfigurations {
		arn, ok := refs[str(c.Placeholder)]
		if !ok {
			return nil, "", false, invalidParameter("SourceEntity.SourceTemplate.DataSetReferences: template %s needs a data set for placeholder %q.", r.Name, str(c.Placeholder))
		}
		decls = append(decls, api.DataSetIdentifierDeclaration{Identifier: c.Placeholder, DataSetArn: ptr(arn)})
	}
	return decls, d.ThemeArn, true, nil
}

// analysisFromTemplate is the definition of an analysis made from a
// template: the template's, its placeholders bound to the request's data
// sets; and the template's theme.
func analysisFromTemplate(ctx context.Context, tx Tx, account string, src *api.AnalysisSourceTemplate, now time.Time) (*api.AnalysisDefinition, string, error) {
	out := &api.AnalysisDefinition{}
	decls, theme, ok, err := instantiate(ctx, tx, account, src, out, now)
	if !ok {
		return nil, "", err
	}
	out.DataSetIdentifierDeclarations = decls
	return out, theme, nil
}

// fromTemplate gives an analysis document whose SourceEntity names a
// template the template's definition, which DescribeAnalysisDefinition
// then answers, and its theme unless the request named one (the model:
// ThemeArn "overrides the value that is used in the source entity").
func fromTemplate(ctx context.Context, tx Tx, account string, doc []byte, now time.Time) ([]byte, error) {
	var d analysisDoc
	if err := json.Unmarshal(doc, &d); err != nil || d.SourceEntity == nil || d.SourceEntity.SourceTemplate == nil {
		return doc, err
	}
	def, theme, err := analysisFromTemplate(ctx, tx, account, d.SourceEntity.SourceTemplate, now)
	if err != nil {
		return nil, err
	}
	d.Definition, d.ThemeArn = def, cmp.Or(d.ThemeArn, theme)
	return json.Marshal(d)
}

// describeTemplateVersion reads a live template and the version named.
func (s *Service) describeTemplateVersion(ctx context.Context, account, id string, number *int64, alias *string) (a Asset, v AssetVersion, d templateDoc, err error) {
	a, v, err = s.versionNamed(ctx, templateVersioned, account, id, number, alias, s.now())
	if err == nil && v.Doc != nil {
		err = json.Unmarshal(v.Doc, &d)
	}
	return a, v, d, err
}

// CreateTemplate creates a template and its first version, with
// permissions and tags.
func (s *Service) CreateTemplate(ctx context.Context, in *api.CreateTemplateRequest) (*api.CreateTemplateResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.TemplateId
	perms, err := templateKind.change(account, "Permissions", fromResourcePermissions(in.Permissions), nil)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	fresh := Asset{Account: account, Kind: templateKind.Type, ID: id, Name: str(in.Name),
		Status: string(api.ResourceStatusCreationSuccessful), CreatedAt: now, UpdatedAt: now}
	var a Asset
	err = s.update(ctx, account, func(tx Tx) error {
		a = fresh // a transaction run again starts from the request
		d, err := resolveTemplate(ctx, tx, account, in.SourceEntity, in.Definition, now)
		if err != nil {
			return err
		}
		if err := createAsset(ctx, tx, a, perms, tags, now); err != nil {
			return err
		}
		return addVersion(ctx, tx, &a, in.VersionDescription, d.SourceEntityArn, d, now)
	})
	if err != nil {
		return nil, err
	}
	region := s.regionOf(ctx)
	return &api.CreateTemplateResponse{Arn: ptr(TemplateARN(region, account, id)), VersionArn: ptr(templateVersionARN(region, account, id, a.Version)),
		TemplateId: ptr(id), CreationStatus: ptr(api.ResourceStatus(s.assetStatus(a, now)))}, nil
}

// UpdateTemplate makes a new version of a template; a Name left out keeps
// the template's name.
func (s *Service) UpdateTemplate(ctx context.Context, in *api.UpdateTemplateRequest) (*api.UpdateTemplateResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.TemplateId
	var a Asset
	err := s.update(ctx, account, func(tx Tx) (err error) {
		if a, err = liveAsset(ctx, tx, templateKind.ref(account, id), now); err != nil {
			return err
		}
		d, err := resolveTemplate(ctx, tx, account, in.SourceEntity, in.Definition, now)
		if err != nil {
			return err
		}
		if in.Name != nil {
			a.Name = *in.Name
		}
		return addVersion(ctx, tx, &a, in.VersionDescription, d.SourceEntityArn, d, now)
	})
	if err != nil {
		return nil, err
	}
	region := s.regionOf(ctx)
	return &api.UpdateTemplateResponse{TemplateId: ptr(id), Arn: ptr(TemplateARN(region, account, id)),
		VersionArn: ptr(templateVersionARN(region, account, id, a.Version)), CreationStatus: ptr(api.ResourceStatus(s.assetStatus(a, now)))}, nil
}

// DescribeTemplate describes a template at a version named by number or
// alias, or at its latest.
func (s *Service) DescribeTemplate(ctx context.Context, in *api.DescribeTemplateRequest) (*api.DescribeTemplateResponse, error) {
	account, id := *in.AwsAccountId, *in.TemplateId
	a, v, d, err := s.describeTemplateVersion(ctx, account, id, in.VersionNumber, in.AliasName)
	if err != nil {
		return nil, err
	}
	region := s.regionOf(ctx)
	m, _ := versionMetaOf(v.Meta) // stored by qslocal; a bad one reads as none
	out := &api.TemplateVersion{VersionNumber: ptr(v.Number), Description: optional(m.Description), CreatedTime: optionalTime(v.CreatedAt),
		Status: s.versionStatus(v, s.now()), SourceEntityArn: optional(d.SourceEntityArn), ThemeArn: optional(d.ThemeArn)}
	if d.Definition != nil {
		out.DataSetConfigurations = d.Definition.DataSetConfigurations
		for _, sh := range d.Definition.Sheets {
			out.Sheets = append(out.Sheets, api.Sheet{SheetId: sh.SheetId, Name: sh.Name})
		}
	}
	return &api.DescribeTemplateResponse{Template: &api.Template{Arn: ptr(TemplateARN(region, account, id)), Name: ptr(a.Name), TemplateId: ptr(id),
		CreatedTime: optionalTime(a.CreatedAt), LastUpdatedTime: optionalTime(a.UpdatedAt), Version: out}}, nil
}

// DescribeTemplateDefinition answers the definition of a template's
// version: the one sent, or its source's.
func (s *Service) DescribeTemplateDefinition(ctx context.Context, in *api.DescribeTemplateDefinitionRequest) (*api.DescribeTemplateDefinitionResponse, error) {
	a, v, d, err := s.describeTemplateVersion(ctx, *in.AwsAccountId, *in.TemplateId, in.VersionNumber, in.AliasName)
	if err != nil {
		return nil, err
	}
	return &api.DescribeTemplateDefinitionResponse{Name: ptr(a.Name), TemplateId: ptr(a.ID), ResourceStatus: s.versionStatus(v, s.now()),
		ThemeArn: optional(d.ThemeArn), Definition: d.Definition}, nil
}

// DeleteTemplate deletes a template with its versions, aliases, grants and
// tags, or with VersionNumber that one version, under the rules of
// DeleteTheme.
func (s *Service) DeleteTemplate(ctx context.Context, in *api.DeleteTemplateRequest) (*api.DeleteTemplateResponse, error) {
	account, id := *in.AwsAccountId, *in.TemplateId
	out := &api.DeleteTemplateResponse{Arn: ptr(TemplateARN(s.regionOf(ctx), account, id)), TemplateId: ptr(id)}
	if in.VersionNumber == nil {
		_, err := s.deleteAsset(ctx, templateKind.ref(account, id), 0)
		return out, err
	}
	if err := s.deleteVersion(ctx, templateVersioned, account, id, *in.VersionNumber); err != nil {
		return nil, err
	}
	return out, nil
}

// ListTemplates lists an account's templates in id order.
func (s *Service) ListTemplates(ctx context.Context, in *api.ListTemplatesRequest) (*api.ListTemplatesResponse, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "templates", scope: account}
	rows, next, err := s.listAssets(ctx, templateKind, l, in.NextToken, in.MaxResults, everyAsset)
	if err != nil {
		return nil, err
	}
	out := make([]api.TemplateSummary, len(rows))
	for i, a := range rows {
		out[i] = api.TemplateSummary{Arn: ptr(TemplateARN(s.regionOf(ctx), a.Account, a.ID)), TemplateId: ptr(a.ID), Name: ptr(a.Name),
			LatestVersionNumber: ptr(a.Version), CreatedTime: optionalTime(a.CreatedAt), LastUpdatedTime: optionalTime(a.UpdatedAt)}
	}
	return &api.ListTemplatesResponse{TemplateSummaryList: out, NextToken: next}, nil
}

// ListTemplateVersions lists a template's versions in number order.
func (s *Service) ListTemplateVersions(ctx context.Context, in *api.ListTemplateVersionsRequest) (*api.ListTemplateVersionsResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.TemplateId
	rows, next, err := s.listVersions(ctx, templateVersioned, account, id, in.NextToken, in.MaxResults, now)
	if err != nil {
		return nil, err
	}
	out := make([]api.TemplateVersionSummary, len(rows))
	for i, v := range rows {
		m, _ := versionMetaOf(v.Meta)
		out[i] = api.TemplateVersionSummary{VersionNumber: ptr(v.Number), Arn: ptr(templateVersionARN(s.regionOf(ctx), account, id, v.Number)),
			Description: optional(m.Description), CreatedTime: optionalTime(v.CreatedAt), Status: s.versionStatus(v, now)}
	}
	return &api.ListTemplateVersionsResponse{TemplateVersionSummaryList: out, NextToken: next}, nil
}

func (s *Service) templateAlias(ctx context.Context, account, id, alias string, n int64) *api.TemplateAlias {
	return &api.TemplateAlias{Arn: ptr(templateVersioned.aliasARN(s.regionOf(ctx), account, id, alias)), AliasName: ptr(alias), TemplateVersionNumber: ptr(n)}
}

// setTemplateAlias points alias at a version of a live template: create
// says whether the alias must be new (else it must exist).
func (s *Service) setTemplateAlias(ctx context.Context, account, id, alias string, n int64, create bool) (*api.TemplateAlias, error) {
	if err := s.setAlias(ctx, templateVersioned, account, id, alias, n, create); err != nil {
		return nil, err
	}
	return s.templateAlias(ctx, account, id, alias, n), nil
}

// CreateTemplateAlias names a version of a template.
func (s *Service) CreateTemplateAlias(ctx context.Context, in *api.CreateTemplateAliasRequest) (*api.CreateTemplateAliasResponse, error) {
	al, err := s.setTemplateAlias(ctx, *in.AwsAccountId, *in.TemplateId, *in.AliasName, *in.TemplateVersionNumber, true)
	if err != nil {
		return nil, err
	}
	return &api.CreateTemplateAliasResponse{TemplateAlias: al}, nil
}

// UpdateTemplateAlias points an alias at another version.
func (s *Service) UpdateTemplateAlias(ctx context.Context, in *api.UpdateTemplateAliasRequest) (*api.UpdateTemplateAliasResponse, error) {
	al, err := s.setTemplateAlias(ctx, *in.AwsAccountId, *in.TemplateId, *in.AliasName, *in.TemplateVersionNumber, false)
	if err != nil {
		return nil, err
	}
	return &api.UpdateTemplateAliasResponse{TemplateAlias: al}, nil
}

// DescribeTemplateAlias answers the version an alias names; $LATEST names
// the latest.
func (s *Service) DescribeTemplateAlias(ctx context.Context, in *api.DescribeTemplateAliasRequest) (*api.DescribeTemplateAliasResponse, error) {
	account, id, alias := *in.AwsAccountId, *in.TemplateId, *in.AliasName
	if alias == aliasPublished {
		// DescribeTemplateAlias declares no InvalidParameterValueException.
		return nil, errorf(CodeResourceNotFound, "", "Template %s has no alias $PUBLISHED: it does not apply to templates.", id)
	}
	_, v, _, err := s.describeTemplateVersion(ctx, account, id, nil, &alias)
	if err != nil {
		return nil, err
	}
	return &api.DescribeTemplateAliasResponse{TemplateAlias: s.templateAlias(ctx, account, id, alias, v.Number)}, nil
}

// DeleteTemplateAlias deletes an alias; the version stays.
func (s *Service) DeleteTemplateAlias(ctx context.Context, in *api.DeleteTemplateAliasRequest) (*api.DeleteTemplateAliasResponse, error) {
	account, id, alias := *in.AwsAccountId, *in.TemplateId, *in.AliasName
	if err := s.deleteAlias(ctx, templateVersioned, account, id, alias); err != nil {
		return nil, err
	}
	return &api.DeleteTemplateAliasResponse{AliasName: ptr(alias), Arn: ptr(TemplateARN(s.regionOf(ctx), account, id)), TemplateId: ptr(id)}, nil
}

// ListTemplateAliases lists a template's own aliases in name order
// ($LATEST is derived, not listed).
func (s *Service) ListTemplateAliases(ctx context.Context, in *api.ListTemplateAliasesRequest) (*api.ListTemplateAliasesResponse, error) {
	account, id := *in.AwsAccountId, *in.TemplateId
	rows, next, err := s.listAliases(ctx, templateVersioned, account, id, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := make([]api.TemplateAlias, len(rows))
	for i, al := range rows {
		out[i] = *s.templateAlias(ctx, account, id, al.Name, al.Number)
	}
	return &api.ListTemplateAliasesResponse{TemplateAliasList: out, NextToken: next}, nil
}

// DescribeTemplatePermissions lists who may do what with a template.
func (s *Service) DescribeTemplatePermissions(ctx context.Context, in *api.DescribeTemplatePermissionsRequest) (*api.DescribeTemplatePermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.TemplateId
	grants, err := s.assetGrants(ctx, templateKind.ref(account, id))
	if err != nil {
		return nil, err
	}
	return &api.DescribeTemplatePermissionsResponse{TemplateId: ptr(id), TemplateArn: ptr(TemplateARN(s.regionOf(ctx), account, id)),
		Permissions: s.resourcePermissionsOut(ctx, account, grants)}, nil
}

// UpdateTemplatePermissions grants and revokes permissions on a template
// in one transaction, and answers the whole resulting set.
func (s *Service) UpdateTemplatePermissions(ctx context.Context, in *api.UpdateTemplatePermissionsRequest) (*api.UpdateTemplatePermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.TemplateId
	change, err := templateKind.change(account, "GrantPermissions",
		fromResourcePermissions(in.GrantPermissions), fromResourcePermissions(in.RevokePermissions))
	if err != nil {
		return nil, err
	}
	grants, err := s.updateAssetGrants(ctx, templateKind.ref(account, id), change)
	if err != nil {
		return nil, err
	}
	return &api.UpdateTemplatePermissionsResponse{TemplateId: ptr(id), TemplateArn: ptr(TemplateARN(s.regionOf(ctx), account, id)),
		Permissions: s.resourcePermissionsOut(ctx, account, grants)}, nil
}
