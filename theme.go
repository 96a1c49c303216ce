package qslocal

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Themes are assets of themeKind, versioned (versioned.go). Every
// CreateTheme and UpdateTheme makes a new numbered version (AssetVersion)
// holding the name, description, BaseThemeId and Configuration it was
// given; versions are numbered from 1 and never renumbered, and
// Asset.Version is the latest one left. Aliases are AssetLinks (relAlias)
// to a version number; $LATEST is derived, never stored, and AWS documents
// that $PUBLISHED does not apply to themes.
//
// The starter themes QuickSight defines exist in every account without
// being created: they are derived here, never stored, owned by the
// account "aws" (arn:aws:quicksight::aws:theme/ID), and cannot be changed.

// builtinAccount owns the starter themes.
const builtinAccount = "aws"

// builtinThemes are QuickSight's starter themes, in id order.
var builtinThemes = []string{"CLASSIC", "MIDNIGHT", "RAINIER", "SEASIDE"}

func builtinTheme(id string) bool { return slices.Contains(builtinThemes, id) }

// themeDoc is a version's document, as sent.
type themeDoc struct {
	BaseThemeId   string
	Configuration *api.ThemeConfiguration `json:",omitempty"`
}

// ThemeARN is the ARN of a theme: ...:theme/{id}, or for a starter theme
// arn:aws:quicksight::aws:theme/{id}.
func ThemeARN(region, account, id string) string {
	if account == builtinAccount {
		region = ""
	}
	return quickSightARN(region, account, "theme/"+id)
}

func themeVersionARN(region, account, id string, n int64) string {
	return ThemeARN(region, account, id) + "/version/" + strconv.FormatInt(n, 10)
}

// refuseBuiltin refuses changing a starter theme.
func refuseBuiltin(id, what string) error {
	if builtinTheme(id) {
		return invalidParameter("Theme %s is a starter theme owned by QuickSight; its %s cannot be changed.", id, what)
	}
	return nil
}

// checkBase checks within tx that BaseThemeId names a starter theme or a
// theme of the account.
func checkBase(ctx context.Context, tx Tx, account, base string, now time.Time) error {
	if builtinTheme(base) {
		return nil
	}
	_, err := lookupAsset(ctx, tx, themeKind.ref(account, base), now)
	var e *Error
	if errors.As(err, &e) && e.Code == CodeResourceNotFound {
		return invalidParameter("BaseThemeId %q names neither a starter theme (%s) nor a theme of account %s.",
			base, strings.Join(builtinThemes, ", "), account)
	}
	return err
}

// builtinAsset is a starter theme as the store would hold it.
func builtinAsset(id string) Asset {
	return Asset{Account: builtinAccount, Kind: themeKind.Type, ID: id, Name: id[:1] + strings.ToLower(id[1:]),
		Status: string(api.ResourceStatusCreationSuccessful), Version: 1}
}

// optionalTime leaves out a time never set (starter themes have none).
func optionalTime(t time.Time) *shape.Time {
	if t.IsZero() {
		return nil
	}
	return shape.NewTime(t)
}

// CreateTheme creates a theme and its first version, with permissions and
// tags.
func (s *Service) CreateTheme(ctx context.Context, in *api.CreateThemeRequest) (*api.CreateThemeResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.ThemeId
	if builtinTheme(id) {
		return nil, themeKind.taken(account, id)
	}
	perms, err := themeKind.change(account, "Permissions", fromResourcePermissions(in.Permissions), nil)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	fresh := Asset{Account: account, Kind: themeKind.Type, ID: id, Name: *in.Name,
		Status: string(api.ResourceStatusCreationSuccessful), CreatedAt: now, UpdatedAt: now}
	var a Asset
	err = s.update(ctx, account, func(tx Tx) error {
		a = fresh // a transaction run again starts from the request
		if err := checkBase(ctx, tx, account, *in.BaseThemeId, now); err != nil {
			return err
		}
		if err := createAsset(ctx, tx, a, perms, tags, now); err != nil {
			return err
		}
		return addVersion(ctx, tx, &a, in.VersionDescription, "", themeDoc{BaseThemeId: *in.BaseThemeId, Configuration: in.Configuration}, now)
	})
	if err != nil {
		return nil, err
	}
	region := s.regionOf(ctx)
	return &api.CreateThemeResponse{Arn: ptr(ThemeARN(region, account, id)), VersionArn: ptr(themeVersionARN(region, account, id, a.Version)),
		ThemeId: ptr(id), CreationStatus: ptr(api.ResourceStatus(s.assetStatus(a, now)))}, nil
}

