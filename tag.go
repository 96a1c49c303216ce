package qslocal

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"

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

// userResource and profileResource name a user and a custom permissions
// profile as Tx's tag and permission methods do: by the resource part of
// their ARNs.
func userResource(namespace, name string) string { return "user/" + namespace + "/" + name }

func profileResource(name string) string { return "custompermission/" + name }

// taggable is a QuickSight resource named by ARN: a tag operation's
// ResourceArn, or a principal of a permission.
type taggable struct {
	account  string
	resource string // the ARN's resource part, the key tags and grants are kept under
	kind     string // "user", "group", "namespace", "custompermission" or "analysis"
	// namespace and name identify the resource within the account;
	// namespace is empty for namespaces and profiles.
	namespace, name string
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// parseTaggable reads a tag operation's ResourceArn. A resource type
// qslocal does not have is ResourceNotFoundException, since no such
// resource can exist here.
func parseTaggable(s string) (taggable, error) {
	t, err := parseResource("ResourceArn", s)
	if err == nil && t.kind == "" {
		a, _ := ParseARN(s)
		kind, _, _ := strings.Cut(a.Resource, "/")
		return taggable{}, errorf(CodeResourceNotFound, "", "No resource %s in account %s: qslocal has no %q resources to tag.", a.Resource, a.Account, kind)
	}
	return t, err
}

// parseResource reads an ARN naming a QuickSight resource; field names the
// member in errors. The partition and region are ignored (qslocal's ARNs
// carry the caller's region, so a resource has one ARN per region); the
// account comes from the ARN. An ARN that is not a QuickSight ARN of a
// well-formed resource is InvalidParameterValueException; one of a type
// qslocal does not have comes back with an empty kind.
func parseResource(field, s string) (taggable, error) {
	a, err := ParseARN(s)
	if err != nil {
		return taggable{}, invalidParameter("%s %q is not an ARN.", field, s)
	}
	if a.Service != "quicksight" {
		return taggable{}, invalidParameter("%s %q is not a QuickSight ARN.", field, s)
	}
	if !accountID.MatchString(a.Account) {
		return taggable{}, invalidParameter("%s %q does not name a 12-digit AWS account.", field, s)
	}
	kind, rest, ok := strings.Cut(a.Resource, "/")
	if !ok || kind == "" || rest == "" {
		return taggable{}, invalidParameter("%s %q does not name a resource (want TYPE/ID after the account).", field, s)
	}
	t := resourceAt(a.Account, a.Resource)
	switch kind {
	case "user", "group":
		if t.namespace == "" || t.name == "" {
			return taggable{}, invalidParameter("%s %q: a %s ARN ends in %s/NAMESPACE/NAME.", field, s, kind, kind)
		}
	case "namespace", "custompermission", "analysis":
		if strings.Contains(rest, "/") {
			return taggable{}, invalidParameter("%s %q: a %s ARN ends in %s/NAME, and the name has no \"/\".", field, s, kind, kind)
		}
	default:
		t.kind = ""
	}
	return t, nil
}

// resourceAt names a resource by its ARN resource part, as kept in the
// store, without checking its form.
func resourceAt(account, resource string) taggable {
	t := taggable{account: account, resource: resource}
	var rest string
	t.kind, rest, _ = strings.Cut(resource, "/")
	if t.kind == "user" || t.kind == "group" {
		// Namespace names cannot hold "/", so the first "/" ends it; the
		// rest is the name, which may hold "/" itself.
		t.namespace, t.name, _ = strings.Cut(rest, "/")
	} else {
		t.name = rest
	}
	return t
}

// resourceType is the ExceptionResourceType of the resource, "" for a
// custom permissions profile (the enum has no value for profiles).
func (t taggable) resourceType() string {
	switch t.kind {
	case "user":
		return ResourceUser
	case "group":
		return ResourceGroup
	case "namespace":
		return ResourceNamespace
	}
	return ""
}

// exists checks within tx that the resource is there, with an error naming
// what is missing.
func (t taggable) exists(ctx context.Context, tx Tx, now time.Time) error {
	switch t.kind {
	case "user":
		_, err := lookupUser(ctx, tx, t.account, t.namespace, t.name)
		return err
	case "group":
		_, err := lookupGroup(ctx, tx, t.account, t.namespace, t.name)
		return err
	case "namespace":
		return namespace(ctx, tx, t.account, t.name)
	case "custompermission":
		return profile(ctx, tx, t.account, t.name)
	case "analysis":
		_, err := lookupAnalysis(ctx, tx, t.account, t.name, now)
		return err
	}
	return errorf(CodeResourceNotFound, "", "No resource %s in account %s.", t.resource, t.account)
}

// TagResource adds tags to a resource or replaces the values of keys it
// has.
func (s *Service) TagResource(ctx context.Context, in *api.TagResourceRequest) (*api.TagResourceResponse, error) {
	t, err := parseTaggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	// Fail fast, before touching the store, on what the request alone shows.
	if _, err := checkTags(nil, in.Tags, t.resourceType()); err != nil {
		return nil, err
	}
	err = s.update(ctx, t.account, func(tx Tx) error {
		if err := t.exists(ctx, tx, s.now()); err != nil {
			return err
		}
		existing, err := tx.Tags(ctx, t.account, t.resource)
		if err != nil {
			return err
		}
		tags, err := checkTags(existing, in.Tags, t.resourceType())
		if err != nil {
			return err
		}
		return tx.SetTags(ctx, t.account, t.resource, tags)
	})
	if err != nil {
		return nil, err
	}
	return &api.TagResourceResponse{}, nil
}

// UntagResource removes tags by key; keys the resource does not have are
// ignored.
func (s *Service) UntagResource(ctx context.Context, in *api.UntagResourceRequest) (*api.UntagResourceResponse, error) {
	t, err := parseTaggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := checkTagKeys(in.TagKeys); err != nil {
		return nil, err
	}
	err = s.update(ctx, t.account, func(tx Tx) error {
		if err := t.exists(ctx, tx, s.now()); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, t.account, t.resource, in.TagKeys)
	})
	if err != nil {
		return nil, err
	}
	return &api.UntagResourceResponse{}, nil
}

// ListTagsForResource returns a resource's tags sorted by key; a resource
// without tags answers an empty list.
func (s *Service) ListTagsForResource(ctx context.Context, in *api.ListTagsForResourceRequest) (*api.ListTagsForResourceResponse, error) {
	t, err := parseTaggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	var tags []Tag
	err = s.view(ctx, t.account, func(tx Tx) (err error) {
		if err := t.exists(ctx, tx, s.now()); err != nil {
			return err
		}
		tags, err = tx.Tags(ctx, t.account, t.resource)
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
