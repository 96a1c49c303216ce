package qslocal

import (
	"time"

	"github.com/qslocal/qslocal/api"
)

// Work that AWS does asynchronously takes Config.AsyncDelay here (the
// binary's --async-delay): creating a namespace (CREATING, then CREATED),
// deleting one (DELETING, then gone), and creating or updating an asset of
// a kind the table marks Async (CREATION_IN_PROGRESS, then
// CREATION_SUCCESSFUL; UPDATE_IN_PROGRESS, then UPDATE_SUCCESSFUL), and
// subscribing or unsubscribing an account (account.go).
//
// Nothing runs in the background. A state is derived when it is read, from
// the time the work started, which the store keeps (a namespace's
// CreatedAt or DeletingSince, an asset's UpdatedAt), and the clock: every
// process sharing a store sees the same states, a restart changes none,
// and a delay of 0 finishes everything at once.

// busy reports whether work that started at since is still running at now.
// A delay of 0 is never busy, also when another process's clock is a
// little ahead of this one's.
func (s *Service) busy(since, now time.Time) bool {
	return s.asyncDelay > 0 && now.Before(since.Add(s.asyncDelay))
}

// deleting reports whether ns is the emptied row a deleted namespace
// leaves (see DeleteNamespace).
func deleting(ns Namespace) bool { return !ns.DeletingSince.IsZero() }

// gone reports whether ns is the row of a deletion that has finished: to
// every reader there is no such namespace.
func (s *Service) gone(ns Namespace, now time.Time) bool {
	return deleting(ns) && !s.busy(ns.DeletingSince, now)
}

// creating reports whether ns is still being created at now. The default
// namespace comes with its account and is never being created.
func (s *Service) creating(ns Namespace, now time.Time) bool {
	return !deleting(ns) && ns.Name != defaultNamespace && s.busy(ns.CreatedAt, now)
}

// namespaceStatus is a namespace's CreationStatus at now.
func (s *Service) namespaceStatus(ns Namespace, now time.Time) api.NamespaceStatus {
	switch {
	case deleting(ns):
		return api.NamespaceStatusDeleting
	case s.creating(ns, now):
		return api.NamespaceStatusCreating
	}
	return api.NamespaceStatusCreated
}

// inProgress maps the status an asset's create or update ends in to the
// one it shows while that work runs, for kinds the table marks Async.
var inProgress = map[string]string{
	string(api.ResourceStatusCreationSuccessful): string(api.ResourceStatusCreationInProgress),
	string(api.ResourceStatusUpdateSuccessful):   string(api.ResourceStatusUpdateInProgress),
}

// assetStatus is the status a shows at now: the one stored, or, for an
// Async kind while the create or update that stored it runs (it started at
// UpdatedAt), its _IN_PROGRESS counterpart.
func (s *Service) assetStatus(a Asset, now time.Time) string {
	if k := kinds[a.Kind]; k != nil && k.Async && s.busy(a.UpdatedAt, now) {
		if p, ok := inProgress[a.Status]; ok {
			return p
		}
	}
	return a.Status
}

// shown is a as readers see it at now (its Status from assetStatus). Only
// answers use it: what is written back to the store keeps the stored
// status.
func (s *Service) shown(a Asset, now time.Time) Asset {
	a.Status = s.assetStatus(a, now)
	return a
}
