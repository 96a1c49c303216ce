package qslocal

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/qslocal/qslocal/api"
)

// Config wires a Service.
type Config struct {
	Store Store
	// Region is used for ARNs when a request carries no signed region.
	Region string
	// Clock and IDs are injectable for tests; nil means the real ones.
	Clock func() time.Time
	IDs   func() string
	// RequireSubscription answers accounts that have not called
	// CreateAccountSubscription as AWS answers unsubscribed accounts;
	// otherwise an account is subscribed by its first request.
	RequireSubscription bool
	// AuthenticationMethod is the method of accounts subscribed by their
	// first request (an api.AuthenticationMethodOption value);
	// IAM_AND_QUICKSIGHT when empty.
	AuthenticationMethod string
	// AsyncDelay is how long work AWS does asynchronously takes here: a
	// namespace is CREATING, then DELETING, an asset of an Async kind is
	// ..._IN_PROGRESS, and a subscription SIGNUP_ATTEMPT_IN_PROGRESS or
	// UNSUBSCRIBE_IN_PROGRESS, for this long. 0 finishes everything at once.
	AsyncDelay time.Duration
}

// Service implements api.Handler: it applies QuickSight's rules and keeps
// state through a Store. Operations not built yet fall through to
// api.Unimplemented.
type Service struct {
	api.Unimplemented
	store               Store
	region              string
	now                 func() time.Time
	newID               func() string
	tokens              tokens
	accounts            sync.Map // account id -> struct{}: accounts known to exist
	requireSubscription bool
	authMethod          string
	// asyncDelay is Config.AsyncDelay (see async.go).
	asyncDelay time.Duration
}

var _ api.Handler = (*Service)(nil)

// DefaultRegion is the region used when neither the request nor the
// configuration names one.
const DefaultRegion = "us-east-1"

// NewService builds a Service on an open store.
func NewService(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("qslocal: Config.Store is nil")
	}
	key, err := cfg.Store.Secret(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the store's secret: %w", err)
	}
	s := &Service{store: cfg.Store, region: cfg.Region, now: cfg.Clock, newID: cfg.IDs, tokens: tokens{key: key},
		requireSubscription: cfg.RequireSubscription, authMethod: cfg.AuthenticationMethod}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if !ValidRegion(s.region) {
		return nil, fmt.Errorf("qslocal: %q is not an AWS region name (such as us-east-1)", s.region)
	}
	if s.authMethod == "" {
		s.authMethod = string(api.AuthenticationMethodOptionIamAndQuicksight)
	}
	if !slices.Contains(api.AuthenticationMethodOptionValues, s.authMethod) {
		return nil, fmt.Errorf("qslocal: unknown authentication method %q", s.authMethod)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = NewID
	}
	s.asyncDelay = cfg.AsyncDelay
	return s, nil
}