// UpdateTheme makes a new version of a theme from what it is given; a
// Name left out keeps the theme's name.
func (s *Service) UpdateTheme(ctx context.Context, in *api.UpdateThemeRequest) (*api.UpdateThemeResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.ThemeId
	if err := refuseBuiltin(id, "content"); err != nil {
		return nil, err
	}
	var a Asset
	err := s.update(ctx, account, func(tx Tx) (err error) {
		if a, err = liveAsset(ctx, tx, themeKind.ref(account, id), now); err != nil {
			return err
		}
		if err := checkBase(ctx, tx, account, *in.BaseThemeId, now); err != nil {
			return err
		}
		if in.Name != nil {
			a.Name = *in.Name
		}
		return addVersion(ctx, tx, &a, in.VersionDescription, "", themeDoc{BaseThemeId: *in.BaseThemeId, Configuration: in.Configuration}, now)
	})
	if err != nil {
		return nil, err
	}
	region := s.regionOf(ctx)
	return &api.UpdateThemeResponse{ThemeId: ptr(id), Arn: ptr(ThemeARN(region, account, id)),
		VersionArn: ptr(themeVersionARN(region, account, id, a.Version)), CreationStatus: ptr(api.ResourceStatus(s.assetStatus(a, now)))}, nil
}

// DescribeTheme describes a theme at a version named by number or alias,
// or at its latest.
func (s *Service) DescribeTheme(ctx context.Context, in *api.DescribeThemeRequest) (*api.DescribeThemeResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.ThemeId
	if in.VersionNumber != nil && in.AliasName != nil {
		return nil, invalidParameter("Give VersionNumber or AliasName, not both.")
	}
	if builtinTheme(id) {
		a := builtinAsset(id)
		if in.VersionNumber != nil && *in.VersionNumber != 1 || in.AliasName != nil && *in.AliasName != aliasLatest {
			return nil, errorf(CodeResourceNotFound, "", "Starter theme %s has only version 1, aliased $LATEST.", id)
		}
		base := id
		return &api.DescribeThemeResponse{Theme: s.themeOut(ctx, a, AssetVersion{Number: 1, Status: a.Status,
			Doc: []byte(`{"BaseThemeId":` + strconv.Quote(base) + `}`)}, api.ThemeTypeQuicksight, now)}, nil
	}
	if account == builtinAccount {
		return nil, themeKind.notFound(account, id)
	}
	a, v, err := s.versionNamed(ctx, themeVersioned, account, id, in.VersionNumber, in.AliasName, now)
	if err != nil {
		return nil, err
	}
	return &api.DescribeThemeResponse{Theme: s.themeOut(ctx, a, v, api.ThemeTypeCustom, now)}, nil
}

func (s *Service) themeOut(ctx context.Context, a Asset, v AssetVersion, typ api.ThemeType, now time.Time) *api.Theme {
	region := s.regionOf(ctx)
	m, _ := versionMetaOf(v.Meta) // stored by qslocal; a bad one reads as none
	var d themeDoc
	_ = json.Unmarshal(v.Doc, &d)
	return &api.Theme{
		Arn:             ptr(ThemeARN(region, a.Account, a.ID)),
		Name:            ptr(a.Name),
		ThemeId:         ptr(a.ID),
		Type:            &typ,
		CreatedTime:     optionalTime(a.CreatedAt),
		LastUpdatedTime: optionalTime(a.UpdatedAt),
		Version: &api.ThemeVersion{
			VersionNumber: ptr(v.Number),
			Arn:           ptr(themeVersionARN(region, a.Account, a.ID, v.Number)),
			Description:   optional(m.Description),
			BaseThemeId:   optional(d.BaseThemeId),
			CreatedTime:   optionalTime(v.CreatedAt),
			Configuration: d.Configuration,
			Status:        s.versionStatus(v, now),
		},
	}
}

// DeleteTheme deletes a theme with its versions, aliases, grants and
// tags, or with VersionNumber that one version. A version an alias points
// at, or a theme's only version, is ConflictException.
func (s *Service) DeleteTheme(ctx context.Context, in *api.DeleteThemeRequest) (*api.DeleteThemeResponse, error) {
	account, id := *in.AwsAccountId, *in.ThemeId
	if err := refuseBuiltin(id, "versions"); err != nil {
		return nil, err
	}
	out := &api.DeleteThemeResponse{Arn: ptr(ThemeARN(s.regionOf(ctx), account, id)), ThemeId: ptr(id)}
	if in.VersionNumber == nil {
		_, err := s.deleteAsset(ctx, themeKind.ref(account, id), 0)
		return out, err
	}
	if err := s.deleteVersion(ctx, themeVersioned, account, id, *in.VersionNumber); err != nil {
		return nil, err
	}
	return out, nil
}

