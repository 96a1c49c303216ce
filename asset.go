package qslocal

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
)

// Every asset kind shares one lifecycle over the generic asset store:
// create with grants and tags, read, change, delete (after a recovery
// window, for kinds that have one) and restore, list and search by name or
// by who holds grants, and publish versions. What a kind adds (analysis.go,
// flow.go) is only its own rules and the translation from and to the
// API's shapes.

// relAlias is the AssetLink.Rel of a version alias: its Name is the alias,
// its Target the version number.
const relAlias = "alias"

// linkRels lists every Rel of asset links, for what reads them all (an
// export): a new Rel goes here.
var linkRels = []string{relAlias, relMember, relFormerFolder}

// deleted reports whether the asset is waiting out its recovery window.
func (a Asset) deleted() bool { return !a.DeletionTime.IsZero() }

// expired reports whether the asset's recovery window has passed.
func (a Asset) expired(now time.Time) bool { return a.deleted() && !now.Before(a.DeletionTime) }

func (k *Kind) notFound(account, id string) *Error {
	return errorf(CodeResourceNotFound, k.ResourceType, "%s %s not found in account %s.", k.Noun, id, account)
}

func (k *Kind) taken(account, id string) *Error {
	return errorf(CodeResourceExists, k.ResourceType, "%s %s already exists in account %s.", k.Noun, id, account)
}

// lookupAsset reads an asset, live or deleted; one whose recovery window
// has passed is not found.
func lookupAsset(ctx context.Context, tx Tx, r Ref, now time.Time) (Asset, error) {
	a, err := tx.Asset(ctx, r.Account, r.Kind.Type, r.Name)
	if errors.Is(err, ErrNotFound) || err == nil && a.expired(now) {
		return Asset{}, r.Kind.notFound(r.Account, r.Name)
	}
	return a, err
}

// liveAsset reads an asset that is not deleted: changing a deleted one is
// ConflictException until it is restored.
func liveAsset(ctx context.Context, tx Tx, r Ref, now time.Time) (Asset, error) {
	a, err := lookupAsset(ctx, tx, r, now)
	if err == nil && a.deleted() {
		return a, errorf(CodeConflict, "", "%s %s is deleted; restore it with Restore%s first.", r.Kind.Noun, r.Name, r.Kind.Noun)
	}
	return a, err
}

// purgeAsset removes an asset for good, with its versions, links, grants
// (link grants too), tags and folder memberships.
func purgeAsset(ctx context.Context, tx Tx, r Ref) error {
	if err := tx.DeleteAsset(ctx, r.Account, r.Kind.Type, r.Name); err != nil {
		return err
	}
	if err := dropMemberships(ctx, tx, r); err != nil {
		return err
	}
	if err := tx.ClearGrants(ctx, r.Account, r.Resource()); err != nil {
		return err
	}
	if r.Kind.LinkSharing {
		if err := tx.ClearGrants(ctx, r.Account, r.linkResource()); err != nil {
			return err
		}
	}
	return dropTags(ctx, tx, r.Account, r.Resource())
}

// createAsset stores a new asset with the grants of perms and exactly the
// given tags. An id whose earlier asset's recovery window has passed is
// free again; any other taken id is ResourceExistsException.
func createAsset(ctx context.Context, tx Tx, a Asset, perms permissionChange, tags []Tag, now time.Time) error {
	r := kinds[a.Kind].ref(a.Account, a.ID)
	old, err := tx.Asset(ctx, a.Account, a.Kind, a.ID)
	switch {
	case err == nil && old.expired(now):
		if err := purgeAsset(ctx, tx, r); err != nil {
			return err
		}
	case err == nil:
		return r.Kind.taken(a.Account, a.ID)
	case !errors.Is(err, ErrNotFound):
		return err
	}
	if err := tx.CreateAsset(ctx, a); err != nil {
		if errors.Is(err, ErrExists) {
			return r.Kind.taken(a.Account, a.ID)
		}
		return err
	}
	if _, err := perms.apply(ctx, tx, a.Account, r.Resource()); err != nil {
		return err
	}
	return replaceTags(ctx, tx, a.Account, r.Resource(), tags)
}

