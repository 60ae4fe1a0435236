# Checks a replay's Kaplan-Meier medians, their 95% CI and the log-rank chi-square against R survival.
# Usage: replay --out OUT --format csv --latest ...; then  Rscript demo-cohort-vs-r.R OUT
# (README "Statistics conventions" gives the last figures.)
library(survival)
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "out"
t <- read.csv(file.path(dir, "time-to-normalization.csv"), stringsAsFactors=FALSE)
t <- t[t$atRisk == "true" & !is.na(t$aval), ]
c <- read.csv(file.path(dir, "cohort-normalization-curves.csv"), stringsAsFactors=FALSE)
worst <- 0; n <- 0
for (i in seq_len(nrow(c))) {
  r <- c[i, ]
  d <- if (r$arm == "ALL") t[t$analyte == r$analyte, ] else t[t$analyte == r$analyte & t$arm == r$arm, ]
  if (nrow(d) == 0) next
  f <- survfit(Surv(aval, as.integer(cnsr == 0)) ~ 1, data = d, conf.type = "log-log")
  tab <- summary(f)$table
  ours <- c(r$medianDays, r$medianLower, r$medianUpper)
  theirs <- unname(c(tab["median"], tab["0.95LCL"], tab["0.95UCL"]))
  for (k in 1:3) {
    n <- n + 1
    a <- ours[k]; b <- theirs[k]
    if (is.na(a) != is.na(b)) { cat("NA mismatch", r$arm, r$analyte, k, a, b, "\n"); next }
    if (!is.na(a)) { worst <- max(worst, abs(a - b)); if (abs(a-b) > 1e-9) cat("diff", r$arm, r$analyte, k, a, b, "\n") }
  }
  if (r$arm != "ALL" && !is.na(r$logRank.chiSquare)) {
    s <- survdiff(Surv(aval, as.integer(cnsr == 0)) ~ arm, data = t[t$analyte == r$analyte, ])
    n <- n + 1; worst <- max(worst, abs(s$chisq - r$logRank.chiSquare))
  }
}
cat(sprintf("compared %d values (medians, CI limits, log-rank chi-square) with R %s / survival %s: largest difference %.3g\n", n, getRversion(), packageVersion("survival"), worst))
