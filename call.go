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

// callState is a Call with what the service learns while serving it.
type callState struct {
	Call
	// identity is the addressed account's identity region, as the call's
	// own transaction read it (see admitted); "" until then.
	identity string
}

// WithCall returns ctx carrying c.
func WithCall(ctx context.Context, c Call) context.Context {
	return context.WithValue(ctx, callKey{}, &callState{Call: c})
}

// CallFrom returns the Call attached to ctx, or the zero Call.
func CallFrom(ctx context.Context) Call {
	if st, ok := ctx.Value(callKey{}).(*callState); ok {
		return st.Call
	}
	return Call{}
}

// noteIdentity records the identity region the call's transaction read. A
// call is served by one goroutine, so no lock is needed.
func noteIdentity(ctx context.Context, region string) {
	if st, ok := ctx.Value(callKey{}).(*callState); ok {
		st.identity = region
	}
}

// notedIdentity is what noteIdentity recorded, or "".
func notedIdentity(ctx context.Context) string {
	if st, ok := ctx.Value(callKey{}).(*callState); ok {
		return st.identity
	}
	return ""
}
