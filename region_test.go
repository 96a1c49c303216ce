package qslocal_test

import (
	"context"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/sqlite"
)

func TestValidRegion(t *testing.T) {
	for region, want := range map[string]bool{
		"us-east-1": true, "us-gov-west-1": true, "cn-north-1": true, "cn-northwest-1": true,
		"eusc-de-east-1": true, "us-iso-east-1": true, "us-isob-east-1": true, "eu-isoe-west-1": true,
		"ap-southeast-5": true, "mx-central-1": true, "il-central-1": true,
		"": false, "us:east": false, "us-east": false, "US-EAST-1": false, "useast1": false,
		"us-east-1:": false, "us-east-1/": false, "us_east_1": false, "-us-east-1": false, "u-east-1": false,
	} {
		if got := qslocal.ValidRegion(region); got != want {
			t.Errorf("ValidRegion(%q) = %v, want %v", region, got, want)
		}
	}
	store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := qslocal.NewService(context.Background(), qslocal.Config{Store: store, Region: "us:east"}); err == nil {
		t.Error("NewService with region us:east succeeded")
	}
}
