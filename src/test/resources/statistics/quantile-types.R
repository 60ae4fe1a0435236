# Reference values for QuantileTypeTest: R's quantile(x, probs, type = 1..9) of a few samples.
# Generated with R version 4.2.2 Patched (2022-11-10 r83330), stats::quantile.default, by
#   Rscript quantile-types.R > quantile-types-r.csv
# (run in this directory). Each sample's line "#sample,<name>,<values>" comes first, then its quantiles. Values are printed with 17 significant digits, which read back to the same double.
samples <- list(
  single = c(42),
  pair = c(3, 11),
  five = c(1, 2, 3, 4, 5),
  whole_ties = c(12, 7, 7, 30, 18, 7, 22, 15, 15, 41, 9, 26),  # whole numbers with ties, as lab tables have
  ten = 1:10,
  irregular = c(0.37, 2.8, -1.25, 14.1, 6.02, 3.3, 0.0049),
  crp_like = c(151.3, 88.4, 12.9, 240.0, 47.5, 61.2, 5.8, 102.7, 33.0, 19.6, 76.1, 130.9, 9.4, 55.5, 27.3, 8.8)
)
probs <- c(0, 0.05, 0.1, 0.25, 1/3, 0.4, 0.5, 0.6, 2/3, 0.75, 0.9, 0.95, 1)
cat("sample,type,p,quantile\n")
for (name in names(samples)) {
  cat(sprintf("#sample,%s,%s\n", name, paste(sprintf("%.17g", samples[[name]]), collapse = " ")))
  for (type in 1:9) {
    q <- quantile(samples[[name]], probs, type = type, names = FALSE)
    for (i in seq_along(probs)) {
      cat(sprintf("%s,%d,%.17g,%.17g\n", name, type, probs[i], q[i]))
    }
  }
}
