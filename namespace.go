package qslocal

import (
	"context"
	"errors"
	"time"

	"github.com/qslocal/qslocal/api"
)

// defaultNamespace is the namespace every account has; it cannot be deleted.
const defaultNamespace = "default"

// maxNamespacesPerAccount is AWS's documented default limit ("By default,
// there is a limit of 100 namespaces per Amazon Web Services account"),
// counting the default namespace.
const maxNamespacesPerAccount = 100

func namespaceNotFound(name, account string) error {
	return errorf(CodeResourceNotFound, ResourceNamespace, "Namespace %s not found in account %s.", name, account)
}

// lookupNamespace reads a namespace within tx. A namespace being deleted
// (its DELETING row, see DeleteNamespace) is not found: only
// DescribeNamespace and ListNamespaces show it.
func lookupNamespace(ctx context.Context, tx Tx, account, name string) (Namespace, error) {
	ns, err := tx.Namespace(ctx, account, name)
	if errors.Is(err, ErrNotFound) || err == nil && deleting(ns) {
		return Namespace{}, namespaceNotFound(name, account)
	}
	return ns, err
}

// namespace checks within tx that a namespace exists (see
// lookupNamespace). Reads accept one still being created: it is empty.
func namespace(ctx context.Context, tx Tx, account, name string) error {
	_, err := lookupNamespace(ctx, tx, account, name)
	return err
}

// readyNamespace reads within tx a namespace that exists and whose creation
// has finished. Operations that put something into a namespace or change
// its settings need it CREATED, and answer PreconditionNotMetException
// while it is CREATING (docs/behaviour.md).
func (s *Service) readyNamespace(ctx context.Context, tx Tx, account, name string, now time.Time) (Namespace, error) {
	ns, err := lookupNamespace(ctx, tx, account, name)
	if err == nil && s.creating(ns, now) {
		return ns, errorf(CodePreconditionNotMet, "",
			"Namespace %s in account %s is not ready: its CreationStatus is CREATING. Wait until DescribeNamespace answers CREATED.", name, account)
	}
	return ns, err
}

// namespaceOut is the API view of a namespace at now: CREATING, DELETING
// or CREATED (async.go).
func (s *Service) namespaceOut(ctx context.Context, ns Namespace, now time.Time) api.NamespaceInfoV2 {
	capacity := ns.CapacityRegion
	if r := notedIdentity(ctx); r != "" && ns.Name == defaultNamespace {
		// The default namespace lives in the identity region, which a
		// subscription can move after the namespace was made; every API
		// call has just read it (see admitted).
		capacity = r
	}
	return api.NamespaceInfoV2{
		Name:           ptr(ns.Name),
		Arn:            ptr(NamespaceARN(s.regionOf(ctx), ns.Account, ns.Name)),
		CapacityRegion: ptr(capacity),
		CreationStatus: ptr(s.namespaceStatus(ns, now)),
		IdentityStore:  ptr(api.IdentityStore(identityStoreOf(ns))),
	}
}

// identityStoreOf is the namespace's identity store; QUICKSIGHT, the only
// one, when the store has none recorded (the default namespace).
func identityStoreOf(ns Namespace) string {
	if ns.IdentityStore == "" {
		return string(api.IdentityStoreQuicksight)
	}
	return ns.IdentityStore
}

// CreateNamespace creates a namespace. As on AWS, it answers CREATING and
// the namespace is CREATED once the async delay has passed (at once with a
// delay of 0). A name whose namespace is still DELETING is
// ConflictException; once that deletion has finished the name is free.
func (s *Service) CreateNamespace(ctx context.Context, in *api.CreateNamespaceRequest) (*api.CreateNamespaceResponse, error) {
	now := s.now()
	account, name := *in.AwsAccountId, *in.Namespace
	if name == "" {
		return nil, invalidParameter("Namespace must not be empty.")
	}
	if in.IdentityStore == nil || *in.IdentityStore != api.IdentityStoreQuicksight {
		return nil, invalidParameter("IdentityStore must be QUICKSIGHT.")
	}
	tags, err := checkTags(nil, in.Tags, ResourceNamespace)
	if err != nil {
		return nil, err
	}
	ns := Namespace{
		Account: account, Name: name, CapacityRegion: s.regionOf(ctx),
		IdentityStore: string(api.IdentityStoreQuicksight), CreatedAt: now,
	}
	exists := errorf(CodeResourceExists, ResourceNamespace, "Namespace %s already exists in account %s.", name, account)
	err = s.update(ctx, account, func(tx Tx) error {
		if err := s.dropDeleted(ctx, tx, account, now); err != nil {
			return err
		}
		old, err := tx.Namespace(ctx, account, name)
		switch {
		case err == nil && deleting(old):
			return errorf(CodeConflict, "",
				"Namespace %s in account %s is being deleted (DELETING); create it again once DescribeNamespace no longer finds it.", name, account)
		case err == nil:
			return exists
		case !errors.Is(err, ErrNotFound):
			return err
		}
		// Namespaces still DELETING count.
		n, err := tx.CountNamespaces(ctx, account)
		if err != nil {
			return err
		}
		if n >= maxNamespacesPerAccount {
			return errorf(CodeLimitExceeded, ResourceNamespace, "Account %s already has %d namespaces, the limit.", account, n)
		}
		if err := tx.CreateNamespace(ctx, ns); err != nil {
			return err
		}
		return replaceTags(ctx, tx, account, namespaceResource(name), tags)
	})
	if errors.Is(err, ErrExists) {
		return nil, exists
	}
	if err != nil {
		return nil, err
	}
	info := s.namespaceOut(ctx, ns, now)
	return &api.CreateNamespaceResponse{
		Arn: info.Arn, Name: info.Name, CapacityRegion: info.CapacityRegion,
		CreationStatus: info.CreationStatus, IdentityStore: info.IdentityStore,
	}, nil
}

