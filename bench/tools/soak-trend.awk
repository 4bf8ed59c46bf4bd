# bench/soak.sh's trend test over its CSV (awk -F, -f bench/tools/soak-trend.awk soak.csv): the first sample is
# warm-up and left out. Per series: the least-squares fitted change over the run (in % of the mean), the second
# half's mean against the first half's, and the fitted change over the last third. A series GROWS when it rose over
# the run (relative series: fitted change and halves both above 10 %; counts — threads, descriptors — a fitted
# change of at least 2 and a higher second half) AND is still rising in the last third (relative: > 2 % of the
# mean; counts: ≥ 1): a leak keeps growing, a pool filling to its size or a cache to its bound stops — reported as
# "rose, then flat". Exit 1 when a flagged series grows.
NR > 2 {m++; for (i = 1; i <= NF; i++) v[m, i] = $i}
function fit(col, from, to,   i, n, sx, sy, sxx, sxy) {
  for (i = from; i <= to; i++) {n++; sx += v[i, 1]; sy += v[i, col]; sxx += v[i, 1] * v[i, 1]; sxy += v[i, 1] * v[i, col]}
  return (n * sxx - sx * sx) == 0 ? 0 : (n * sxy - sx * sy) / (n * sxx - sx * sx) * (v[to, 1] - v[from, 1])
}
function trend(col, name, flag, count,   i, sy, mean, change, tail, h, a, b, na, nb, pct, halves, rose, rising, verdict) {
  for (i = 1; i <= m; i++) sy += v[i, col]
  mean = sy / m; change = fit(col, 1, m); tail = fit(col, m - int(m / 3), m)
  h = int(m / 2); for (i = 1; i <= m; i++) if (i <= h) {a += v[i, col]; na++} else if (i > m - h) {b += v[i, col]; nb++}
  pct = mean == 0 ? 0 : 100 * change / mean; halves = a == 0 ? 0 : 100 * (b / nb - a / na) / (a / na)
  rose = count ? (change >= 2 && b / nb > a / na) : (pct > 10 && halves > 10)
  rising = count ? tail >= 1 : (mean != 0 && 100 * tail / mean > 2)
  verdict = !flag ? "(reported)" : rose && rising ? "GROWS" : rose ? "rose, then flat" : "flat"
  printf "  %-22s mean %10.2f   fitted change %+9.2f (%+6.1f %%)   2nd half vs 1st %+6.1f %%   last third %+8.2f   %s\n",
    name, mean, change, pct, halves, tail, verdict
  if (flag && rose && rising) bad = 1
}
END {
  if (m < 3) {print "  fewer than three samples after warm-up: no trend"; exit 0}
  trend(7, "RSS MB", 1, 0); trend(9, "old gen MB (after GC)", 1, 0); trend(10, "live data MB", 1, 0)
  trend(11, "threads", 1, 1); trend(12, "file descriptors", 1, 1)
  trend(8, "heap used MB", 0, 0); trend(5, "p99 ms", 0, 0); trend(13, "event-loop lag mean ms", 0, 0); trend(3, "requests/s", 0, 0)
  exit bad
}
