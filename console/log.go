package console

import (
	"sync"
	"time"

	"github.com/qslocal/qslocal/restjson"
)

// DefaultLogSize is how many requests a RequestLog keeps.
const DefaultLogSize = 200

// Request is one answered request, as the request log shows it.
type Request struct {
	Time      time.Time
	Operation string
	Account   string
	Status    int
	ErrorCode string
	Latency   time.Duration
}

// RequestLog keeps the last requests restjson answered, in a ring of fixed
// size: its memory is bounded whatever the traffic. It implements
// restjson.Observer.
type RequestLog struct {
	mu   sync.Mutex
	ring []Request
	next int // where the next request goes
	full bool
	now  func() time.Time
}

var _ restjson.Observer = (*RequestLog)(nil)

// NewRequestLog keeps the last size requests (0: DefaultLogSize).
func NewRequestLog(size int) *RequestLog {
	if size <= 0 {
		size = DefaultLogSize
	}
	return &RequestLog{ring: make([]Request, size), now: time.Now}
}

// RequestStarted implements restjson.Observer.
func (l *RequestLog) RequestStarted() {}

// RequestFinished implements restjson.Observer.
func (l *RequestLog) RequestFinished(o restjson.Outcome) {
	r := Request{Time: l.now(), Operation: o.Operation, Account: o.Account, Status: o.Status, ErrorCode: o.ErrorCode, Latency: o.Duration}
	l.mu.Lock()
	l.ring[l.next] = r
	l.next = (l.next + 1) % len(l.ring)
	if l.next == 0 {
		l.full = true
	}
	l.mu.Unlock()
}

// Recent lists the requests kept, newest first; a non-empty account keeps
// only that account's.
func (l *RequestLog) Recent(account string) []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.next
	if l.full {
		n = len(l.ring)
	}
	out := make([]Request, 0, n)
	for i := range n {
		r := l.ring[(l.next-1-i+len(l.ring))%len(l.ring)]
		if account == "" || r.Account == account {
			out = append(out, r)
		}
	}
	return out
}
