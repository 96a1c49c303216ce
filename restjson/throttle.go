package restjson

import (
	"sync"

	"golang.org/x/time/rate"
)

// throttle limits each account to a steady rate of requests, as AWS
// throttles callers per account; beyond it requests get ThrottlingException.
type throttle struct {
	perSecond float64
	burst     int
	mu        sync.Mutex
	accounts  map[string]*rate.Limiter
}

// maxThrottled bounds the accounts tracked at once.
const maxThrottled = 100_000

func newThrottle(perSecond float64) *throttle {
	if perSecond <= 0 {
		return nil
	}
	burst := int(perSecond)
	if burst < 1 {
		burst = 1
	}
	return &throttle{perSecond: perSecond, burst: burst, accounts: map[string]*rate.Limiter{}}
}

// allow reports whether account may make a request now; nil allows all.
func (t *throttle) allow(account string) bool {
	if t == nil {
		return true
	}
	t.mu.Lock()
	l, ok := t.accounts[account]
	if !ok {
		if len(t.accounts) >= maxThrottled {
			// Forgetting every bucket at once is crude but bounds memory;
			// a forgotten account merely starts with a full burst again.
			clear(t.accounts)
		}
		l = rate.NewLimiter(rate.Limit(t.perSecond), t.burst)
		t.accounts[account] = l
	}
	t.mu.Unlock()
	return l.Allow()
}
