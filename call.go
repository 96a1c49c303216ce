package qslocal

import "context"

// Call describes the request being served: its id and the region it was
// signed for. The HTTP layer attaches it to the context.
type Call struct {
	RequestID string
	Region    string // empty: the service's default region
	// Operation is the API operation's name; empty for calls that do not
	// come through the API (snapshots, tests), which no account rule stops.
	Operation string
	// Namespace is the request's namespace label, where it has one.
	Namespace string
}

type callKey struct{}

// WithCall returns ctx carrying c.
func WithCall(ctx context.Context, c Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallFrom returns the Call attached to ctx, or the zero Call.
func CallFrom(ctx context.Context) Call {
	c, _ := ctx.Value(callKey{}).(Call)
	return c
}
