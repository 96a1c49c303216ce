package qslocal

import (
	"context"
	"errors"

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

// namespaceOut is the API view of a namespace. Namespaces are ready as soon
// as they are created, so CreationStatus is always CREATED.
func (s *Service) namespaceOut(ctx context.Context, ns Namespace) api.NamespaceInfoV2 {
	return api.NamespaceInfoV2{
		Name:           ptr(ns.Name),
		Arn:            ptr(NamespaceARN(s.regionOf(ctx), ns.Account, ns.Name)),
		CapacityRegion: ptr(ns.CapacityRegion),
		CreationStatus: ptr(api.NamespaceStatusCreated),
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

// CreateNamespace creates a namespace, ready at once. AWS creates
// namespaces asynchronously and answers CREATING; qslocal answers CREATED.
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
		_, err := tx.Namespace(ctx, account, name)
		if err == nil {
			return exists
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
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
	info := s.namespaceOut(ctx, ns)
	return &api.CreateNamespaceResponse{
		Arn: info.Arn, Name: info.Name, CapacityRegion: info.CapacityRegion,
		CreationStatus: info.CreationStatus, IdentityStore: info.IdentityStore,
	}, nil
}

// DescribeNamespace returns one namespace.
func (s *Service) DescribeNamespace(ctx context.Context, in *api.DescribeNamespaceRequest) (*api.DescribeNamespaceResponse, error) {
	account, name := *in.AwsAccountId, *in.Namespace
	var ns Namespace
	err := s.view(ctx, account, func(tx Tx) (err error) {
		ns, err = tx.Namespace(ctx, account, name)
		if errors.Is(err, ErrNotFound) {
			return namespaceNotFound(name, account)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	info := s.namespaceOut(ctx, ns)
	return &api.DescribeNamespaceResponse{Namespace: &info}, nil
}

// ListNamespaces lists an account's namespaces in name order, a page at a
// time.
func (s *Service) ListNamespaces(ctx context.Context, in *api.ListNamespacesRequest) (*api.ListNamespacesResponse, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "namespaces", scope: account}
	list, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]Namespace, error) {
		nss, err := tx.ListNamespaces(ctx, account, after, limit)
		if err == nil && len(nss) == 0 && after == "" {
			// Every account has its default namespace: none means the
			// account was reset since this process made it, and view
			// makes it anew and lists again.
			return nil, errorf(CodeResourceNotFound, ResourceNamespace, "Account %s has no namespaces.", account)
		}
		return nss, err
	}, func(ns Namespace) string { return ns.Name })
	if err != nil {
		return nil, err
	}
	out := &api.ListNamespacesResponse{Namespaces: make([]api.NamespaceInfoV2, len(list)), NextToken: next}
	for i, ns := range list {
		out.Namespaces[i] = s.namespaceOut(ctx, ns)
	}
	return out, nil
}

// DeleteNamespace deletes a namespace with its users, groups, memberships
// and self-upgrade requests, and their tags and the permissions granted to
// them, in one transaction. AWS deletes
// asynchronously; qslocal is done when it answers.
func (s *Service) DeleteNamespace(ctx context.Context, in *api.DeleteNamespaceRequest) (*api.DeleteNamespaceResponse, error) {
	account, name := *in.AwsAccountId, *in.Namespace
	if name == defaultNamespace {
		return nil, invalidParameter("Namespace default cannot be deleted.")
	}
	err := s.update(ctx, account, func(tx Tx) error {
		if err := namespace(ctx, tx, account, name); err != nil {
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
		return forget(ctx, tx, account, namespaceResource(name))
	})
	if errors.Is(err, ErrNotFound) {
		return nil, namespaceNotFound(name, account)
	}
	if err != nil {
		return nil, err
	}
	return &api.DeleteNamespaceResponse{}, nil
}
