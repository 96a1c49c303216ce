package qslocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
)

// Themes, templates and dashboards are versioned assets: every Create and
// Update makes a new numbered version (AssetVersion), and aliases are
// AssetLinks (relAlias) to a version number; $LATEST is derived, never
// stored, and $PUBLISHED applies only to dashboards, which publish one
// version. What follows is the version and alias logic they share;
// theme.go, template.go and dashboard.go keep the adapters to their API's
// shapes.

const (
	aliasLatest    = "$LATEST"
	aliasPublished = "$PUBLISHED"
)

// maxThemeAliases bounds the aliases one theme, or template, may have.
const maxThemeAliases = 100

// versioned is what the shared logic needs of a versioned kind: the kind
// (its Noun, and its Type as the lower-case noun in messages), its ARN, a
// check refusing changes to assets nobody may change (starter themes; nil
// where there are none) and the most aliases an asset may have.
type versioned struct {
	kind       *Kind
	arn        func(region, account, id string) string
	refuse     func(id, what string) error
	maxAliases int
	// reserved is the code for a reserved alias name: one the kind's alias
	// operations all declare.
	reserved string
	// published reads the number of an asset's published version, for
	// kinds that publish one (dashboards); nil where $PUBLISHED does not
	// apply.
	published func(Asset) (int64, error)
}

var (
	themeVersioned    = versioned{kind: themeKind, arn: ThemeARN, refuse: refuseBuiltin, maxAliases: maxThemeAliases, reserved: CodeInvalidParameterValue}
	templateVersioned = versioned{kind: templateKind, arn: TemplateARN, maxAliases: maxThemeAliases, reserved: CodeConflict}
)

// versionMeta is a versioned asset's Meta and each of its versions': the
// version's description and the ARN of the entity it was made from (which
// listings answer, and cannot read from the version's document); on the
// asset, Last is the highest number ever given.
type versionMeta struct {
	Description string `json:",omitempty"`
	Source      string `json:",omitempty"`
	Last        int64  `json:",omitempty"`
	// Published is the number of the published version and PublishedAt
	// when it was published, for kinds that publish one (dashboards).
	Published   int64     `json:",omitempty"`
	PublishedAt time.Time `json:",omitzero"`
}

func versionMetaOf(b []byte) (m versionMeta, err error) {
	if b != nil {
		err = json.Unmarshal(b, &m)
	}
	return m, err
}

// addVersion makes doc, as sent, the asset's next version, made from the
// entity source names (or none), and stores a with it as its latest.
func addVersion(ctx context.Context, tx Tx, a *Asset, desc *string, source string, doc any, now time.Time) error {
	m, err := versionMetaOf(a.Meta)
	if err != nil {
		return err
	}
	d, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	vm, err := json.Marshal(versionMeta{Description: str(desc), Source: source})
	if err != nil {
		return err
	}
	m.Last = max(m.Last, a.Version) + 1
	m.Description = str(desc)
	v := AssetVersion{Account: a.Account, Kind: a.Kind, ID: a.ID, Number: m.Last, Name: a.Name,
		Status: string(api.ResourceStatusCreationSuccessful), CreatedAt: now, Meta: vm, Doc: d}
	if err := tx.CreateAssetVersion(ctx, v); err != nil {
		return err
	}
	if a.Meta, err = json.Marshal(m); err != nil {
		return err
	}
	a.Version, a.UpdatedAt, a.Status = v.Number, now, v.Status
	return tx.UpdateAsset(ctx, *a)
}

// version reads the version a request names by number or alias, or else
// the latest.
func (vk versioned) version(ctx context.Context, tx Tx, a Asset, number *int64, alias *string) (AssetVersion, error) {
	n := a.Version
	switch {
	case number != nil && alias != nil:
		return AssetVersion{}, invalidParameter("Give VersionNumber or AliasName, not both.")
	case number != nil:
		n = *number
	case alias != nil && *alias == aliasPublished && vk.published != nil:
		p, err := vk.published(a)
		if err != nil {
			return AssetVersion{}, err
		}
		n = p
	case alias != nil && *alias == aliasPublished:
		return AssetVersion{}, invalidParameter("AliasName: $PUBLISHED does not apply to %ss; use $LATEST or an alias of your own.", vk.kind.Type)
	case alias != nil && *alias != aliasLatest:
		return aliased(ctx, tx, vk.kind.ref(a.Account, a.ID), *alias)
	}
	v, err := tx.AssetVersion(ctx, a.Account, a.Kind, a.ID, n)
	if errors.Is(err, ErrNotFound) {
		return v, errorf(CodeResourceNotFound, "", "%s %s has no version %d.", vk.kind.Noun, a.ID, n)
	}
	return v, err
}