// dropDeleted removes within tx the rows of an account's finished
// namespace deletions, freeing their names and their places under the
// limit.
func (s *Service) dropDeleted(ctx context.Context, tx Tx, account string, now time.Time) error {
	const page = 100
	var gone []string
	for after := ""; ; {
		nss, err := tx.ListNamespaces(ctx, account, after, page)
		if err != nil {
			return err
		}
		for _, ns := range nss {
			if s.gone(ns, now) {
				gone = append(gone, ns.Name)
			}
		}
		if len(nss) < page {
			break
		}
		after = nss[len(nss)-1].Name
	}
	for _, name := range gone {
		if err := tx.DeleteNamespace(ctx, account, name); err != nil {
			return err
		}
	}
	return nil
}

// DescribeNamespace returns one namespace: CREATING, CREATED, or DELETING
// until its deletion has finished.
func (s *Service) DescribeNamespace(ctx context.Context, in *api.DescribeNamespaceRequest) (*api.DescribeNamespaceResponse, error) {
	now := s.now()
	account, name := *in.AwsAccountId, *in.Namespace
	var ns Namespace
	err := s.view(ctx, account, func(tx Tx) (err error) {
		ns, err = tx.Namespace(ctx, account, name)
		if errors.Is(err, ErrNotFound) || err == nil && s.gone(ns, now) {
			return namespaceNotFound(name, account)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	info := s.namespaceOut(ctx, ns, now)
	return &api.DescribeNamespaceResponse{Namespace: &info}, nil
}

// ListNamespaces lists an account's namespaces in name order, a page at a
// time, those being deleted included until their deletion has finished.
func (s *Service) ListNamespaces(ctx context.Context, in *api.ListNamespacesRequest) (*api.ListNamespacesResponse, error) {
	now := s.now()
	account := *in.AwsAccountId
	l := listing{account: account, kind: "namespaces", scope: account}
	list, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]Namespace, error) {
		// Rows of finished deletions do not shorten a page.
		var out []Namespace
		for first := after == ""; len(out) < limit; first = false {
			page, err := tx.ListNamespaces(ctx, account, after, limit)
			if err != nil {
				return nil, err
			}
			if len(page) == 0 && first {
				// Every account has its default namespace: none means the
				// account was reset since this process made it, and view
				// makes it anew and lists again.
				return nil, errorf(CodeResourceNotFound, ResourceNamespace, "Account %s has no namespaces.", account)
			}
			for _, ns := range page {
				if len(out) < limit && !s.gone(ns, now) {
					out = append(out, ns)
				}
			}
			if len(page) < limit {
				break
			}
			after = page[len(page)-1].Name
		}
		return out, nil
	}, func(ns Namespace) string { return ns.Name })
	if err != nil {
		return nil, err
	}
	out := &api.ListNamespacesResponse{Namespaces: make([]api.NamespaceInfoV2, len(list)), NextToken: next}
	for i, ns := range list {
		out.Namespaces[i] = s.namespaceOut(ctx, ns, now)
	}
	return out, nil
}

// DeleteNamespace deletes a namespace with its users, groups, memberships
// and self-upgrade requests, and their tags and the permissions granted to
// them, in one transaction. As on AWS, the deletion is asynchronous: with
// an async delay the namespace leaves an emptied row that
// DescribeNamespace and ListNamespaces show as DELETING until the delay
// has passed, and to every other operation the namespace is gone at once.
// A namespace still CREATING cannot be deleted yet.
func (s *Service) DeleteNamespace(ctx context.Context, in *api.DeleteNamespaceRequest) (*api.DeleteNamespaceResponse, error) {
	now := s.now()
	account, name := *in.AwsAccountId, *in.Namespace
	if name == defaultNamespace {
		return nil, invalidParameter("Namespace default cannot be deleted.")
	}
	err := s.update(ctx, account, func(tx Tx) error {
		ns, err := s.readyNamespace(ctx, tx, account, name, now)
		if err != nil {
			return err
		}
		if err := tx.DeleteNamespace(ctx, account, name); err != nil {
			return err
		}
		// Namespace names hold no "/", so these prefixes are exactly the
		// namespace's users and groups.
		for _, prefix := range []string{"user/" + name + "/", "group/" + name + "/"} {
			if err := tx.ClearTags(ctx, account, prefix); err != nil {
				return err
			}
			if err := tx.DropPrincipalPrefix(ctx, account, prefix); err != nil {
				return err
			}
		}
		if err := forget(ctx, tx, account, namespaceResource(name)); err != nil {
			return err
		}
		if s.asyncDelay <= 0 {
			return nil
		}
		ns.DeletingSince = now
		return tx.CreateNamespace(ctx, ns)
	})
	if errors.Is(err, ErrNotFound) {
		return nil, namespaceNotFound(name, account)
	}
	if err != nil {
		return nil, err
	}
	return &api.DeleteNamespaceResponse{}, nil
}