// themeListKey orders starter themes before the account's: "!" sorts
// before every character a theme id may hold.
func themeListKey(a Asset) string {
	if a.Account == builtinAccount {
		return "!" + a.ID
	}
	return a.ID
}

// ListThemes lists the starter themes (Type ALL or QUICKSIGHT), then the
// account's (ALL or CUSTOM), in id order, a page at a time.
func (s *Service) ListThemes(ctx context.Context, in *api.ListThemesRequest) (*api.ListThemesResponse, error) {
	now := s.now()
	account := *in.AwsAccountId
	typ := api.ThemeTypeAll
	if in.Type != nil {
		typ = *in.Type
	}
	l := listing{account: account, kind: "themes", scope: account + "/" + string(typ)}
	rows, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]Asset, error) {
		var out []Asset
		if typ != api.ThemeTypeCustom && (after == "" || after[0] == '!') {
			for _, id := range builtinThemes {
				if "!"+id > after {
					out = append(out, builtinAsset(id))
				}
			}
		}
		if strings.HasPrefix(after, "!") {
			after = ""
		}
		if typ != api.ThemeTypeQuicksight && len(out) < limit {
			custom, err := scanAssets(ctx, tx, themeKind, account, after, limit-len(out), func(a Asset) (bool, error) { return !a.expired(now), nil })
			if err != nil {
				return nil, err
			}
			out = append(out, custom...)
		}
		return out[:min(len(out), limit)], nil
	}, themeListKey)
	if err != nil {
		return nil, err
	}
	out := make([]api.ThemeSummary, len(rows))
	for i, a := range rows {
		out[i] = api.ThemeSummary{Arn: ptr(ThemeARN(s.regionOf(ctx), a.Account, a.ID)), Name: ptr(a.Name), ThemeId: ptr(a.ID),
			LatestVersionNumber: ptr(a.Version), CreatedTime: optionalTime(a.CreatedAt), LastUpdatedTime: optionalTime(a.UpdatedAt)}
	}
	return &api.ListThemesResponse{ThemeSummaryList: out, NextToken: next}, nil
}

// ListThemeVersions lists a theme's versions in number order.
func (s *Service) ListThemeVersions(ctx context.Context, in *api.ListThemeVersionsRequest) (*api.ListThemeVersionsResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.ThemeId
	region := s.regionOf(ctx)
	if builtinTheme(id) {
		return &api.ListThemeVersionsResponse{ThemeVersionSummaryList: []api.ThemeVersionSummary{{VersionNumber: ptr(int64(1)),
			Arn: ptr(themeVersionARN(region, builtinAccount, id, 1)), Status: ptr(api.ResourceStatusCreationSuccessful)}}}, nil
	}
	rows, next, err := s.listVersions(ctx, themeVersioned, account, id, in.NextToken, in.MaxResults, now)
	if err != nil {
		return nil, err
	}
	out := make([]api.ThemeVersionSummary, len(rows))
	for i, v := range rows {
		m, _ := versionMetaOf(v.Meta)
		out[i] = api.ThemeVersionSummary{VersionNumber: ptr(v.Number), Arn: ptr(themeVersionARN(region, account, id, v.Number)),
			Description: optional(m.Description), CreatedTime: optionalTime(v.CreatedAt), Status: s.versionStatus(v, now)}
	}
	return &api.ListThemeVersionsResponse{ThemeVersionSummaryList: out, NextToken: next}, nil
}

func (s *Service) themeAlias(ctx context.Context, account, id, alias string, n int64) *api.ThemeAlias {
	return &api.ThemeAlias{Arn: ptr(themeVersioned.aliasARN(s.regionOf(ctx), account, id, alias)), AliasName: ptr(alias), ThemeVersionNumber: ptr(n)}
}

// setThemeAlias points alias at a version of a live theme: create says
// whether the alias must be new (else it must exist).
func (s *Service) setThemeAlias(ctx context.Context, account, id, alias string, n int64, create bool) (*api.ThemeAlias, error) {
	if err := s.setAlias(ctx, themeVersioned, account, id, alias, n, create); err != nil {
		return nil, err
	}
	return s.themeAlias(ctx, account, id, alias, n), nil
}

// CreateThemeAlias names a version of a theme.
func (s *Service) CreateThemeAlias(ctx context.Context, in *api.CreateThemeAliasRequest) (*api.CreateThemeAliasResponse, error) {
	al, err := s.setThemeAlias(ctx, *in.AwsAccountId, *in.ThemeId, *in.AliasName, *in.ThemeVersionNumber, true)
	if err != nil {
		return nil, err
	}
	return &api.CreateThemeAliasResponse{ThemeAlias: al}, nil
}

