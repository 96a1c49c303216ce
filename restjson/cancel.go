package restjson

import (
	"context"
	"net/http"
)

// A request whose context ends before it is answered was cancelled: its
// client went away (net/http ends the context when the connection closes),
// or the server is closing the connection as it shuts down. Whatever error
// the handler met then (a store interrupted mid-query reports its own),
// unless it is an answer of its own (a *qslocal.Error), it is no failure
// of the server's.
const (
	// StatusClientClosed is the status logged and reported for a cancelled
	// request: nginx's 499 "client closed request". Nobody reads it.
	StatusClientClosed = 499
	// CodeRequestCanceled is the code logged and reported for it: the AWS
	// SDKs' own name for a request their caller cancelled.
	CodeRequestCanceled = "RequestCanceled"
)

// cancelled reports a cancelled request, logged at debug with its cause.
func (s *Server) cancelled(ctx context.Context, w http.ResponseWriter, id string, err error) {
	s.cfg.Logger.DebugContext(ctx, "request cancelled", "request_id", id, "error", err)
	out := outcomeOf(ctx)
	out.Status, out.ErrorCode = StatusClientClosed, CodeRequestCanceled
	w.WriteHeader(StatusClientClosed)
}
