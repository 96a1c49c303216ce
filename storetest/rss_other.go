//go:build !linux

package storetest

// rss cannot be read here.
func rss() (anon, file int64, ok bool) { return 0, 0, false }
