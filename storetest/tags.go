package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/qslocal/qslocal"
)

func getTags(t *testing.T, s qslocal.Store, account, resource string) []qslocal.Tag {
	t.Helper()
	return must(t, s, func(tx qslocal.Tx) ([]qslocal.Tag, error) { return tx.Tags(t.Context(), account, resource) })
}

// tags makes tags of key, value pairs.
func tags(kv ...string) []qslocal.Tag {
	var ts []qslocal.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		ts = append(ts, qslocal.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return ts
}

func checkTags(t *testing.T, what string, got, want []qslocal.Tag) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func testTags(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	const res = "user/default/alice"
	if got := getTags(t, s, acct, res); len(got) != 0 {
		t.Errorf("Tags of an untagged resource = %v, want none", got)
	}

	// Each step, then the tags it leaves, sorted by key bytes.
	steps := []struct {
		name string
		fn   func(tx qslocal.Tx) error
		want []qslocal.Tag
	}{
		{"set", func(tx qslocal.Tx) error {
			return tx.SetTags(ctx, acct, res, tags("b", "1", "a", "2", "B", "3", "é", "4", "a b", ""))
		}, tags("B", "3", "a", "2", "a b", "", "b", "1", "é", "4")},
		{"set again (idempotent)", func(tx qslocal.Tx) error {
			return tx.SetTags(ctx, acct, res, tags("b", "1", "a", "2"))
		}, tags("B", "3", "a", "2", "a b", "", "b", "1", "é", "4")},
		{"replace and add", func(tx qslocal.Tx) error {
			return tx.SetTags(ctx, acct, res, tags("a", "new", "c", "5", "a b", "x"))
		}, tags("B", "3", "a", "new", "a b", "x", "b", "1", "c", "5", "é", "4")},
		{"set nothing", func(tx qslocal.Tx) error { return tx.SetTags(ctx, acct, res, nil) },
			tags("B", "3", "a", "new", "a b", "x", "b", "1", "c", "5", "é", "4")},
		{"delete some, ignoring missing and other case", func(tx qslocal.Tx) error {
			return tx.DeleteTags(ctx, acct, res, []string{"b", "missing", "A", "é"})
		}, tags("B", "3", "a", "new", "a b", "x", "c", "5")},
		{"delete again (idempotent)", func(tx qslocal.Tx) error {
			return tx.DeleteTags(ctx, acct, res, []string{"b", "é"})
		}, tags("B", "3", "a", "new", "a b", "x", "c", "5")},
		{"delete nothing", func(tx qslocal.Tx) error { return tx.DeleteTags(ctx, acct, res, nil) },
			tags("B", "3", "a", "new", "a b", "x", "c", "5")},
		{"delete the rest", func(tx qslocal.Tx) error {
			return tx.DeleteTags(ctx, acct, res, []string{"B", "a", "a b", "c"})
		}, nil},
		{"delete from an untagged resource", func(tx qslocal.Tx) error {
			return tx.DeleteTags(ctx, acct, res, []string{"a"})
		}, nil},
		{"set after delete", func(tx qslocal.Tx) error {
			return tx.SetTags(ctx, acct, res, tags("k", "v"))
		}, tags("k", "v")},
	}
	// Tags of neighbouring resources and of another account, which no step
	// touches.
	others := []struct{ account, resource string }{
		{acct, "user/default/Alice"},
		{acct, "user/default/alice2"},
		{acct, "user/default/alic"},
		{acct, "group/default/alice"},
		{acct2, res},
	}
	otherTags := tags("a", "other", "b", "other")
	update(t, s, func(tx qslocal.Tx) error {
		for _, o := range others {
			if err := tx.SetTags(ctx, o.account, o.resource, otherTags); err != nil {
				return err
			}
		}
		return nil
	})
	for _, step := range steps {
		update(t, s, step.fn)
		got := getTags(t, s, acct, res)
		if len(got) != 0 || len(step.want) != 0 {
			checkTags(t, "Tags after "+step.name, got, step.want)
		}
	}
	for _, o := range others {
		checkTags(t, fmt.Sprintf("Tags(%s, %q)", o.account, o.resource), getTags(t, s, o.account, o.resource), otherTags)
	}
}

func testClearTags(t *testing.T, s qslocal.Store) {
	ctx := t.Context()
	resources := []string{
		"user/default/alice",
		"user/default/alicia",
		"user/default/al",
		"user/default/é",
		"user/default/ê",
		"user/default2/bob",
		"user/Default/carol",
		"user/other/carol",
		"group/default/alice",
		"namespace/default",
		"namespace/x",
		"namespace/xy",
		"namespace/X",
		"%",
		"_",
	}
	tests := []struct {
		prefix  string
		cleared []string
	}{
		{"user/default/", []string{"user/default/alice", "user/default/alicia", "user/default/al", "user/default/é", "user/default/ê"}},
		{"user/default/al", []string{"user/default/alice", "user/default/alicia", "user/default/al"}},
		{"user/default/alice", []string{"user/default/alice"}},
		{"user/default/é", []string{"user/default/é"}},
		{"user/", []string{"user/default/alice", "user/default/alicia", "user/default/al", "user/default/é", "user/default/ê",
			"user/default2/bob", "user/Default/carol", "user/other/carol"}},
		{"namespace/x", []string{"namespace/x", "namespace/xy"}}, // a resource name clears whatever extends it
		{"namespace/default", []string{"namespace/default"}},
		{"User/", nil},
		{"user/%", nil},
		{"user/_efault/", nil},
		{"user/*", nil},
		{"%", []string{"%"}},
		{"_", []string{"_"}},
		{"zzz", nil},
		{"", resources},
	}
	tagsOf := func(resource string) []qslocal.Tag { return tags("k", resource, "k2", "v") }
	// Each case has an account of its own; control is never cleared.
	const control = "000000000000"
	account := func(i int) string { return fmt.Sprintf("acct-%02d", i) }
	update(t, s, func(tx qslocal.Tx) error {
		for i := -1; i < len(tests); i++ {
			a := control
			if i >= 0 {
				a = account(i)
			}
			for _, r := range resources {
				if err := tx.SetTags(ctx, a, r, tagsOf(r)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	for i, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q", tt.prefix), func(t *testing.T) {
			update(t, s, func(tx qslocal.Tx) error { return tx.ClearTags(ctx, account(i), tt.prefix) })
			// Clearing twice is fine.
			update(t, s, func(tx qslocal.Tx) error { return tx.ClearTags(ctx, account(i), tt.prefix) })
			for _, r := range resources {
				got := getTags(t, s, account(i), r)
				if slices.Contains(tt.cleared, r) {
					if len(got) != 0 {
						t.Errorf("ClearTags(%q) kept %q: %v", tt.prefix, r, got)
					}
				} else {
					checkTags(t, fmt.Sprintf("ClearTags(%q) then Tags(%q)", tt.prefix, r), got, tagsOf(r))
				}
			}
		})
	}
	for _, r := range resources {
		checkTags(t, fmt.Sprintf("Tags(control, %q)", r), getTags(t, s, control, r), tagsOf(r))
	}
}