// NewID returns a random (version 4) UUID.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// formatUUID writes 16 bytes in a UUID's 8-4-4-4-12 hex form.
func formatUUID(b [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// identityRegion is the region of user and group ARNs: the identity
// region of the account the call addresses, which every API call reads
// (see admitted), else the request's.
func (s *Service) identityRegion(ctx context.Context) string {
	if r := notedIdentity(ctx); r != "" {
		return r
	}
	return s.regionOf(ctx)
}

// regionOf is the region a request's ARNs carry.
func (s *Service) regionOf(ctx context.Context) string {
	if r := CallFrom(ctx).Region; r != "" {
		return r
	}
	return s.region
}

// ensureAccount creates an account on first use, in a transaction of its
// own, with the request's region (else the configured one) as its
// identity region: an account is in the region where it is first used.
// Creation is
// idempotent, so the cache only saves a write per request; it never
// decides anything: a reset, here or in another process sharing the store,
// can remove a cached account (see update and view). When subscriptions
// are required, nothing springs into existence.
func (s *Service) ensureAccount(ctx context.Context, account string) error {
	if _, ok := s.accounts.Load(account); ok || s.requireSubscription {
		return nil
	}
	region, now := s.regionOf(ctx), s.now()
	if err := s.store.Update(ctx, func(tx Tx) error { return tx.EnsureAccount(ctx, account, region, now) }); err != nil {
		return err
	}
	s.accounts.Store(account, struct{}{})
	return nil
}

// update runs fn in a read-write transaction on an account, which springs
// into existence first if it is new.
func (s *Service) update(ctx context.Context, account string, fn func(tx Tx) error) error {
	if err := s.ensureAccount(ctx, account); err != nil {
		return err
	}
	fn = s.admitted(ctx, account, fn)
	err := s.store.Update(ctx, s.noticeGone(ctx, account, fn))
	var gone *accountGone
	if !errors.As(err, &gone) || s.requireSubscription {
		return unwrapGone(err)
	}
	// The account was reset since it was made or cached (here, or by
	// another process sharing the store): run fn again on the account made
	// new in the same transaction, which no reset can come between. The
	// failed fn changed nothing, so running it again is safe.
	s.accounts.Delete(account)
	region, now := s.regionOf(ctx), s.now()
	return s.store.Update(ctx, func(tx Tx) error {
		if err := tx.EnsureAccount(ctx, account, region, now); err != nil {
			return err
		}
		return fn(tx)
	})
}

// view runs fn in a read-only transaction on an account. A read never
// makes an account: one that does not exist (never used, or reset since)
// is answered as it would be on its first use, by running fn on the
// account made in a write transaction that is then rolled back, so that
// reads of unknown accounts leave nothing behind. The account comes to
// exist with the first request that changes something (see update).
func (s *Service) view(ctx context.Context, account string, fn func(tx Tx) error) error {
	fn = s.admitted(ctx, account, fn)
	err := s.store.View(ctx, s.noticeGone(ctx, account, fn))
	var gone *accountGone
	if !errors.As(err, &gone) || s.requireSubscription {
		return unwrapGone(err)
	}
	s.accounts.Delete(account)
	region, now := s.regionOf(ctx), s.now()
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.EnsureAccount(ctx, account, region, now); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return errReadOnly
	})
	if errors.Is(err, errReadOnly) {
		return nil
	}
	return err
}

// errReadOnly rolls back the transaction in which view answers a read of
// an account that does not exist.
var errReadOnly = errors.New("qslocal: a read makes no account")

// accountGone is fn's error when the account it ran on did not exist.
type accountGone struct{ err error }

// unwrapGone gives the caller the error fn met, where it met a missing
// account no one will make again.
func unwrapGone(err error) error {
	var gone *accountGone
	if errors.As(err, &gone) {
		return gone.err
	}
	return err
}

func (e *accountGone) Error() string { return "account reset under the request: " + e.err.Error() }

// noticeGone wraps fn: when fn finds something missing, it checks in the
// same transaction whether the whole account is, and says so.
func (s *Service) noticeGone(ctx context.Context, account string, fn func(tx Tx) error) func(tx Tx) error {
	return func(tx Tx) error {
		err := fn(tx)
		if !notFound(err) {
			return err
		}
		if _, aerr := tx.Account(ctx, account); errors.Is(aerr, ErrNotFound) {
			return &accountGone{err}
		}
		return err
	}
}

// notFound tells the errors a missing account causes.
func notFound(err error) bool {
	var e *Error
	return errors.Is(err, ErrNotFound) || errors.As(err, &e) && e.Code == CodeResourceNotFound
}

// Reset wipes every account, or only the one named, in one transaction.
// Requests in flight finish before it or after it, as with any write.
func (s *Service) Reset(ctx context.Context, account string) error {
	err := s.store.Update(ctx, func(tx Tx) error {
		if account != "" {
			if err := tx.DeleteAccount(ctx, account); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			return nil
		}
		for {
			as, err := tx.ListAccounts(ctx, "", 1000)
			if err != nil || len(as) == 0 {
				return err
			}
			for _, a := range as {
				if err := tx.DeleteAccount(ctx, a.ID); err != nil {
					return err
				}
			}
		}
	})
	if account != "" {
		s.accounts.Delete(account)
	} else {
		s.accounts.Clear()
	}
	return err
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// optional returns nil for the empty string, so unset members stay absent
// on the wire.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// marshalOptional encodes an API object as JSON, nil as nil.
func marshalOptional[T any](v *T) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", v, err)
	}
	return b, nil
}

// unmarshalOptional decodes what marshalOptional wrote.
func unmarshalOptional[T any](b []byte) (*T, error) {
	if b == nil {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("decoding %T: %w", v, err)
	}
	return v, nil
}