// publish makes the asset's content, as a holds it now, its next version
// and points alias at that version; the version alias pointed at before
// is deleted, so a kind keeps one version per alias. a must be stored
// already; publish stores its new Version.
func publish(ctx context.Context, tx Tx, a *Asset, alias string, now time.Time) error {
	if !kinds[a.Kind].Versioned {
		return fmt.Errorf("publish: %s assets have no versions", a.Kind)
	}
	v := AssetVersion{Account: a.Account, Kind: a.Kind, ID: a.ID, Number: a.Version + 1,
		Name: a.Name, Status: a.Status, CreatedAt: now, Meta: a.Meta, Doc: a.Doc}
	if err := tx.CreateAssetVersion(ctx, v); err != nil {
		return err
	}
	prev, err := tx.AssetLink(ctx, a.Account, a.Kind, a.ID, relAlias, alias)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if err == nil {
		n, err := strconv.ParseInt(prev.Target, 10, 64)
		if err != nil {
			return err
		}
		if err := tx.DeleteAssetVersion(ctx, a.Account, a.Kind, a.ID, n); err != nil {
			return err
		}
	}
	link := AssetLink{Account: a.Account, Kind: a.Kind, ID: a.ID, Rel: relAlias, Name: alias,
		Target: strconv.FormatInt(v.Number, 10)}
	if err := tx.SetAssetLink(ctx, link); err != nil {
		return err
	}
	a.Version = v.Number
	return tx.UpdateAsset(ctx, *a)
}

// aliased reads the version an alias points at; an alias the asset does
// not have is ResourceNotFoundException.
func aliased(ctx context.Context, tx Tx, r Ref, alias string) (AssetVersion, error) {
	l, err := tx.AssetLink(ctx, r.Account, r.Kind.Type, r.Name, relAlias, alias)
	if errors.Is(err, ErrNotFound) {
		return AssetVersion{}, errorf(CodeResourceNotFound, r.Kind.ResourceType, "%s %s has no %s version.", r.Kind.Noun, r.Name, alias)
	}
	if err != nil {
		return AssetVersion{}, err
	}
	n, err := strconv.ParseInt(l.Target, 10, 64)
	if err != nil {
		return AssetVersion{}, err
	}
	return tx.AssetVersion(ctx, r.Account, r.Kind.Type, r.Name, n)
}

// readAsset reads an asset, deleted ones included, in a read transaction,
// as readers see it (its status resolved by assetStatus).
func (s *Service) readAsset(ctx context.Context, r Ref) (a Asset, err error) {
	now := s.now()
	err = s.view(ctx, r.Account, func(tx Tx) error {
		a, err = lookupAsset(ctx, tx, r, now)
		return err
	})
	return s.shown(a, now), err
}

// assetGrants answers who may do what with an asset.
func (s *Service) assetGrants(ctx context.Context, r Ref) (grants []Grant, err error) {
	now := s.now()
	err = s.view(ctx, r.Account, func(tx Tx) error {
		if _, err := lookupAsset(ctx, tx, r, now); err != nil {
			return err
		}
		grants, err = tx.Grants(ctx, r.Account, r.Resource())
		return err
	})
	return grants, err
}

// updateAssetGrants grants and revokes permissions on a live asset in one
// transaction, and answers the whole resulting set.
func (s *Service) updateAssetGrants(ctx context.Context, r Ref, change permissionChange) (grants []Grant, err error) {
	now := s.now()
	err = s.update(ctx, r.Account, func(tx Tx) error {
		if _, err := liveAsset(ctx, tx, r, now); err != nil {
			return err
		}
		grants, err = change.apply(ctx, tx, r.Account, r.Resource())
		return err
	})
	return grants, err
}

