package qslocal

import "regexp"

// regionName is the form every AWS partition gives its region names
// (us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1, us-isob-east-1):
// the union of the partitions' regionRegex in the SDKs' partitions.json,
// without the \w that lets those match digits and underscores.
var regionName = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]+$`)

// ValidRegion reports whether region has the form of an AWS region name.
// Regions go into ARNs, so one that does not (us:east) would make ARNs
// qslocal itself cannot read back. A well-formed name AWS does not have
// (yet) is accepted: qslocal serves every region at one endpoint.
func ValidRegion(region string) bool { return regionName.MatchString(region) }
