package qslocal

import "context"

// Call describes the request being served: its id and the region it was
// signed for. The HTTP layer attaches it to the context.
type Call struct {
	RequestID string
	Region    string // empty: the service's default region
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