// deleteAsset deletes an asset, at once when window is 0 or its kind has
// no recovery window, else once the window has passed: until then it is
// DELETED and can be restored. Deleting one already waiting out its window
// changes nothing and answers its DeletionTime, unless window is 0. It
// answers when the asset goes.
func (s *Service) deleteAsset(ctx context.Context, r Ref, window time.Duration) (when time.Time, err error) {
	now := s.now()
	if !r.Kind.RecoveryWindow {
		window = 0
	}
	err = s.update(ctx, r.Account, func(tx Tx) error {
		a, err := lookupAsset(ctx, tx, r, now)
		switch {
		case err != nil:
			return err
		case window == 0:
			when = now
			return purgeAsset(ctx, tx, r)
		case a.deleted():
			when = a.DeletionTime
			return nil
		}
		a.DeletionTime = now.Add(window)
		when = a.DeletionTime
		return tx.UpdateAsset(ctx, a)
	})
	return when, err
}

// restoreAsset brings back an asset waiting out its recovery window, into
// the folders it was in when toFolders is set, else into none; it answers
// the ids of the folders deleted meanwhile, which it could not go back to.
func (s *Service) restoreAsset(ctx context.Context, r Ref, toFolders bool) (failed []string, err error) {
	now := s.now()
	err = s.update(ctx, r.Account, func(tx Tx) error {
		a, err := lookupAsset(ctx, tx, r, now)
		if err != nil {
			return err
		}
		if !a.deleted() {
			return errorf(CodeConflict, "", "%s %s is not deleted.", r.Kind.Noun, r.Name)
		}
		a.DeletionTime = time.Time{}
		if err := tx.UpdateAsset(ctx, a); err != nil {
			return err
		}
		failed, err = restoreMemberships(ctx, tx, r, toFolders)
		return err
	})
	return failed, err
}

// listAssets lists the assets of kind k in id order, a page at a time,
// leaving out those whose recovery window has passed and those that match
// refuses. match is made once per page, in the page's transaction. The
// assets are as readers see them (their status resolved by assetStatus).
func (s *Service) listAssets(ctx context.Context, k *Kind, l listing, next *string, max *int32,
	match func(tx Tx) (func(Asset) (bool, error), error)) ([]Asset, *string, error) {
	now := s.now()
	rows, token, err := listPage(ctx, s, l, next, max, func(tx Tx, after string, limit int) ([]Asset, error) {
		keep, err := match(tx)
		if err != nil {
			return nil, err
		}
		return scanAssets(ctx, tx, k, l.account, after, limit, func(a Asset) (bool, error) {
			if a.expired(now) {
				return false, nil
			}
			return keep(a)
		})
	}, func(a Asset) string { return a.ID })
	for i := range rows {
		rows[i] = s.shown(rows[i], now)
	}
	return rows, token, err
}

// everyAsset is the match of a listing that keeps every asset.
func everyAsset(Tx) (func(Asset) (bool, error), error) {
	return func(Asset) (bool, error) { return true, nil }, nil
}

