package qslocal

import (
	"context"
	"sort"
	"strings"

	"github.com/qslocal/qslocal/api"
)

// maxTags is how many tags a resource may carry: AWS documents "as many as
// 50 tags" per resource (the model's TagList allows 200 per request).
const maxTags = 50

// reservedTagPrefix starts the keys AWS keeps for itself. AWS's general
// tagging rules reserve it "in any upper or lowercase combination", so it
// is compared case-insensitively.
const reservedTagPrefix = "aws:"

func reservedTagKey(key string) bool {
	return len(key) >= len(reservedTagPrefix) && strings.EqualFold(key[:len(reservedTagPrefix)], reservedTagPrefix)
}

// checkTags applies the tagging rules shared by TagResource and every
// operation that creates a resource with Tags (RegisterUser,
// CreateCustomPermissions, CreateNamespace, ...): add must not name a key
// twice and no key may start with "aws:" in any case (reserved by AWS);
// both are InvalidParameterValueException. Once add is merged into existing
// (a key the resource has gets the new value) the resource may carry at
// most 50 tags, else LimitExceededException with resourceType (an
// ExceptionResourceType value such as USER, or "" where none fits).
// existing is what the resource has now: nil for a resource being created.
// It returns add as store tags, ready for Tx.SetTags, or nil when add is
// empty. The model has already checked that every Key and Value is set and
// within its length.
func checkTags(existing []Tag, add []api.Tag, resourceType string) ([]Tag, error) {
	if len(add) == 0 {
		return nil, nil
	}
	have := make(map[string]bool, len(existing)+len(add))
	for _, t := range existing {
		have[t.Key] = true
	}
	count := len(existing)
	seen := make(map[string]bool, len(add))
	out := make([]Tag, len(add))
	for i, t := range add {
		key, value := str(t.Key), str(t.Value)
		if seen[key] {
			return nil, invalidParameter("Tags[%d].Key: the key %q appears more than once in the request.", i, key)
		}
		seen[key] = true
		if reservedTagKey(key) {
			return nil, invalidParameter("Tags[%d].Key: keys starting with %q are reserved for AWS; %q cannot be used.", i, reservedTagPrefix, key)
		}
		if !have[key] {
			count++
		}
		out[i] = Tag{Key: key, Value: value}
	}
	if count > maxTags {
		return nil, errorf(CodeLimitExceeded, resourceType, "A resource can have at most %d tags; this request would leave it with %d.", maxTags, count)
	}
	return out, nil
}

// checkTagKeys applies UntagResource's rule: reserved "aws:" keys cannot be
// removed (InvalidParameterValueException). Keys the resource does not have
// are ignored, and so is a key named twice.
func checkTagKeys(keys []string) error {
	for i, k := range keys {
		if reservedTagKey(k) {
			return invalidParameter("TagKeys[%d]: keys starting with %q are reserved for AWS; %q cannot be removed.", i, reservedTagPrefix, k)
		}
	}
	return nil
}

// replaceTags makes tags the whole tag set of resource: a resource being
// created starts with exactly the tags it was created with, even if an
// earlier resource of the same name left some behind.
func replaceTags(ctx context.Context, tx Tx, account, resource string, tags []Tag) error {
	if err := dropTags(ctx, tx, account, resource); err != nil {
		return err
	}
	if len(tags) == 0 {
		return nil
	}
	return tx.SetTags(ctx, account, resource, tags)
}

// dropTags removes every tag of exactly one resource. Unlike ClearTags,
// which clears a prefix, it leaves "user/default/alice2" alone when
// dropping "user/default/alice".
func dropTags(ctx context.Context, tx Tx, account, resource string) error {
	tags, err := tx.Tags(ctx, account, resource)
	if err != nil || len(tags) == 0 {
		return err
	}
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = t.Key
	}
	return tx.DeleteTags(ctx, account, resource, keys)
}

// parseTaggable reads a tag operation's ResourceArn. A resource type
// qslocal does not have is ResourceNotFoundException, since no such
// resource can exist here; one that takes no tags is
// InvalidParameterValueException.
func parseTaggable(s string) (Ref, error) {
	r, err := parseRef("ResourceArn", s)
	switch {
	case err != nil:
		return r, err
	case r.Kind == nil:
		a, _ := ParseARN(s)
		typ, _, _ := strings.Cut(a.Resource, "/")
		return Ref{}, errorf(CodeResourceNotFound, "", "No resource %s in account %s: qslocal has no %q resources to tag.", a.Resource, a.Account, typ)
	case !r.Kind.Taggable:
		return Ref{}, invalidParameter("ResourceArn %q: %s resources cannot be tagged.", s, r.Kind.Type)
	}
	return r, nil
}

// TagResource adds tags to a resource or replaces the values of keys it
// has.
func (s *Service) TagResource(ctx context.Context, in *api.TagResourceRequest) (*api.TagResourceResponse, error) {
	r, err := parseTaggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	// Fail fast, before touching the store, on what the request alone shows.
	if _, err := checkTags(nil, in.Tags, r.Kind.ResourceType); err != nil {
		return nil, err
	}
	err = s.update(ctx, r.Account, func(tx Tx) error {
		if err := r.exists(ctx, tx, s.now()); err != nil {
			return err
		}
		existing, err := tx.Tags(ctx, r.Account, r.Resource())
		if err != nil {
			return err
		}
		tags, err := checkTags(existing, in.Tags, r.Kind.ResourceType)
		if err != nil {
			return err
		}
		return tx.SetTags(ctx, r.Account, r.Resource(), tags)
	})
	if err != nil {
		return nil, err
	}
	return &api.TagResourceResponse{}, nil
}

// UntagResource removes tags by key; keys the resource does not have are
// ignored.
func (s *Service) UntagResource(ctx context.Context, in *api.UntagResourceRequest) (*api.UntagResourceResponse, error) {
	r, err := parseTaggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := checkTagKeys(in.TagKeys); err != nil {
		return nil, err
	}
	err = s.update(ctx, r.Account, func(tx Tx) error {
		if err := r.exists(ctx, tx, s.now()); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, r.Account, r.Resource(), in.TagKeys)
	})
	if err != nil {
		return nil, err
	}
	return &api.UntagResourceResponse{}, nil
}

// ListTagsForResource returns a resource's tags sorted by key; a resource
// without tags answers an empty list.
func (s *Service) ListTagsForResource(ctx context.Context, in *api.ListTagsForResourceRequest) (*api.ListTagsForResourceResponse, error) {
	r, err := parseTaggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	var tags []Tag
	err = s.view(ctx, r.Account, func(tx Tx) (err error) {
		if err := r.exists(ctx, tx, s.now()); err != nil {
			return err
		}
		tags, err = tx.Tags(ctx, r.Account, r.Resource())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.ListTagsForResourceResponse{Tags: tagsOut(tags)}, nil
}

// tagsOut converts store tags for the wire, sorted by key; never nil, so
// an empty set is written as [].
func tagsOut(tags []Tag) []api.Tag {
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	out := make([]api.Tag, len(tags))
	for i, t := range tags {
		out[i] = api.Tag{Key: ptr(t.Key), Value: ptr(t.Value)}
	}
	return out
}
