package qslocal

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
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
}

// Service implements api.Handler: it applies QuickSight's rules and keeps
// state through a Store. Operations not built yet fall through to
// api.Unimplemented.
type Service struct {
	api.Unimplemented
	store    Store
	region   string
	now      func() time.Time
	newID    func() string
	tokens   tokens
	accounts sync.Map // account id -> struct{}: accounts known to exist
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
	s := &Service{store: cfg.Store, region: cfg.Region, now: cfg.Clock, newID: cfg.IDs, tokens: tokens{key: key}}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = NewID
	}
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

// regionOf is the region a request's ARNs carry.
func (s *Service) regionOf(ctx context.Context) string {
	if r := CallFrom(ctx).Region; r != "" {
		return r
	}
	return s.region
}

// ensureAccount creates an account on first use, in a transaction of its
// own. Creation is idempotent, so the cache only saves a write per request;
// it never decides anything.
func (s *Service) ensureAccount(ctx context.Context, account string) error {
	if _, ok := s.accounts.Load(account); ok {
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
	return s.store.Update(ctx, fn)
}

// view runs fn in a read-only transaction on an account, which springs
// into existence first if it is new.
func (s *Service) view(ctx context.Context, account string, fn func(tx Tx) error) error {
	if err := s.ensureAccount(ctx, account); err != nil {
		return err
	}
	return s.store.View(ctx, fn)
}

// namespace checks that a namespace exists within tx.
func namespace(ctx context.Context, tx Tx, account, name string) error {
	_, err := tx.Namespace(ctx, account, name)
	if errors.Is(err, ErrNotFound) {
		return errorf(CodeResourceNotFound, ResourceNamespace, "Namespace %s not found in account %s.", name, account)
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
