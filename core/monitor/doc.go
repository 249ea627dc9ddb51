// Package monitor keeps ec2x's instance metrics: the CPU credit model of
// burstable instance types, and metric time series in the store with
// CloudWatch's retention, roll-ups and GetMetricStatistics queries. Its
// Service samples every running instance each interval and answers the
// metric actions and the live fleet view of ec2x top; it owns met/ in the
// store.
//
// # Credits
//
// Credits follows AWS's rules for burstable (T) instances: a credit is one
// vCPU at 100 % for one minute; an instance earns credits_per_hour while it
// runs, accrues at most 24 hours of earnings, and spends credits for all the
// CPU it uses. A T2 in standard mode gets 30 launch credits per vCPU at each
// launch or start, spends them first, and they do not count toward the cap.
// Standard mode holds the CPU at its baseline once the balance is empty;
// unlimited mode never holds it and borrows surplus credits instead, paid
// back from later earnings and charged past 24 hours of earnings.
//
// # Series
//
// A Sample holds every metric of one instance at one moment. Record writes
// one record per sample (the "1m" tier, normally one a minute); Expire later
// moves samples older than 15 days into 5-minute buckets and buckets older
// than 63 days into 1-hour buckets, and deletes 1-hour buckets older than 455
// days, as CloudWatch keeps them. A bucket keeps Sum, Minimum, Maximum and
// SampleCount of every metric, so every statistic of any period stays exact.
// Each sample lives in exactly one tier at any time: a move writes the
// buckets and deletes their sources in one transaction.
//
// # Key layout
//
// All keys are of store.KindMetric. Times are Unix seconds, zero-padded to
// 10 digits so that keys sort by time.
//
//	met/<region>/<i-id>/1m/<part>/<t>     a sample at second t: JSON array of
//	                                      the launch credits, then every
//	                                      metric (null when not reported)
//	met/<region>/<i-id>/5m/<part>/<t>     a 5-minute bucket starting at t: JSON
//	met/<region>/<i-id>/1h/<part>/<t>     array of Sum, Minimum, Maximum,
//	                                      SampleCount for every metric in turn
//	met/_index/<res>/<part>/<region>/<i-id>  null: that series has records in
//	                                      that partition of tier res
//
// A partition spans 360 records of its tier (6 hours of 1m, 30 hours of 5m,
// 15 days of 1h) and starts at a multiple of its span since the Unix epoch.
// The store scans by prefix and cannot seek to a start key, so partitions
// bound every scan: a query reads only the partitions its range touches, and
// finding an instance's latest sample reads one partition. The index, sorted
// by time, lets Expire find what is past retention without reading the
// series themselves; instance IDs start with "i-", so "_index" never
// collides with one, and no region is named "_index".
package monitor