// UpdateThemeAlias points an alias at another version.
func (s *Service) UpdateThemeAlias(ctx context.Context, in *api.UpdateThemeAliasRequest) (*api.UpdateThemeAliasResponse, error) {
	al, err := s.setThemeAlias(ctx, *in.AwsAccountId, *in.ThemeId, *in.AliasName, *in.ThemeVersionNumber, false)
	if err != nil {
		return nil, err
	}
	return &api.UpdateThemeAliasResponse{ThemeAlias: al}, nil
}

// DescribeThemeAlias answers the version an alias names; $LATEST names the
// latest.
func (s *Service) DescribeThemeAlias(ctx context.Context, in *api.DescribeThemeAliasRequest) (*api.DescribeThemeAliasResponse, error) {
	now := s.now()
	account, id, alias := *in.AwsAccountId, *in.ThemeId, *in.AliasName
	if builtinTheme(id) {
		if alias != aliasLatest {
			return nil, errorf(CodeResourceNotFound, "", "Starter theme %s has no alias %s.", id, alias)
		}
		return &api.DescribeThemeAliasResponse{ThemeAlias: s.themeAlias(ctx, builtinAccount, id, alias, 1)}, nil
	}
	_, v, err := s.versionNamed(ctx, themeVersioned, account, id, nil, &alias, now)
	if err != nil {
		return nil, err
	}
	return &api.DescribeThemeAliasResponse{ThemeAlias: s.themeAlias(ctx, account, id, alias, v.Number)}, nil
}

// DeleteThemeAlias deletes an alias; the version stays.
func (s *Service) DeleteThemeAlias(ctx context.Context, in *api.DeleteThemeAliasRequest) (*api.DeleteThemeAliasResponse, error) {
	account, id, alias := *in.AwsAccountId, *in.ThemeId, *in.AliasName
	if err := s.deleteAlias(ctx, themeVersioned, account, id, alias); err != nil {
		return nil, err
	}
	return &api.DeleteThemeAliasResponse{AliasName: ptr(alias), Arn: ptr(ThemeARN(s.regionOf(ctx), account, id)), ThemeId: ptr(id)}, nil
}

// ListThemeAliases lists a theme's own aliases in name order ($LATEST is
// derived, not listed).
func (s *Service) ListThemeAliases(ctx context.Context, in *api.ListThemeAliasesRequest) (*api.ListThemeAliasesResponse, error) {
	account, id := *in.AwsAccountId, *in.ThemeId
	if builtinTheme(id) {
		return &api.ListThemeAliasesResponse{ThemeAliasList: []api.ThemeAlias{}}, nil
	}
	rows, next, err := s.listAliases(ctx, themeVersioned, account, id, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := make([]api.ThemeAlias, len(rows))
	for i, al := range rows {
		out[i] = *s.themeAlias(ctx, account, id, al.Name, al.Number)
	}
	return &api.ListThemeAliasesResponse{ThemeAliasList: out, NextToken: next}, nil
}

// DescribeThemePermissions lists who may do what with a theme.
func (s *Service) DescribeThemePermissions(ctx context.Context, in *api.DescribeThemePermissionsRequest) (*api.DescribeThemePermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.ThemeId
	if err := refuseBuiltin(id, "permissions"); err != nil {
		return nil, err
	}
	grants, err := s.assetGrants(ctx, themeKind.ref(account, id))
	if err != nil {
		return nil, err
	}
	return &api.DescribeThemePermissionsResponse{ThemeId: ptr(id), ThemeArn: ptr(ThemeARN(s.regionOf(ctx), account, id)),
		Permissions: s.resourcePermissionsOut(ctx, account, grants)}, nil
}

// UpdateThemePermissions grants and revokes permissions on a theme in one
// transaction, and answers the whole resulting set.
func (s *Service) UpdateThemePermissions(ctx context.Context, in *api.UpdateThemePermissionsRequest) (*api.UpdateThemePermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.ThemeId
	if err := refuseBuiltin(id, "permissions"); err != nil {
		return nil, err
	}
	change, err := themeKind.change(account, "GrantPermissions",
		fromResourcePermissions(in.GrantPermissions), fromResourcePermissions(in.RevokePermissions))
	if err != nil {
		return nil, err
	}
	grants, err := s.updateAssetGrants(ctx, themeKind.ref(account, id), change)
	if err != nil {
		return nil, err
	}
	return &api.UpdateThemePermissionsResponse{ThemeId: ptr(id), ThemeArn: ptr(ThemeARN(s.regionOf(ctx), account, id)),
		Permissions: s.resourcePermissionsOut(ctx, account, grants)}, nil
}