// versionNamed reads an asset that has not expired and the version a
// request names by number or alias, or else its latest.
func (s *Service) versionNamed(ctx context.Context, vk versioned, account, id string, number *int64, alias *string, now time.Time) (a Asset, v AssetVersion, err error) {
	err = s.view(ctx, account, func(tx Tx) (err error) {
		if a, err = lookupAsset(ctx, tx, vk.kind.ref(account, id), now); err != nil {
			return err
		}
		v, err = vk.version(ctx, tx, a, number, alias)
		return err
	})
	return a, v, err
}

// versionStatus is a version's status as readers see it: in progress for
// the async delay after it was made.
func (s *Service) versionStatus(v AssetVersion, now time.Time) *api.ResourceStatus {
	return ptr(api.ResourceStatus(s.assetStatus(Asset{Kind: themeKind.Type, Status: v.Status, UpdatedAt: v.CreatedAt}, now)))
}

// allVersions reads every version of an asset, in number order.
func allVersions(ctx context.Context, tx Tx, r Ref) ([]AssetVersion, error) {
	var out []AssetVersion
	for after := int64(0); ; {
		page, err := tx.ListAssetVersions(ctx, r.Account, r.Kind.Type, r.Name, after, defaultPageSize)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < defaultPageSize {
			return out, nil
		}
		after = page[len(page)-1].Number
	}
}

// deleteVersion deletes version n of a live asset. A version an alias
// points at, or an asset's only version, is ConflictException.
func (s *Service) deleteVersion(ctx context.Context, vk versioned, account, id string, n int64) error {
	now := s.now()
	r := vk.kind.ref(account, id)
	return s.update(ctx, account, func(tx Tx) error {
		a, err := liveAsset(ctx, tx, r, now)
		if err != nil {
			return err
		}
		if _, err := vk.version(ctx, tx, a, &n, nil); err != nil {
			return err
		}
		links, err := tx.ListAssetLinks(ctx, account, a.Kind, id, relAlias, "", vk.maxAliases)
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.Target == strconv.FormatInt(n, 10) {
				return errorf(CodeConflict, "", "Version %d of %s %s is aliased %s; point the alias elsewhere or delete it first.", n, vk.kind.Type, id, l.Name)
			}
		}
		if vk.published != nil {
			p, err := vk.published(a)
			if err != nil {
				return err
			}
			if p == n {
				return errorf(CodeConflict, "", "Version %d is the published version of %s %s; publish another first.", n, vk.kind.Type, id)
			}
		}
		vs, err := allVersions(ctx, tx, r)
		if err != nil {
			return err
		}
		if len(vs) == 1 {
			return errorf(CodeConflict, "", "Version %d is the only version of %s %s; delete the %s instead.", n, vk.kind.Type, id, vk.kind.Type)
		}
		if err := tx.DeleteAssetVersion(ctx, account, a.Kind, id, n); err != nil {
			return err
		}
		if n == a.Version {
			a.Version = vs[len(vs)-2].Number
			return tx.UpdateAsset(ctx, a)
		}
		return nil
	})
}

// listVersions reads a page of an asset's versions in number order.
func (s *Service) listVersions(ctx context.Context, vk versioned, account, id string, token *string, maxResults *int32, now time.Time) ([]AssetVersion, *string, error) {
	r := vk.kind.ref(account, id)
	l := listing{account: account, kind: vk.kind.Type + "versions", scope: account + "/" + id}
	return listPage(ctx, s, l, token, maxResults, func(tx Tx, after string, limit int) ([]AssetVersion, error) {
		if _, err := lookupAsset(ctx, tx, r, now); err != nil {
			return nil, err
		}
		n, _ := strconv.ParseInt(after, 10, 64) // "" on the first page; tokens are signed
		return tx.ListAssetVersions(ctx, account, vk.kind.Type, id, n, limit)
	}, func(v AssetVersion) string { return strconv.FormatInt(v.Number, 10) })
}

