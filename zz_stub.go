package qslocal

import (
	"context"
	"time"

	"github.com/qslocal/qslocal/api"
)

// Stubs until the folders-reach branch lands.
func addToFolders(ctx context.Context, tx Tx, r Ref, typ api.MemberType, field string, arns []string, now time.Time) error {
	return nil
}

type dataSetRef struct{ Field, ARN string }

func checkDataSets(ctx context.Context, tx Tx, account string, refs []dataSetRef, now time.Time) error {
	return nil
}