// eachAsset calls fn for every asset of kind k in the account, deleted
// ones included, in id order.
func eachAsset(ctx context.Context, tx Tx, k *Kind, account string, fn func(Asset) error) error {
	for after := ""; ; {
		page, err := tx.ListAssets(ctx, account, k.Type, after, defaultPageSize)
		if err != nil {
			return err
		}
		for _, a := range page {
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(page) < defaultPageSize {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// scanAssets reads assets in id order after `after` until limit of them
// pass keep or the account has no more: rows keep refuses do not shorten a
// page.
func scanAssets(ctx context.Context, tx Tx, k *Kind, account, after string, limit int, keep func(Asset) (bool, error)) ([]Asset, error) {
	var out []Asset
	for len(out) < limit {
		page, err := tx.ListAssets(ctx, account, k.Type, after, limit)
		if err != nil || len(page) == 0 {
			return out, err
		}
		for _, a := range page {
			if len(out) == limit {
				break
			}
			ok, err := keep(a)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, a)
			}
		}
		if len(page) < limit {
			break
		}
		after = page[len(page)-1].ID
	}
	return out, nil
}

// assetFilter is one filter of a search: on a text of the asset (its
// name, say), or on who holds grants on it.
type assetFilter struct {
	text  func(Asset) string // nil for an ownership filter
	value string
	like  bool // the text contains value, in any case; else equals it
	who   *holder
}

func assetName(a Asset) string { return a.Name }

// searchFilter reads one filter of a search (the model has checked that op
// is StringEquals or StringLike). texts maps the names of the kind's text
// filters to the text of an asset each compares: StringEquals wants it
// equal, StringLike wants it to contain value, in any case. Any other name
// is an ownership filter, which takes StringEquals. field names the filter
// in errors.
func searchFilter(account, field, name, op, value string, texts map[string]func(Asset) string) (assetFilter, error) {
	like := op == string(api.FilterOperatorStringLike)
	if text, ok := texts[name]; ok {
		return assetFilter{text: text, value: value, like: like}, nil
	}
	if like {
		return assetFilter{}, invalidParameter("%s.Operator: StringLike applies only to %s; %s takes StringEquals.",
			field, strings.Join(slices.Sorted(maps.Keys(texts)), " and "), name)
	}
	return ownershipFilter(account, field+".Value", name, value)
}

// ownershipFilter reads an ownership filter of a search: name is one of
// the filter names the search APIs share ([DIRECT_]QUICKSIGHT_OWNER,
// [DIRECT_]QUICKSIGHT_VIEWER_OR_OWNER, DIRECT_QUICKSIGHT_SOLE_OWNER,
// QUICKSIGHT_USER), value a user or group ARN of the account. DIRECT_
// filters count only grants to the principal itself on the asset itself.
func ownershipFilter(account, field, name, value string) (assetFilter, error) {
	key, err := principalKey(account, field, value)
	if err != nil {
		return assetFilter{}, err
	}
	if refAt(account, key).Kind == namespaceKind {
		return assetFilter{}, invalidParameter("%s: %q is a namespace; give a user or group ARN.", field, value)
	}
	h := holder{key: key, implicit: !strings.HasPrefix(name, "DIRECT_")}
	switch strings.TrimPrefix(name, "DIRECT_") {
	case "QUICKSIGHT_OWNER":
		h.owner = true
	case "QUICKSIGHT_SOLE_OWNER":
		h.owner, h.sole = true, true
	}
	return assetFilter{who: &h}, nil
}

// searchAssets lists the live assets of kind k that pass every filter.
// Ownership filters read each asset's grants: the cost grows with the
// account's assets of the kind. Implicit ones count the grants on the
// folders holding the asset and on their ancestors too (folderTree,
// read once per page), the folder kind's owners as owners of what the
// folders hold and its other grantees as viewers.
func (s *Service) searchAssets(ctx context.Context, k *Kind, l listing, next *string, max *int32, filters []assetFilter) ([]Asset, *string, error) {
	return s.listAssets(ctx, k, l, next, max, func(tx Tx) (func(Asset) (bool, error), error) {
		keys := make([]map[string]bool, len(filters))
		var tree *folderTree
		for i, f := range filters {
			if f.who == nil {
				continue
			}
			var err error
			if keys[i], err = f.who.principals(ctx, tx, l.account); err != nil {
				return nil, err
			}
			if f.who.implicit && tree == nil {
				t, err := readFolderTree(ctx, tx, l.account)
				if err != nil {
					return nil, err
				}
				tree = &t
			}
		}
		return func(a Asset) (bool, error) {
			if a.deleted() {
				return false, nil
			}
			res := k.ref(a.Account, a.ID).Resource()
			var grants []Grant
			for i, f := range filters {
				if f.who == nil {
					if !f.matches(f.text(a)) {
						return false, nil
					}
					continue
				}
				if grants == nil {
					var err error
					if grants, err = tx.Grants(ctx, a.Account, res); err != nil {
						return false, err
					}
				}
				if !f.who.reaches(k, grants, keys[i]) && !(f.who.implicit && f.who.reaches(folderKind, tree.inherited(res), keys[i])) {
					return false, nil
				}
			}
			return true, nil
		}, nil
	})
}

func (f assetFilter) matches(text string) bool {
	if f.like {
		return strings.Contains(strings.ToLower(text), strings.ToLower(f.value))
	}
	return text == f.value
}