// checkAlias refuses the alias names QuickSight reserves, and aliases of
// assets nobody may change.
func (vk versioned) checkAlias(id, alias string) error {
	if vk.refuse != nil {
		if err := vk.refuse(id, "aliases"); err != nil {
			return err
		}
	}
	if strings.HasPrefix(alias, "$") {
		return errorf(vk.reserved, "", "AliasName %q: alias names beginning with $ are reserved by QuickSight.", alias)
	}
	return nil
}

// aliasARN is the ARN of an alias of an asset.
func (vk versioned) aliasARN(region, account, id, alias string) string {
	return vk.arn(region, account, id) + "/alias/" + alias
}

// setAlias points alias at version n of a live asset: create says whether
// the alias must be new (else it must exist).
func (s *Service) setAlias(ctx context.Context, vk versioned, account, id, alias string, n int64, create bool) error {
	if err := vk.checkAlias(id, alias); err != nil {
		return err
	}
	now := s.now()
	return s.update(ctx, account, func(tx Tx) error {
		a, err := liveAsset(ctx, tx, vk.kind.ref(account, id), now)
		if err != nil {
			return err
		}
		if _, err := vk.version(ctx, tx, a, &n, nil); err != nil {
			return err
		}
		_, err = tx.AssetLink(ctx, account, a.Kind, id, relAlias, alias)
		switch {
		case err == nil && create:
			return errorf(CodeResourceExists, "", "%s %s already has an alias %s.", vk.kind.Noun, id, alias)
		case errors.Is(err, ErrNotFound) && !create:
			return errorf(CodeResourceNotFound, "", "%s %s has no alias %s.", vk.kind.Noun, id, alias)
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		}
		if create {
			links, err := tx.ListAssetLinks(ctx, account, a.Kind, id, relAlias, "", vk.maxAliases)
			if err != nil {
				return err
			}
			if len(links) >= vk.maxAliases {
				return errorf(CodeLimitExceeded, "", "%s %s has %d aliases, the most qslocal allows.", vk.kind.Noun, id, vk.maxAliases)
			}
		}
		return tx.SetAssetLink(ctx, AssetLink{Account: account, Kind: a.Kind, ID: id, Rel: relAlias, Name: alias, Target: strconv.FormatInt(n, 10)})
	})
}

// deleteAlias deletes an alias of a live asset; the version stays.
func (s *Service) deleteAlias(ctx context.Context, vk versioned, account, id, alias string) error {
	if err := vk.checkAlias(id, alias); err != nil {
		return err
	}
	now := s.now()
	return s.update(ctx, account, func(tx Tx) error {
		if _, err := liveAsset(ctx, tx, vk.kind.ref(account, id), now); err != nil {
			return err
		}
		err := tx.DeleteAssetLink(ctx, account, vk.kind.Type, id, relAlias, alias)
		if errors.Is(err, ErrNotFound) {
			return errorf(CodeResourceNotFound, "", "%s %s has no alias %s.", vk.kind.Noun, id, alias)
		}
		return err
	})
}

// versionAlias is an alias and the version number it names.
type versionAlias struct {
	Name   string
	Number int64
}

// listAliases reads a page of an asset's own aliases in name order
// ($LATEST is derived, not listed).
func (s *Service) listAliases(ctx context.Context, vk versioned, account, id string, token *string, maxResults *int32) ([]versionAlias, *string, error) {
	now := s.now()
	r := vk.kind.ref(account, id)
	l := listing{account: account, kind: vk.kind.Type + "aliases", scope: account + "/" + id}
	rows, next, err := listPage(ctx, s, l, token, maxResults, func(tx Tx, after string, limit int) ([]AssetLink, error) {
		if _, err := lookupAsset(ctx, tx, r, now); err != nil {
			return nil, err
		}
		return tx.ListAssetLinks(ctx, account, vk.kind.Type, id, relAlias, after, limit)
	}, func(l AssetLink) string { return l.Name })
	if err != nil {
		return nil, nil, err
	}
	out := make([]versionAlias, len(rows))
	for i, l := range rows {
		n, err := strconv.ParseInt(l.Target, 10, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s alias %s: %w", vk.kind.Type, id, l.Name, err)
		}
		out[i] = versionAlias{Name: l.Name, Number: n}
	}
	return out, next, nil
}
