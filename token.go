package qslocal

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// pageToken is what a NextToken carries: which listing it continues (kind
// and scope, so a token cannot be replayed against another listing) and the
// last key returned, so the next page starts with an index seek rather than
// an offset.
type pageToken struct {
	Kind  string `json:"k"`
	Scope string `json:"s"`
	After string `json:"a"`
}

// tokens signs and checks pagination tokens with the store's secret, so a
// token issued by one process is accepted by any other sharing the store.
type tokens struct{ key []byte }

func (t tokens) sign(p pageToken) string {
	body, _ := json.Marshal(p) // cannot fail: three strings
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + base64.RawURLEncoding.EncodeToString(t.mac(payload))
}

func (t tokens) mac(payload string) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(payload))
	return m.Sum(nil)[:16]
}

// open returns the key to continue after, or InvalidNextTokenException when
// the token was not issued by us for this kind and scope.
func (t tokens) open(token, kind, scope string) (string, error) {
	bad := errorf(CodeInvalidNextToken, "", "The NextToken is not valid for this request.")
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", bad
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, t.mac(payload)) {
		return "", bad
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", bad
	}
	var p pageToken
	if json.Unmarshal(body, &p) != nil || p.Kind != kind || p.Scope != scope {
		return "", bad
	}
	return p.After, nil
}

// page is the common shape of a keyset listing request.
type page struct {
	after string // exclusive start key; "" for the first page
	limit int
}

// listing names one keyset listing; kind and scope bind its tokens to it.
type listing struct {
	account, kind, scope string
}

// listPage reads one page of a listing in a read transaction. fetch gets
// the exclusive start key and a limit one past the page, so that listPage
// knows whether another page follows; key is a row's sort key.
func listPage[T any](ctx context.Context, s *Service, l listing, next *string, max *int32,
	fetch func(tx Tx, after string, limit int) ([]T, error), key func(T) string) ([]T, *string, error) {
	p, err := s.tokens.startPage(next, max, l.kind, l.scope)
	if err != nil {
		return nil, nil, err
	}
	var rows []T
	err = s.view(ctx, l.account, func(tx Tx) (err error) {
		rows, err = fetch(tx, p.after, p.limit+1)
		return err
	})
	if err != nil || len(rows) <= p.limit {
		return rows, nil, err
	}
	rows = rows[:p.limit]
	return rows, s.tokens.nextToken(key(rows[len(rows)-1]), l.kind, l.scope), nil
}

const defaultPageSize = 100

// startPage reads NextToken and MaxResults.
func (t tokens) startPage(next *string, max *int32, kind, scope string) (page, error) {
	p := page{limit: defaultPageSize}
	if max != nil {
		p.limit = int(*max)
	}
	if next != nil && *next != "" {
		after, err := t.open(*next, kind, scope)
		if err != nil {
			return p, err
		}
		p.after = after
	}
	return p, nil
}

// nextToken returns the token for the page after one that ended at last.
func (t tokens) nextToken(last, kind, scope string) *string {
	s := t.sign(pageToken{Kind: kind, Scope: scope, After: last})
	return &s
}

// itself is the sort key of a listing of names.
func itself(s string) string { return s }
